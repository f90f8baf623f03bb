/**
 * The library is quiet: it reports through this interface, which the CLI
 * implements on stderr. Compute code never prints.
 */
export interface Reporter {
  info(message: string): void;
  warn(message: string): void;
  /** Called as a pass advances; `label` names the pass. */
  progress(label: string, done: number, total: number): void;
}

export const silentReporter: Reporter = {
  info() {},
  warn() {},
  progress() {},
};
