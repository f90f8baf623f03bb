/**
 * The library is quiet: it reports through this interface, which the CLI
 * implements on stderr. Compute code never prints.
 */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  /**
   * Called as a pass advances; `label` names the pass, `done` and `total` count tiles.
   * `pixels`, when the caller knows it, counts pixels the same way, so a terminal can
   * show pixels per second; callers that leave it out still work.
   */
  progress(label: string, done: number, total: number, pixels?: PixelProgress): void;
  /** Step-by-step detail (pass sizes, sample sizes, fit steps, timings), shown with `--verbose`. */
  debug?(message: string): void;
}

/** Pixels of a pass covered so far and in all. */
export interface PixelProgress {
  done: number;
  total: number;
}

export const silentReporter: Reporter = {
  info() {},
  warn() {},
  progress() {},
};

/**
 * A reporter that adds pixel counts to the tile progress of passes over `tiles`, so a
 * terminal can show pixels per second without every pass counting pixels itself.
 * Tiles are counted as finishing in grid order: exact for the in-order passes, and
 * off by at most one ragged edge tile when a pool finishes them out of order.
 * Progress that already carries pixels, or counts something else, passes unchanged.
 */
export function withTilePixels(reporter: Reporter, tiles: readonly { width: number; height: number }[]): Reporter {
  const before = new Float64Array(tiles.length + 1);
  tiles.forEach((t, i) => (before[i + 1] = before[i] + t.width * t.height));
  const total = before[tiles.length];
  return {
    info: (m) => reporter.info(m),
    warn: (m) => reporter.warn(m),
    debug: (m) => reporter.debug?.(m),
    progress: (label, done, tileTotal, pixels) => {
      const counted = pixels ?? (tileTotal === tiles.length && done >= 0 && done <= tiles.length ? { done: before[done], total } : undefined);
      reporter.progress(label, done, tileTotal, counted);
    },
  };
}
