/**
 * Mini-batch k-means with scikit-learn's MiniBatchKMeans semantics (docs/DESIGN.md, method 7),
 * made deterministic from one seed and fed batches in order instead of at random.
 *
 * The training rows arrive already in random order (they are the pixels with the smallest
 * hash keys, sorted by key), so consecutive batches are uniform random batches; reading them
 * in order keeps the fit reproducible and cache friendly.
 */
import { kmeansPlusPlus } from './kmeansPlusPlus.js';
import { MiniBatchScratch, miniBatchStep } from './miniBatchStep.js';
import type { KMeansModel } from './nearestCentre.js';
import { SeededRandom } from './random.js';
import { nearestOfRows, RowDistances } from './rowDistances.js';

export { assignNearest, type KMeansModel } from './nearestCentre.js';

/** Settings of {@link fitMiniBatchKMeans}; defaults follow scikit-learn where it has one. */
export interface MiniBatchOptions {
  /** Number of clusters. */
  k: number;
  /** Rows per mini-batch (pipeline default 256). */
  batchSize: number;
  /** The first `warmStart` training rows form the warm-start pool for seeding (pipeline default 25,600). */
  warmStart: number;
  /** Upper bound on passes over the training rows. */
  maxEpochs: number;
  seed: number;
  /**
   * Stop when the squared movement of all centres in one step is <= tol * (mean per-feature
   * variance of the training rows), as scikit-learn scales it. 0 (default) disables it.
   */
  tol?: number;
  /** Stop after this many steps without a new minimum of the smoothed batch inertia (default 10). */
  maxNoImprovement?: number;
  /** A centre whose count < ratio * largest count is moved to a random batch row (default 0.01; 0 disables). */
  reassignmentRatio?: number;
  /** Number of k-means++ seedings on the pool; the one with the lowest pool inertia is kept (default 3). */
  nInit?: number;
  /** Start from these k * dim centres instead of k-means++ (nInit is then ignored). */
  initialCentres?: Float64Array;
}

/** Why a fit stopped. */
export type StopReason = 'max-epochs' | 'no-improvement' | 'centre-tolerance';

/** Outcome of {@link fitMiniBatchKMeans}. */
export interface FitResult {
  model: KMeansModel;
  /** Mini-batch steps taken. */
  steps: number;
  /** Passes over the training rows begun (the last may be partial). */
  epochs: number;
  /** True when an early-stopping rule fired before maxEpochs. */
  converged: boolean;
  stopReason: StopReason;
  /** Mean squared distance per sample on the training rows, with the final centres. */
  trainInertia: number;
  /** Inertia of the kept seeding on the warm-start pool (mean per pool row); NaN with initialCentres. */
  seedingInertia: number;
  /** Number of centre reassignments over the whole fit. */
  reassignments: number;
}

/**
 * Fit mini-batch k-means on n training rows of `dim` (scaled) features.
 *
 * 1. Seeding: `nInit` greedy k-means++ runs (2 + floor(ln k) candidates per centre) on the
 *    warm-start pool, the first `max(k, min(warmStart, n))` rows; the lowest pool inertia wins.
 * 2. Mini-batch fit: steps over consecutive batches of the training rows, in order, for up to
 *    `maxEpochs` passes. The first pool/batchSize steps are the fit on the pool; later steps are
 *    the incremental updates over the remaining training batches. Each step labels its batch,
 *    moves every centre to the running mean of all points it was given (learning rate
 *    1/count per point), and reassigns tiny centres (count < reassignmentRatio * max count,
 *    always when a count is 0, otherwise every 10k rows) to distinct random batch rows.
 * 3. Early stopping as in scikit-learn: on the exponentially weighted mean batch inertia
 *    (weight 2 * batchSize / (n + 1)) not reaching a new minimum for `maxNoImprovement`
 *    steps, or on centre movement <= tol (scaled by the mean feature variance) when tol > 0.
 *    The first step is ignored because its inertia is that of the seeding.
 *
 * Deterministic: everything random comes from one SeededRandom(seed), consumed in a fixed order.
 */
export function fitMiniBatchKMeans(train: Float32Array, n: number, dim: number, opts: MiniBatchOptions, distances?: RowDistances): FitResult {
  const settings = checkOptions(train, n, dim, opts);
  if (distances && (distances.n !== n || distances.dim !== dim)) throw new RangeError(`distances hold ${distances.n} rows of ${distances.dim}, the fit ${n} of ${dim}`);
  const rows = distances ?? new RowDistances(train, n, dim);
  const { k, batchSize, maxEpochs, maxNoImprovement, reassignmentRatio, nInit } = settings;
  const rng = new SeededRandom(opts.seed);

  let centres: Float64Array;
  let seedingInertia = NaN;
  if (opts.initialCentres !== undefined) {
    centres = Float64Array.from(opts.initialCentres);
  } else {
    const poolSize = Math.min(n, Math.max(k, settings.warmStart));
    let best = kmeansPlusPlus(train, poolSize, dim, k, rng, undefined, rows);
    for (let run = 1; run < nInit; run++) {
      const candidate = kmeansPlusPlus(train, poolSize, dim, k, rng, undefined, rows);
      if (candidate.potential < best.potential) best = candidate;
    }
    centres = best.centres;
    seedingInertia = best.potential / poolSize;
  }

  const counts = new Float64Array(k);
  const scratch = new MiniBatchScratch(k, dim, batchSize, rows);
  const tolerance = settings.tol > 0 ? settings.tol * meanFeatureVariance(train, n, dim) : 0;
  const previous = tolerance > 0 ? new Float64Array(k * dim) : null;
  const ewaWeight = Math.min(1, (2 * batchSize) / (n + 1));

  let ewaInertia = NaN;
  let ewaMinimum = Infinity;
  let noImprovement = 0;
  let rowsSinceReassign = 0;
  let reassignments = 0;
  let steps = 0;
  let epochs = 0;
  let stopReason: StopReason = 'max-epochs';

  fit: for (let epoch = 0; epoch < maxEpochs; epoch++) {
    epochs = epoch + 1;
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const length = end - start;
      // scikit-learn's schedule: reassign whenever a centre is empty, else every 10k rows.
      rowsSinceReassign += length;
      let reassignNow = rowsSinceReassign >= 10 * k;
      for (let c = 0; c < k && !reassignNow; c++) if (counts[c] === 0) reassignNow = true;
      if (reassignNow) rowsSinceReassign = 0;

      if (previous !== null) previous.set(centres);
      const batchInertia = miniBatchStep(centres, counts, k, dim, train, start, end, scratch, rng, reassignNow, reassignmentRatio);
      reassignments += scratch.lastReassigned;
      steps++;

      if (steps === 1) continue; // its inertia measures the seeding, not the fit
      const meanInertia = batchInertia / length;
      ewaInertia = Number.isNaN(ewaInertia) ? meanInertia : ewaInertia * (1 - ewaWeight) + meanInertia * ewaWeight;

      if (previous !== null && squaredMovement(previous, centres) <= tolerance) {
        stopReason = 'centre-tolerance';
        break fit;
      }
      if (ewaInertia < ewaMinimum) {
        ewaMinimum = ewaInertia;
        noImprovement = 0;
      } else if (++noImprovement >= maxNoImprovement) {
        stopReason = 'no-improvement';
        break fit;
      }
    }
  }

  const model: KMeansModel = { k, dim, centres, counts };
  return {
    model,
    steps,
    epochs,
    converged: stopReason !== 'max-epochs',
    stopReason,
    trainInertia: nearestOfRows(rows, centres, k, 0, n, null) / n,
    seedingInertia,
    reassignments,
  };
}

interface CheckedOptions {
  k: number;
  batchSize: number;
  warmStart: number;
  maxEpochs: number;
  tol: number;
  maxNoImprovement: number;
  reassignmentRatio: number;
  nInit: number;
}

function checkOptions(train: Float32Array, n: number, dim: number, opts: MiniBatchOptions): CheckedOptions {
  const positiveInteger = (name: string, value: number): void => {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  };
  positiveInteger('dim', dim);
  positiveInteger('k', opts.k);
  positiveInteger('batchSize', opts.batchSize);
  positiveInteger('maxEpochs', opts.maxEpochs);
  if (!Number.isInteger(opts.warmStart) || opts.warmStart < 0) throw new RangeError(`warmStart must be a non-negative integer, got ${opts.warmStart}`);
  if (!Number.isInteger(n) || n < opts.k) throw new RangeError(`mini-batch k-means needs at least k = ${opts.k} training rows, got ${n}`);
  if (train.length < n * dim) throw new RangeError(`train holds ${train.length} values, expected n * dim = ${n * dim}`);
  const tol = opts.tol ?? 0;
  if (!(tol >= 0)) throw new RangeError(`tol must be >= 0, got ${tol}`);
  const maxNoImprovement = opts.maxNoImprovement ?? 10;
  positiveInteger('maxNoImprovement', maxNoImprovement);
  const reassignmentRatio = opts.reassignmentRatio ?? 0.01;
  // Below 1 so the largest centre is never "tiny" and some count is left to copy.
  if (!(reassignmentRatio >= 0 && reassignmentRatio < 1)) throw new RangeError(`reassignmentRatio must be in [0, 1), got ${reassignmentRatio}`);
  const nInit = opts.nInit ?? 3;
  positiveInteger('nInit', nInit);
  if (opts.initialCentres !== undefined && opts.initialCentres.length !== opts.k * dim) {
    throw new RangeError(`initialCentres holds ${opts.initialCentres.length} values, expected k * dim = ${opts.k * dim}`);
  }
  return {
    k: opts.k,
    batchSize: Math.min(opts.batchSize, n),
    warmStart: opts.warmStart,
    maxEpochs: opts.maxEpochs,
    tol,
    maxNoImprovement,
    reassignmentRatio,
    nInit,
  };
}

/** Mean over features of the population variance: the unit scikit-learn gives `tol` in. */
function meanFeatureVariance(data: Float32Array, n: number, dim: number): number {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) mean[f] += data[i * dim + f];
  for (let f = 0; f < dim; f++) mean[f] /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < dim; f++) {
      const d = data[i * dim + f] - mean[f];
      total += d * d;
    }
  }
  return total / (n * dim);
}

function squaredMovement(before: Float64Array, after: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < before.length; i++) {
    const d = after[i] - before[i];
    sum += d * d;
  }
  return sum;
}
