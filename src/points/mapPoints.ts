/**
 * The input points as the quick-look map draws them: plain arrays, handed from
 * the point reader to the report, so the report needs no file, grid or run.
 */
import { murmurFinalise, murmurRound } from '../hash/murmur3.js';

/** The label of a point whose cell is not a node (the label raster's nodata). */
export const NO_REGIME = 255;

/** At most this many points are drawn: more would cover a 640-pixel map many times over. */
export const MAP_POINTS_MAX = 20_000;

export interface PointsOnMap {
  /** Where each drawn point is, as fractions of the map's width and height from its upper-left corner. */
  x: Float32Array;
  y: Float32Array;
  /** The label of each drawn point's cell; NO_REGIME where the cell is not a node. */
  labels: Uint8Array;
  /** How many points the input has: more than are drawn when they were thinned. */
  total: number;
}

const BUCKETS = 1 << 16;
const TWO_POW_32 = 4294967296;
const THINNING_SEED = 0x6d617073; // fixed: the same points are drawn in every run of the same input

/** A 32-bit hash of a point's position in the input (its order over all files). */
function pointKey(index: number): number {
  const h = murmurRound(murmurRound(THINNING_SEED, index | 0), Math.floor(index / TWO_POW_32) | 0);
  return murmurFinalise(h, 8);
}

/**
 * Which points the map draws: all of them up to `max`; beyond, the `max` points
 * with the smallest hash keys of their index (bucketed by the key's top 16 bits,
 * the boundary bucket filled in input order), a uniform choice that depends on
 * nothing but the number of points. Ask `keeps` for the indices 0, 1, 2 ... in order.
 */
export class MapPointChoice {
  /** How many points are kept: min(total, max). */
  readonly chosen: number;
  private readonly below: number;
  private boundaryLeft: number;

  constructor(readonly total: number, max = MAP_POINTS_MAX) {
    if (total <= max) {
      this.chosen = total;
      this.below = BUCKETS;
      this.boundaryLeft = 0;
      return;
    }
    const counts = new Float64Array(BUCKETS);
    for (let i = 0; i < total; i++) counts[pointKey(i) >>> 16]++;
    let below = 0, kept = 0;
    while (kept + counts[below] <= max) kept += counts[below++];
    this.chosen = max;
    this.below = below;
    this.boundaryLeft = max - kept;
  }

  /** True when point `index` is drawn; call it once per index, in increasing order. */
  keeps(index: number): boolean {
    if (this.below === BUCKETS) return true;
    const bucket = pointKey(index) >>> 16;
    if (bucket < this.below) return true;
    if (bucket > this.below || this.boundaryLeft === 0) return false;
    this.boundaryLeft--;
    return true;
  }
}
