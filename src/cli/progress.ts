import cliProgress from 'cli-progress';
import type { PixelProgress } from '../reporter.js';
import type { CliIO } from './io.js';

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

/**
 * One pass on a terminal: a cli-progress bar with tiles done, pixels per second and
 * time left, drawn on the CLI's stderr (an injected CliIO, so tests see what a user sees).
 */
export class PassProgressBar {
  private readonly bar: cliProgress.SingleBar;
  private stopped = false;

  /**
   * @param done - tiles already done when the bar appears (the time left is estimated from
   *   the tiles that finish while it is shown, so the first tile's wait does not skew it).
   * @param started - when the pass began (performance.now()), for pixels per second.
   */
  constructor(
    io: CliIO,
    readonly label: string,
    total: number,
    done: number,
    private readonly started = performance.now(),
  ) {
    // cli-progress writes through node's readline helpers, which need only write().
    const stream = {
      isTTY: true,
      columns: io.columns ?? 100,
      write(chunk: string | Uint8Array, callback?: () => void) {
        io.stderr(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
        if (typeof callback === 'function') callback();
        return true;
      },
    };
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} |{bar}| {value}/{total} tiles | {rate} | {eta_formatted} left`,
        stream: stream as unknown as NodeJS.WritableStream,
        barsize: 24,
        hideCursor: false,
        linewrap: false,
        etaBuffer: 20,
        gracefulExit: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(total, done, { rate: formatPixelRate(NaN) });
    liveBars.add(this);
  }

  update(done: number, pixels?: PixelProgress): void {
    const seconds = (performance.now() - this.started) / 1000;
    this.bar.update(done, { rate: formatPixelRate(pixels && seconds > 0 ? pixels.done / seconds : NaN) });
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
