import { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import type { PixelProgress, Reporter } from '../reporter.js';
import type { CliIO } from './io.js';

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

/** Bars still drawing, so an error path can stop them (their redraw timer would keep Node alive). */
const liveBars = new Set<PassProgressBar>();

/** Stops every bar still on screen: after a failed command, before its error message. */
export function stopProgressBars(): void {
  for (const bar of [...liveBars]) bar.stop();
}

/** "1.2 Mpx/s": pixels per second with a unit a person reads at a glance. */
export function formatPixelRate(pixelsPerSecond: number): string {
  if (!Number.isFinite(pixelsPerSecond) || pixelsPerSecond <= 0) return '- px/s';
  if (pixelsPerSecond >= 1e6) return `${(pixelsPerSecond / 1e6).toFixed(1)} Mpx/s`;
  if (pixelsPerSecond >= 1e3) return `${(pixelsPerSecond / 1e3).toFixed(1)} kpx/s`;
  return `${pixelsPerSecond.toFixed(0)} px/s`;
}

/** "42s", "3m05s", "1h02m": a time left a person reads at a glance; "--" while unknown. */
export function formatTimeLeft(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * One pass on a terminal: a cli-progress bar with tiles done, pixels per second and
 * time left, drawn on the CLI's stderr (an injected CliIO, so tests see what a user sees).
 */
export class PassProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private stopped = false;
  private readonly shownAt = performance.now();
  private readonly doneWhenShown: number;

  /**
   * @param done - tiles already done when the bar appears (the time left is estimated from
   *   the tiles that finish while it is shown, so the first tile's wait does not skew it).
   * @param started - when the pass began (performance.now()), for pixels per second.
   * @param countsPixels - whether updates carry pixel counts: then the steps are tiles and the
   *   bar shows pixels per second; other progress (the bands synth writes) shows steps only.
   */
  constructor(
    io: CliIO,
    readonly label: string,
    total: number,
    done: number,
    private readonly started = performance.now(),
    countsPixels = true,
  ) {
    this.doneWhenShown = done;
    // cli-progress writes through node's readline helpers, which need only write(). Its cursor
    // save/restore is dropped: a message printed above the bar would make the restore jump back.
    const stream = Object.assign(
      new Writable({
        decodeStrings: false,
        write(chunk: string | Buffer, _encoding, callback) {
          io.stderr((typeof chunk === 'string' ? chunk : chunk.toString()).replace(/\x1b[78]/g, ''));
          callback();
        },
      }),
      { isTTY: true, columns: io.columns ?? 100 },
    );
    this.bar = new cliProgress.SingleBar(
      {
        format: countsPixels ? `${label} |{bar}| {value}/{total} tiles | {rate} | {left} left` : `${label} |{bar}| {value}/{total} | {left} left`,
        stream,
        barsize: 24,
        // Leave the terminal's modes alone (cursor, line wrapping): an interrupted run cannot leave them changed.
        hideCursor: false,
        linewrap: true,
        gracefulExit: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, done, { rate: formatPixelRate(NaN), left: formatTimeLeft(NaN) });
    liveBars.add(this);
  }

  update(done: number, pixels?: PixelProgress): void {
    const now = performance.now();
    const seconds = (now - this.started) / 1000;
    // Time left from the tiles finished while the bar is shown (the first tile also waited for reads to start).
    const perTile = done > this.doneWhenShown ? (now - this.shownAt) / 1000 / (done - this.doneWhenShown) : NaN;
    const total = this.bar.getTotal();
    this.bar.update(done, {
      rate: formatPixelRate(pixels && seconds > 0 ? pixels.done / seconds : NaN),
      left: formatTimeLeft(perTile * (total - done)),
    });
  }

  /** Prints a message on its own line above the bar, then redraws the bar. */
  interrupt(io: CliIO, text: string): void {
    io.stderr(`\r\x1b[2K${text}`);
    if (!this.stopped) this.bar.render();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    liveBars.delete(this);
    this.bar.stop();
  }
}
