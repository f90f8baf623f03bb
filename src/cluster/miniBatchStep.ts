/**
 * One mini-batch k-means step, following scikit-learn's `_mini_batch_step`:
 * label the batch with the current centres, move each centre towards the mean of its
 * batch points with learning rate batchCount / newCount (per-centre counts, so a centre's
 * position is the running mean of every point it was ever given), then optionally
 * reassign centres whose counts are tiny next to the largest.
 */
import { assignRange } from './nearestCentre.js';
import type { SeededRandom } from './random.js';
import { nearestOfRows, type RowDistances } from './rowDistances.js';

/** Buffers for {@link miniBatchStep}, allocated once per fit so steps allocate nothing. */
export class MiniBatchScratch {
  readonly labels: Int32Array;
  readonly batchCounts: Float64Array;
  readonly batchSums: Float64Array;
  /** Row positions for drawing distinct reassignment targets (partial Fisher-Yates). */
  readonly positions: Int32Array;
  readonly reassign: Uint8Array;
  /** How many centres the last step reassigned. */
  lastReassigned = 0;

  /**
   * @param distances - the training rows in the distance kernel's memory: the batch labels come
   *   from it (the same as assignRange's); without it, from assignRange on the rows given to the step
   */
  constructor(k: number, dim: number, batchSize: number, readonly distances: RowDistances | null = null) {
    this.labels = new Int32Array(batchSize);
    this.batchCounts = new Float64Array(k);
    this.batchSums = new Float64Array(k * dim);
    this.positions = new Int32Array(batchSize);
    this.reassign = new Uint8Array(k);
  }
}

/**
 * Update `centres` and `counts` in place from rows `start .. end - 1` of `data`.
 *
 * @param randomReassign - whether this step may reassign tiny clusters (see the caller's schedule).
 * @param reassignmentRatio - a centre is tiny when its count < ratio * the largest count.
 * @returns the batch inertia (sum of squared distances to the centres *before* the update).
 */
export function miniBatchStep(
  centres: Float64Array,
  counts: Float64Array,
  k: number,
  dim: number,
  data: Float32Array,
  start: number,
  end: number,
  scratch: MiniBatchScratch,
  rng: SeededRandom,
  randomReassign: boolean,
  reassignmentRatio: number,
): number {
  const { labels, batchCounts, batchSums } = scratch;
  const batchLength = end - start;
  const batchInertia = scratch.distances ? nearestOfRows(scratch.distances, centres, k, start, end, labels) : assignRange(centres, k, dim, data, start, end, labels, null);

  batchCounts.fill(0);
  batchSums.fill(0);
  for (let i = 0; i < batchLength; i++) {
    const c = labels[i];
    batchCounts[c] += 1;
    const rowBase = (start + i) * dim;
    const sumBase = c * dim;
    for (let f = 0; f < dim; f++) batchSums[sumBase + f] += data[rowBase + f];
  }
  for (let c = 0; c < k; c++) {
    const added = batchCounts[c];
    if (added === 0) continue;
    const oldCount = counts[c];
    const newCount = oldCount + added;
    const base = c * dim;
    // c_new = (c_old * oldCount + sum of batch points) / newCount: the running mean.
    for (let f = 0; f < dim; f++) centres[base + f] = (centres[base + f] * oldCount + batchSums[base + f]) / newCount;
    counts[c] = newCount;
  }

  scratch.lastReassigned = 0;
  if (randomReassign && reassignmentRatio > 0) {
    scratch.lastReassigned = reassignTinyCentres(centres, counts, k, dim, data, start, batchLength, scratch, rng, reassignmentRatio);
  }
  return batchInertia;
}

/**
 * Move centres with count < ratio * max count onto distinct random rows of the batch,
 * at most half a batch of them, then set their counts to the smallest remaining count.
 * scikit-learn does the same: a count reset to 0 would make the centre jump at once to
 * its next batch mean and be reassigned again; the smallest healthy count slows it down.
 */
function reassignTinyCentres(
  centres: Float64Array,
  counts: Float64Array,
  k: number,
  dim: number,
  data: Float32Array,
  start: number,
  batchLength: number,
  scratch: MiniBatchScratch,
  rng: SeededRandom,
  ratio: number,
): number {
  const { reassign, positions } = scratch;
  let maxCount = 0;
  for (let c = 0; c < k; c++) if (counts[c] > maxCount) maxCount = counts[c];
  const threshold = ratio * maxCount;
  let nTiny = 0;
  for (let c = 0; c < k; c++) {
    reassign[c] = counts[c] < threshold ? 1 : 0;
    nTiny += reassign[c];
  }
  if (nTiny === 0) return 0;

  const cap = Math.floor(0.5 * batchLength);
  if (nTiny > cap) nTiny = keepSmallestCounts(counts, reassign, k, cap);

  let minKept = Infinity;
  for (let c = 0; c < k; c++) if (reassign[c] === 0 && counts[c] < minKept) minKept = counts[c];

  if (nTiny > 0) {
    for (let i = 0; i < batchLength; i++) positions[i] = i;
    let drawn = 0;
    for (let c = 0; c < k; c++) {
      if (reassign[c] === 0) continue;
      // Partial Fisher-Yates: position `drawn` takes a uniform pick of the not-yet-drawn rows.
      const pick = drawn + rng.nextInt(batchLength - drawn);
      const row = positions[pick];
      positions[pick] = positions[drawn];
      positions[drawn] = row;
      drawn++;
      const rowBase = (start + row) * dim;
      const base = c * dim;
      for (let f = 0; f < dim; f++) centres[base + f] = data[rowBase + f];
    }
  }
  for (let c = 0; c < k; c++) if (reassign[c] === 1) counts[c] = minKept;
  return nTiny;
}

/**
 * Limit the reassignment to the `cap` tiny centres with the smallest counts (ties by index).
 * Only reached when more than half a batch of centres is tiny (k > batchSize / 2), so the
 * small allocation here is off the common path.
 */
function keepSmallestCounts(counts: Float64Array, reassign: Uint8Array, k: number, cap: number): number {
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => counts[a] - counts[b] || a - b);
  for (let rank = cap; rank < k; rank++) reassign[order[rank]] = 0;
  let kept = 0;
  for (let c = 0; c < k; c++) kept += reassign[c];
  return kept;
}
