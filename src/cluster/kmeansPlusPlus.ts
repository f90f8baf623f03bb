/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn implements it).
 *
 * Plain k-means++ draws each new centre with probability proportional to its squared
 * distance to the nearest chosen centre. The greedy variant draws several candidates per
 * centre and keeps the one that lowers the potential (sum of squared distances) most;
 * that makes a bad draw much less likely for a few extra distance passes.
 */
import type { SeededRandom } from './random.js';
import { RowDistances } from './rowDistances.js';

/** Centres chosen by {@link kmeansPlusPlus}. */
export interface Seeding {
  /** k * dim centre coordinates (copies of data rows), row-major. */
  centres: Float64Array;
  /** Row index of each centre in the data. */
  rowIndices: Int32Array;
  /** Sum of squared distances of all n rows to their nearest centre: the seeding's inertia. */
  potential: number;
}

/** scikit-learn's default number of candidates per centre: 2 + floor(ln k). */
export function defaultLocalTrials(k: number): number {
  return 2 + Math.floor(Math.log(k));
}

/**
 * Greedy k-means++ on n rows of `dim` features.
 *
 * @param rng - consumed in a fixed order (one integer, then `nLocalTrials` floats per centre),
 *   so the seeding is a pure function of the generator's state.
 * @param nLocalTrials - candidates per centre after the first; default `2 + floor(ln k)`.
 * @param distances - the rows in the distance kernel's memory (its first n rows are these):
 *   the distance passes run there, with the same sums; without it, in the scalar loops below
 *   (the arithmetic the kernel is tested against, test/rowDistances.test.ts)
 */
export function kmeansPlusPlus(
  data: Float32Array,
  n: number,
  dim: number,
  k: number,
  rng: SeededRandom,
  nLocalTrials: number = defaultLocalTrials(k),
  distances?: RowDistances,
): Seeding {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (n < k) throw new RangeError(`k-means++ needs at least k = ${k} rows, got ${n}`);
  if (data.length < n * dim) throw new RangeError(`data holds ${data.length} values, expected n * dim = ${n * dim}`);
  const trials = Math.max(1, Math.floor(nLocalTrials));

  const centres = new Float64Array(k * dim);
  const rowIndices = new Int32Array(k);
  const closest = new Float64Array(n);
  const cumulative = new Float64Array(n);
  const trialClosest = new Float64Array(trials * n);
  const candidates = new Int32Array(trials);

  const first = rng.nextInt(n);
  copyRow(data, first, dim, centres, 0);
  rowIndices[0] = first;
  if (distances && (distances.n < n || distances.dim !== dim)) throw new RangeError(`distances hold ${distances.n} rows of ${distances.dim}, the seeding needs ${n} of ${dim}`);
  let potential = 0;
  if (distances) {
    const ref = rowsAsRefs(data, dim, [first]);
    for (let b = 0; b < n; b += RowDistances.BLOCK_ROWS) {
      const count = Math.min(RowDistances.BLOCK_ROWS, n - b);
      const { d, stride } = distances.block(ref, 1, b, count);
      for (let i = 0; i < count; i++) {
        closest[b + i] = d[i * stride];
        potential += d[i * stride];
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = rowDistance2(data, i, first, dim);
      closest[i] = d;
      potential += d;
    }
  }

  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i];
      cumulative[i] = running;
    }
    for (let t = 0; t < trials; t++) {
      // Draw against the running total, not `potential`, so rounding can never push the
      // target past the last cumulative value; "first cumulative > target" (not >=) means a
      // row at distance 0 (a chosen centre, a duplicate) is never drawn while others remain.
      const target = rng.nextFloat() * running;
      candidates[t] = Math.min(upperBound(cumulative, n, target), n - 1);
    }

    const trialPotentials = distances ? trialsInKernel(distances, data, dim, n, candidates, trials, closest, trialClosest) : trialsInLoops(data, dim, n, candidates, trials, closest, trialClosest);
    let bestTrial = 0;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      if (trialPotentials[t] < bestPotential) {
        bestPotential = trialPotentials[t];
        bestTrial = t;
      }
    }

    closest.set(trialClosest.subarray(bestTrial * n, bestTrial * n + n));
    potential = bestPotential;
    copyRow(data, candidates[bestTrial], dim, centres, c);
    rowIndices[c] = candidates[bestTrial];
  }
  return { centres, rowIndices, potential };
}

/** Each candidate's potential: the sum over rows of min(closest, distance to it), added in row order; the minima into trialClosest (n per trial). */
function trialsInLoops(data: Float32Array, dim: number, n: number, candidates: Int32Array, trials: number, closest: Float64Array, trialClosest: Float64Array): Float64Array {
  const potentials = new Float64Array(trials);
  for (let t = 0; t < trials; t++) {
    const candidate = candidates[t];
    const base = t * n;
    let trialPotential = 0;
    for (let i = 0; i < n; i++) {
      const d = Math.min(closest[i], rowDistance2(data, i, candidate, dim));
      trialClosest[base + i] = d;
      trialPotential += d;
    }
    potentials[t] = trialPotential;
  }
  return potentials;
}

/** {@link trialsInLoops} with the distances from the kernel, a block of rows at a time (each trial's sum still in row order). */
function trialsInKernel(distances: RowDistances, data: Float32Array, dim: number, n: number, candidates: Int32Array, trials: number, closest: Float64Array, trialClosest: Float64Array): Float64Array {
  const potentials = new Float64Array(trials);
  const refs = rowsAsRefs(data, dim, Array.from(candidates.subarray(0, trials)));
  for (let b = 0; b < n; b += RowDistances.BLOCK_ROWS) {
    const count = Math.min(RowDistances.BLOCK_ROWS, n - b);
    const { d, stride } = distances.block(refs, trials, b, count);
    for (let t = 0; t < trials; t++) {
      const base = t * n + b;
      let sum = potentials[t];
      for (let i = 0; i < count; i++) {
        const m = Math.min(closest[b + i], d[i * stride + t]);
        trialClosest[base + i] = m;
        sum += m;
      }
      potentials[t] = sum;
    }
  }
  return potentials;
}

/** The given rows of `data` as float64 reference vectors (exact: every float32 is a float64). */
function rowsAsRefs(data: Float32Array, dim: number, rows: number[]): Float64Array {
  const refs = new Float64Array(rows.length * dim);
  rows.forEach((row, c) => refs.set(data.subarray(row * dim, row * dim + dim), c * dim));
  return refs;
}

/** First index i in [0, n) with sorted[i] > target, or n if none. */
function upperBound(sorted: Float64Array, n: number, target: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function rowDistance2(data: Float32Array, a: number, b: number, dim: number): number {
  const baseA = a * dim;
  const baseB = b * dim;
  let sum = 0;
  for (let f = 0; f < dim; f++) {
    const d = data[baseA + f] - data[baseB + f];
    sum += d * d;
  }
  return sum;
}

function copyRow(data: Float32Array, row: number, dim: number, centres: Float64Array, centre: number): void {
  for (let f = 0; f < dim; f++) centres[centre * dim + f] = data[row * dim + f];
}
