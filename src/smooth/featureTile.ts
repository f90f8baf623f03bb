import { fillGapsInTime } from './fillGaps.js';
import type { FeatureTile, Rect } from './types.js';

/** A window read band-sequentially (what src/io's readWindowWithHalo returns): dates in time order, then static layers. */
export interface WindowBands {
  window: Rect;
  /** dynamic[d * w * h + r * w + c]. */
  dynamic: Float32Array;
  statics: Float32Array;
}

/**
 * Turns a band-sequential window read into the pixel-interleaved feature tile
 * the smoothing works on: dates (gap-filled in time) then, when used, static
 * layers. A pixel is a node when its dates pass the max-missing rule and every
 * static value is present (statics are checked even when only the dynamic
 * features are clustered, so the node set does not depend on --features).
 */
export function buildFeatureTile(win: WindowBands, nDates: number, nStatic: number, useStatics: boolean, dayOffsets: Float64Array, maxMissing: number): FeatureTile {
  const { width, height } = win.window;
  const plane = width * height;
  const dates = new Float32Array(plane * nDates);
  for (let d = 0; d < nDates; d++) {
    const src = d * plane;
    for (let p = 0; p < plane; p++) {
      const v = win.dynamic[src + p];
      dates[p * nDates + d] = Number.isFinite(v) ? v : NaN; // +-Inf is a broken value, not a measurement: missing
    }
  }
  const valid = new Uint8Array(plane);
  fillGapsInTime(dates, plane, nDates, dayOffsets, maxMissing, valid);
  for (let s = 0; s < nStatic; s++) {
    const src = s * plane;
    for (let p = 0; p < plane; p++) if (!Number.isFinite(win.statics[src + p])) valid[p] = 0;
  }
  if (!useStatics || nStatic === 0) {
    return { x0: win.window.x0, y0: win.window.y0, width, height, nFeatures: nDates, data: dates, valid };
  }
  const nFeatures = nDates + nStatic;
  const data = new Float32Array(plane * nFeatures);
  for (let p = 0; p < plane; p++) {
    const o = p * nFeatures;
    for (let d = 0; d < nDates; d++) data[o + d] = dates[p * nDates + d];
    for (let s = 0; s < nStatic; s++) data[o + nDates + s] = win.statics[s * plane + p];
  }
  return { x0: win.window.x0, y0: win.window.y0, width, height, nFeatures, data, valid };
}
