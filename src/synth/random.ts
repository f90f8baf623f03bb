/**
 * Deterministic randomness for the synthetic scenes. Everything flows from the
 * user's seed through integer hashes, never Math.random, so the same options
 * give the same pixels on every machine and in any generation order.
 */

/**
 * A 32-bit integer mixer with good avalanche (Wellons' "lowbias32").
 * It is a bijection on uint32, so hashing distinct keys never collides.
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Hashes a seed and a list of small integer keys into one uint32. Used to give
 * every random stream (a field, a date, a pixel decision) its own independent key.
 */
export function hashKeys(seed: number, ...keys: number[]): number {
  // Fold both halves of the seed so seeds above 2^32 still differ.
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  h = mix32(h ^ Math.floor(seed / 0x100000000));
  for (const k of keys) h = mix32((h + Math.imul(k | 0, 0x85ebca6b)) >>> 0);
  return h;
}

/** Converts a uint32 hash into a uniform number in [0, 1). */
export function unitFromHash(h: number): number {
  return (h >>> 0) / 0x100000000;
}

/**
 * An approximately standard-normal number from one uint32 hash: the sum of four
 * uniform bytes-pairs (Irwin-Hall). Far cheaper than Box-Muller, which matters
 * in the per-pixel, per-date noise loop; tails stop near 3.5 sigma, which is fine
 * for measurement noise.
 */
export function gaussianFromHash(h: number): number {
  const h2 = mix32(h ^ 0x68e31da4);
  const sum = (h & 0xffff) + (h >>> 16) + (h2 & 0xffff) + (h2 >>> 16);
  return (sum - IRWIN_HALL_MEAN) * IRWIN_HALL_INV_STD;
}

const IRWIN_HALL_MEAN = 2 * 65535;
// Variance of one uniform integer on [0, 65535] is (65536^2 - 1) / 12; four of them.
const IRWIN_HALL_INV_STD = 1 / Math.sqrt((4 * (65536 * 65536 - 1)) / 12);

/** A small sequential generator (mulberry32) for the few coarse grids a scene needs. */
export class SeededRandom {
  private state: number;

  constructor(key: number) {
    this.state = key >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  }

  /** Standard normal (Box-Muller): exact tails are worth the cost on coarse grids. */
  gaussian(): number {
    const u = 1 - this.next(); // (0, 1] so the log is finite
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
