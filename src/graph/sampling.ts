/**
 * Deterministic neighbour sampling. A node's kept neighbours depend only on
 * (seed, its global pixel index, its candidate set), never on tiles, tile order,
 * threads or shards, so the sampled graph is the same however the raster is cut up.
 */

import { murmurFinalise, murmurRound } from '../hash/murmur3.js';

const TWO_POW_32 = 4294967296;
/**
 * Deterministic 32-bit hash of (seed, global pixel index, salt).
 *
 * It is MurmurHash3_x86_32, seeded with `seed`, of the 12-byte key formed by the low and high
 * 32-bit halves of `index` and `salt`: the high half matters because rasters of more than
 * 2^32 pixels are possible. No Math.random anywhere, so runs are reproducible.
 *
 * @param seed - run seed; used modulo 2^32
 * @param index - global pixel index, row * rasterWidth + col; a non-negative integer below 2^53
 * @param salt - separates independent uses for the same pixel (e.g. the offset index); used modulo 2^32
 * @returns an unsigned 32-bit integer
 */
export function hashIndex(seed: number, index: number, salt: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / TWO_POW_32) >>> 0;
  let hash = seed | 0;
  hash = murmurRound(hash, low);
  hash = murmurRound(hash, high);
  hash = murmurRound(hash, salt);
  return murmurFinalise(hash, 12); // 12-byte key
}

/**
 * Which candidates a node keeps under fanout m: the m candidates with the smallest
 * `hashIndex(seed, globalIndex, offsetIndex)` (ties, which need a 32-bit collision, go to the
 * smaller offset index). With no fanout, or at most m candidates, it keeps them all.
 *
 * Allocation-free when `hashScratch` is given, since it runs once per pixel per tile.
 *
 * @param seed - run seed
 * @param globalIndex - the node's global pixel index, row * rasterWidth + col
 * @param candidates - offset indices (positions in the neighbour window) of the candidate neighbours
 * @param candidateCount - how many entries of `candidates` are in use
 * @param fanout - m, a positive integer, or null for no sampling
 * @param kept - receives the kept offset indices in ascending (window) order; length >= min(m, candidateCount)
 * @param hashScratch - working space of length >= m; allocated when omitted
 * @returns the number of kept neighbours
 */
export function sampleNeighbours(
  seed: number,
  globalIndex: number,
  candidates: Int32Array,
  candidateCount: number,
  fanout: number | null,
  kept: Int32Array,
  hashScratch?: Uint32Array,
): number {
  if (fanout === null || candidateCount <= fanout) {
    for (let i = 0; i < candidateCount; i++) kept[i] = candidates[i];
    return candidateCount;
  }
  const hashes = hashScratch ?? new Uint32Array(fanout);
  // Insertion into a list of the m smallest (hash, offset) pairs: m is small, so this beats a sort.
  let filled = 0;
  for (let i = 0; i < candidateCount; i++) {
    const offsetIndex = candidates[i];
    const hash = hashIndex(seed, globalIndex, offsetIndex);
    if (filled === fanout && !precedes(hash, offsetIndex, hashes[filled - 1], kept[filled - 1])) continue;
    let slot = filled < fanout ? filled++ : fanout - 1;
    while (slot > 0 && precedes(hash, offsetIndex, hashes[slot - 1], kept[slot - 1])) {
      hashes[slot] = hashes[slot - 1];
      kept[slot] = kept[slot - 1];
      slot--;
    }
    hashes[slot] = hash;
    kept[slot] = offsetIndex;
  }
  // Back to window order: the summation order of a node's neighbours is the window order.
  for (let i = 1; i < filled; i++) {
    const offsetIndex = kept[i];
    let slot = i;
    while (slot > 0 && kept[slot - 1] > offsetIndex) {
      kept[slot] = kept[slot - 1];
      slot--;
    }
    kept[slot] = offsetIndex;
  }
  return filled;
}

/** Strict order on (hash, offset index) pairs. */
function precedes(hash: number, offsetIndex: number, otherHash: number, otherOffsetIndex: number): boolean {
  return hash < otherHash || (hash === otherHash && offsetIndex < otherOffsetIndex);
}
