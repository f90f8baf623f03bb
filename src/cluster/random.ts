/**
 * A small seeded pseudo-random generator for the clustering code.
 *
 * Every random choice in a run must flow from `--seed` (docs/DESIGN.md, contracts: determinism), so
 * `Math.random` is never used. xoshiro128** is fast in 32-bit integer
 * arithmetic (which is what `Math.imul` gives us), passes BigCrush, and its
 * state is seeded through splitmix32 so that nearby seeds (1, 2, 3, ...) give
 * unrelated streams.
 */

/** One step of splitmix32: a good avalanche from a 32-bit counter. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

const GOLDEN_GAMMA = 0x9e3779b9;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** Deterministic xoshiro128** stream. Same seed, same sequence, on every platform. */
export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /**
   * @param seed - any finite number; its integer part modulo 2^32 and the high
   *   bits above 2^32 both enter the state, so large seeds are not truncated
   *   to the same stream.
   */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    const whole = Math.trunc(seed);
    const low = whole >>> 0;
    const high = Math.floor(whole / TWO_POW_32) >>> 0;
    let counter = (low ^ Math.imul(high, 0x27d4eb2f)) | 0;
    const next = (): number => {
      counter = (counter + GOLDEN_GAMMA) | 0;
      return splitmix32(counter);
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    // xoshiro's one forbidden state is all zeros.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits (so it is never exactly 1). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /**
   * Uniform integer in [0, n) for 1 <= n <= 2^32, without modulo bias: draws in the
   * incomplete last block of size `2^32 mod n` are rejected and redrawn.
   */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= TWO_POW_32) || !Number.isInteger(n)) {
      throw new RangeError(`nextInt needs an integer bound in [1, 2^32], got ${n}`);
    }
    // Rejecting draws at or above the largest multiple of n keeps every residue equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
