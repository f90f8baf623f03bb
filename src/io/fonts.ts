import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Folders where distributions put DejaVu (Debian/Ubuntu, Fedora, Arch, Alpine, Homebrew). */
const DEJAVU_FOLDERS = [
  '/usr/share/fonts/truetype/dejavu',
  '/usr/share/fonts/dejavu-sans-fonts',
  '/usr/share/fonts/TTF',
  '/usr/share/fonts/dejavu',
  '/opt/homebrew/share/fonts',
  '/usr/local/share/fonts',
];

/**
 * The font files the PNG renderer loads explicitly: DejaVu Sans (regular and
 * bold), which the plots ask for by name. Empty when none is found; the caller
 * then lets the renderer use whatever fonts the system has.
 */
export function findPlotFontFiles(): string[] {
  for (const dir of DEJAVU_FOLDERS) {
    const regular = join(dir, 'DejaVuSans.ttf');
    if (existsSync(regular)) return [regular, join(dir, 'DejaVuSans-Bold.ttf')].filter((f) => existsSync(f));
  }
  return [];
}
