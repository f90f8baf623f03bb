import type { Window, WindowData } from '../../io/readWindow.js';
import type { RunContext } from '../runContext.js';

/**
 * Counts +-Infinity in the core of each window read. An infinite displacement
 * is a broken value, not a measurement (a division by zero upstream): the
 * pipeline treats it as missing, and the run says so once, with where the
 * first one is, instead of hiding it.
 */
export class InfiniteTally {
  count = 0;
  /** The first one found: layer index (dates in time order, then static layers), column, row. */
  first: { layer: number; col: number; row: number } | null = null;

  add(read: WindowData, core: Window): void {
    const w = read.window;
    const plane = w.width * w.height;
    const layers = [read.dynamic, read.statics];
    let layer = 0;
    for (const data of layers) {
      const n = data.length / plane;
      for (let b = 0; b < n; b++, layer++) {
        for (let r = core.y0 - w.y0; r < core.y0 - w.y0 + core.height; r++) {
          const row = b * plane + r * w.width;
          for (let c = core.x0 - w.x0; c < core.x0 - w.x0 + core.width; c++) {
            const v = data[row + c];
            if (v === Infinity || v === -Infinity) {
              this.count++;
              this.first ??= { layer, col: w.x0 + c, row: w.y0 + r };
            }
          }
        }
      }
    }
  }
}

/** The warning for infinite values found in a pass, or null when there were none. */
export function infiniteValuesWarning(ctx: Pick<RunContext, 'scene'>, tally: InfiniteTally, scope = ''): string | null {
  if (tally.count === 0 || !tally.first) return null;
  const { layer, col, row } = tally.first;
  const { scene } = ctx;
  const where = layer < scene.dateBands.length
    ? `band ${scene.dateBands[layer]}${scene.dates ? ` (${scene.dates[layer]})` : ''} of scene '${scene.path}'`
    : `static layer '${scene.staticNames[layer - scene.dateBands.length]}'`;
  return (
    `${tally.count} value${tally.count === 1 ? ' is' : 's are'} +-Infinity${scope} (the first in ${where}, column ${col}, row ${row}); ` +
    'they are treated as missing. Expected finite displacement or a nodata value: mark them as nodata (NaN) to silence this, ' +
    'or check the processing that produced them.'
  );
}
