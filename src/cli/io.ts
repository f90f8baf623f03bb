import type { PixelProgress, Reporter } from '../reporter.js';
import { formatPixelRate, PassProgressBar } from './progress.js';

/** Where the CLI writes: injected so tests run `main` in-process and read what it printed. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars only then). */
  isTTY: boolean;
  /** Terminal width, when known: progress bars are cut to it. */
  columns?: number;
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  get columns() {
    return process.stderr.columns;
  },
};

/** How much the CLI says on stderr: `quiet` keeps only warnings; `verbose` logs every step. */
export interface MessageLevel {
  quiet?: boolean;
  verbose?: boolean;
}

/**
 * A reporter on stderr. Progress bars (tiles, pixels/s, time left) only on a terminal and
 * never with `quiet`; with `verbose`, each step and each finished pass is logged with the
 * time since the command started, on a terminal or not. Passing a boolean means `quiet`.
 */
export function stderrReporter(io: CliIO, level: boolean | MessageLevel): Reporter {
  const { quiet = false, verbose = false } = typeof level === 'boolean' ? { quiet: level } : level;
  const started = performance.now();
  let bar: PassProgressBar | null = null;
  let pass: { label: string; started: number } | null = null;
  // A pass reports its first tile only when that tile is done; the library logs a line just
  // before each pass starts, so the last message marks the pass's start.
  let lastActivity = started;
  const write = (text: string) => {
    lastActivity = performance.now();
    if (bar) bar.interrupt(io, text);
    else io.stderr(text);
  };
  const elapsed = () => `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
  const debug = (m: string) => {
    if (verbose) write(`${elapsed()} ${m}\n`);
  };
  return {
    info: (m) => {
      if (quiet) return;
      write(verbose ? `${elapsed()} ${m}\n` : `${m}\n`);
    },
    warn: (m) => write(`warning: ${m}\n`),
    debug,
    progress: (label: string, done: number, total: number, pixels?: PixelProgress) => {
      if (quiet) return;
      if (pass === null || pass.label !== label || done <= 1) pass = { label, started: lastActivity };
      lastActivity = performance.now();
      if (io.isTTY) {
        if (bar === null || bar.label !== label) {
          bar?.stop();
          bar = new PassProgressBar(io, label, total, done, pass.started, pixels !== undefined);
        }
        bar.update(done, pixels);
      }
      if (done >= total) {
        bar?.stop();
        bar = null;
        const seconds = (performance.now() - pass.started) / 1000;
        const size = pixels ? `, ${pixels.total} pixels (${formatPixelRate(pixels.total / seconds)})` : '';
        debug(`${label} done: ${total} ${pixels ? 'tiles' : 'steps'}${size} in ${seconds.toFixed(2)} s`);
        pass = null;
      }
    },
  };
}
