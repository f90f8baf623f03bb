import { fitMiniBatchKMeans, type FitResult, type MiniBatchOptions } from './miniBatchKMeans.js';
import { SeededRandom } from './random.js';
import { RowDistances } from './rowDistances.js';

/** Outcome of {@link fitBestOfRuns}: the kept fit, and every run's training inertia. */
export interface BestFitResult extends FitResult {
  /** Mean squared distance of the training rows to each run's final centres, in run order. */
  runTrainInertias: number[];
  /** Index of the kept run. */
  chosenRun: number;
}

/**
 * `runs` complete mini-batch k-means fits (seeding and fit) from different seeds; the one with
 * the lowest training inertia is kept (the first on a tie). Mini-batch k-means ends in a local
 * optimum that depends on its start: on the Lyngen scenes a single fit now and then settles
 * with two regimes merged (inertia +13 %), which a second start avoids. scikit-learn's
 * MiniBatchKMeans fits once (its n_init only picks among seedings); runs = 1 is exactly that.
 *
 * Run 0 uses `opts.seed` itself, so its fit is {@link fitMiniBatchKMeans}'s; run r > 0 uses the
 * r-th number drawn from a SeededRandom(seed) stream. Deterministic for a given seed.
 */
export function fitBestOfRuns(train: Float32Array, n: number, dim: number, opts: MiniBatchOptions, runs: number): BestFitResult {
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a whole number >= 1, got ${runs}`);
  const seeds = new SeededRandom(opts.seed);
  let best: FitResult | null = null;
  let chosenRun = 0;
  const runTrainInertias: number[] = [];
  const distances = new RowDistances(train, n, dim); // the rows in the distance kernel's memory, once for every run
  for (let r = 0; r < runs; r++) {
    const seed = r === 0 ? opts.seed : seeds.nextInt(2 ** 31);
    const fit = fitMiniBatchKMeans(train, n, dim, { ...opts, seed }, distances);
    runTrainInertias.push(fit.trainInertia);
    if (best === null || fit.trainInertia < best.trainInertia) {
      best = fit;
      chosenRun = r;
    }
  }
  return { ...best!, runTrainInertias, chosenRun };
}
