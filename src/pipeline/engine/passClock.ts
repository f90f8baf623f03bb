import type { RunContext } from '../runContext.js';

/** When the last pass over each run's scene ended, for `--profile` to show the time between passes (the fit). */
const ended = new WeakMap<RunContext['scene'], number>();

export function markPassEnded(ctx: RunContext): void {
  ended.set(ctx.scene, performance.now());
}

/** Milliseconds since the last pass over this scene ended, or null. */
export function sincePassEnded(ctx: RunContext): number | null {
  const t = ended.get(ctx.scene);
  return t === undefined ? null : performance.now() - t;
}
