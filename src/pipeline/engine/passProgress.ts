import type { Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';

/**
 * A reporter that adds pixel counts to the tile progress of passes over `tiles`, so a
 * terminal can show pixels per second without every pass counting pixels itself.
 * Tiles are counted as finishing in grid order: exact for the in-order passes, and
 * off by at most one ragged edge tile when a pool finishes them out of order.
 * Progress that already carries pixels, or counts something else, passes unchanged.
 */
export function withTilePixels(reporter: Reporter, tiles: Window[]): Reporter {
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
