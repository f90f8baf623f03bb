/**
 * Greedy k-means++ seeding (Arthur & Vassilvitskii 2007, as scikit-learn implements it).
 *
 * Plain k-means++ draws each new centre with probability proportional to its squared
 * distance to the nearest chosen centre. The greedy variant draws several candidates per
 * centre and keeps the one that lowers the potential (sum of squared distances) most;
 * that makes a bad draw much less likely for a few extra distance passes.
 */
import type { SeededRandom } from './random.js';

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
 */
export function kmeansPlusPlus(
  data: Float32Array,
  n: number,
  dim: number,
  k: number,
  rng: SeededRandom,
  nLocalTrials: number = defaultLocalTrials(k),
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
  let potential = 0;
  for (let i = 0; i < n; i++) {
    const d = rowDistance2(data, i, first, dim);
    closest[i] = d;
    potential += d;
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

    let bestTrial = 0;
    let bestPotential = Infinity;
    for (let t = 0; t < trials; t++) {
      const candidate = candidates[t];
      const base = t * n;
      let trialPotential = 0;
      for (let i = 0; i < n; i++) {
        const d = Math.min(closest[i], rowDistance2(data, i, candidate, dim));
        trialClosest[base + i] = d;
        trialPotential += d;
      }
      if (trialPotential < bestPotential) {
        bestPotential = trialPotential;
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
