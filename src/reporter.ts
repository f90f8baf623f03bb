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
