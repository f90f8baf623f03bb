import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../errors.js';
import { withOpenFile } from './tiffDirectory.js';
import { tiffProblem } from './tiffIntegrity.js';

/**
 * Clear answers for files that cannot be used as rasters: what the file is
 * (from its first bytes), what was expected, and what to do. Used by
 * openRaster before and after GDAL tries the file.
 */

const SIGNATURES: [string, (b: Buffer) => boolean][] = [
  ['a PNG image', (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))],
  ['a JPEG image', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['a ZIP archive', (b) => b.toString('latin1', 0, 4) === 'PK\x03\x04'],
  ['a gzip archive', (b) => b[0] === 0x1f && b[1] === 0x8b],
  ['a PDF document', (b) => b.toString('latin1', 0, 5) === '%PDF-'],
  ['an HDF5/NetCDF-4 file', (b) => b.toString('latin1', 1, 4) === 'HDF'],
  ['an HTML page (an error page saved instead of the file?)', (b) => /^\s*<(!doctype html|html)/i.test(b.toString('latin1', 0, 64))],
  ['an XML file', (b) => /^\s*<\?xml/.test(b.toString('latin1', 0, 16))],
];

/** What the first bytes of a file say it is, in words ("a PNG image", "a text file starting 'x,y'"), or null. */
export function sniffFileKind(path: string): string | null {
  return withOpenFile(path, (fd) => {
    const buf = Buffer.alloc(512);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const head = buf.subarray(0, n);
    if (n === 0) return 'an empty file (0 bytes)';
    for (const [name, test] of SIGNATURES) if (test(head)) return name;
    if (isText(head)) {
      const firstLine = head.toString('utf8').split(/\r?\n/)[0].trim().slice(0, 40);
      return `a text file starting '${firstLine}'`;
    }
    return null;
  });
}

function isText(b: Buffer): boolean {
  let printable = 0;
  for (const c of b) if (c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127) || c >= 128) printable++;
  return b.length > 0 && !b.includes(0) && printable / b.length > 0.95;
}

const TIFF_NAME = /^\.tiff?$/i;

/** Throws when a local TIFF is cut short or its block list is damaged (checked before any pixel is read). */
export function assertTiffComplete(path: string, role: string): void {
  const p = tiffProblem(path);
  if (!p) return;
  if (p.kind === 'truncated') {
    throw new UserError(
      `${role} '${path}' is incomplete or damaged: ${p.what} reaches byte ${p.needed}, but the file has only ${p.size} bytes. ` +
        'It may still be being copied, its download or export may have been cut short, or it was corrupted; copy or export it again.',
    );
  }
  throw new UserError(`${role} '${path}' is a damaged TIFF: ${p.detail}. Export or copy the file again.`);
}

/** The answer when GDAL cannot open a local file: what it looks like, and what to do. */
export function unreadableRasterError(path: string, role: string, gdalReason: string): UserError {
  try {
    closeSync(openSync(path, 'r'));
  } catch (err) {
    const code = (err as { code?: string }).code;
    return new UserError(`${role} '${path}' cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code ?? 'unknown reason'}). Expected a file you can read: fix its permissions or copy it somewhere you can.`);
  }
  assertTiffComplete(path, role); // a cut-short TIFF says so
  const kind = sniffFileKind(path);
  const size = statSync(path).size;
  if (size === 0) {
    return new UserError(`${role} '${path}' is empty (0 bytes); expected a raster such as a GeoTIFF. It may still be being written; copy or export it again.`);
  }
  const found = kind ? `it is ${kind}` : `GDAL does not recognise it (${gdalReason || 'unknown format'})`;
  return new UserError(
    `${role} '${path}' is not a raster GDAL can read: ${found}. Expected a GeoTIFF (or another GDAL raster) ` +
      'with one band per acquisition date; check the path, and that the file is complete.',
  );
}

/**
 * A file named .tif that GDAL opened with another driver (a PNG or JPEG renamed
 * .tif): refuse it, since it is certainly not the export the user meant.
 */
export function assertTiffNameMatches(path: string, role: string, driver: string): void {
  if (!TIFF_NAME.test(extname(path)) || driver === 'GTiff' || driver === 'COG') return;
  const kind = sniffFileKind(path);
  throw new UserError(
    `${role} '${path}' is named like a GeoTIFF but is ${kind ?? `a ${driver} file`} (GDAL driver ${driver}). ` +
      'Expected a GeoTIFF with one band per acquisition date; export the stack as GeoTIFF (e.g. gdal_translate -of GTiff IN OUT.tif).',
  );
}
