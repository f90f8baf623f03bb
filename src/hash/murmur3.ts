/**
 * MurmurHash3 (x86, 32-bit) building blocks, shared by every deterministic
 * random choice (neighbour sampling, training-pixel draws). Pure integer maths.
 */

/** One body round: folds a 32-bit word into the running hash. */
export function murmurRound(hash: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let h = hash ^ k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** The finaliser after mixing in the key length in bytes: every input bit affects every output bit. */
export function murmurFinalise(hash: number, byteLength: number): number {
  let h = hash ^ byteLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
