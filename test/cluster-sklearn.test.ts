/**
 * Our mini-batch k-means against scikit-learn's MiniBatchKMeans on the same rows.
 *
 * The reference runs in Debian's /usr/bin/python3 (package python3-sklearn), not whatever
 * python3 is first on PATH. Without scikit-learn there this test fails with a message
 * saying how to install it: a comparison that silently skips proves nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScaler, fitMiniBatchKMeans, fitScaler } from '../src/cluster/index.js';
import { testRandom } from './helpers/testRandom.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'sklearn_minibatch.py');

const N_TRAIN = 20_000;
const N_TEST = 5_000;
const N_DATES = 36;
const N_STATIC = 4;
const DIM = N_DATES + N_STATIC;
const K = 5;
const BATCH_SIZE = 256;
const WARM_START = 25_600;
const MAX_EPOCHS = 100;
const SEEDS = [0, 1, 2];


interface Regime {
  share: number;
  velocity: number; // mm/yr, mean and pixel-to-pixel sd
  velocitySd: number;
  seasonal: number; // mm amplitude
  phase: number; // rad
  statics: [number, number][]; // mean, sd of height (m), coherence, slope (deg), amplitude dispersion
}

// Five overlapping deformation regimes, loosely like a Norwegian mountainside.
const REGIMES: Regime[] = [
  { share: 0.4, velocity: 0, velocitySd: 1.5, seasonal: 2, phase: 0, statics: [[300, 150], [0.8, 0.08], [10, 5], [0.25, 0.05]] },
  { share: 0.25, velocity: -6, velocitySd: 2, seasonal: 3, phase: 0.5, statics: [[600, 200], [0.65, 0.1], [20, 6], [0.3, 0.06]] },
  { share: 0.15, velocity: -3, velocitySd: 2, seasonal: 10, phase: 2, statics: [[800, 150], [0.55, 0.1], [12, 5], [0.35, 0.07]] },
  { share: 0.12, velocity: -20, velocitySd: 5, seasonal: 4, phase: 1, statics: [[700, 200], [0.5, 0.1], [30, 6], [0.4, 0.08]] },
  { share: 0.08, velocity: 4, velocitySd: 2, seasonal: 2, phase: 0, statics: [[200, 100], [0.75, 0.08], [5, 3], [0.28, 0.05]] },
];

/** Displacement curves (relative to the first date, 3 mm noise) and four static layers. */
function makeScene(rows: number, seed: number): Float32Array {
  const uniform = testRandom(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const data = new Float32Array(rows * DIM);
  for (let i = 0; i < rows; i++) {
    let pick = uniform();
    let regime = REGIMES[REGIMES.length - 1];
    for (const r of REGIMES) {
      if (pick < r.share) {
        regime = r;
        break;
      }
      pick -= r.share;
    }
    const velocity = regime.velocity + regime.velocitySd * gauss();
    const seasonal = regime.seasonal * (1 + 0.3 * gauss());
    for (let d = 0; d < N_DATES; d++) {
      const years = (d * 12) / 365.25;
      const curve = velocity * years + seasonal * (Math.sin(2 * Math.PI * years + regime.phase) - Math.sin(regime.phase));
      data[i * DIM + d] = d === 0 ? 0 : curve + 3 * gauss();
    }
    regime.statics.forEach(([mean, sd], s) => (data[i * DIM + N_DATES + s] = mean + sd * gauss()));
  }
  return data;
}

/** Mean squared distance to the nearest centre, written out here rather than taken from src. */
function meanNearestDistance(centres: Float64Array, data: Float32Array, rows: number): number {
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let best = Infinity;
    for (let c = 0; c < K; c++) {
      let d2 = 0;
      for (let f = 0; f < DIM; f++) d2 += (data[i * DIM + f] - centres[c * DIM + f]) ** 2;
      best = Math.min(best, d2);
    }
    total += best;
  }
  return total / rows;
}

interface SklearnRun {
  sklearn: string;
  steps: number;
  epochs: number;
  fitSeconds: number;
  trainInertia: number;
  testInertia: number;
  lloydTestInertia?: number;
}

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe('mini-batch k-means against scikit-learn', () => {
  let dir = '';
  let train: Float32Array;
  let test: Float32Array;

  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install Debian's python3 and python3-sklearn`);
    try {
      await run(PYTHON, ['-c', 'import sklearn, numpy']);
    } catch {
      throw new Error(`${PYTHON} cannot import sklearn: install it with "apt-get install python3-sklearn"`);
    }
    // Scale as the pipeline does: statistics from the training rows only.
    const rawTrain = makeScene(N_TRAIN, 2024);
    const rawTest = makeScene(N_TEST, 2025);
    const scaler = fitScaler(rawTrain, N_TRAIN, { nDynamic: N_DATES, nStatic: N_STATIC, staticWeight: 1 });
    train = applyScaler(scaler, rawTrain, N_TRAIN);
    test = applyScaler(scaler, rawTest, N_TEST);
    dir = await mkdtemp(join(tmpdir(), 'smoothcluster-sklearn-'));
    await writeFile(join(dir, 'train.f32'), new Uint8Array(train.buffer, train.byteOffset, train.byteLength));
    await writeFile(join(dir, 'test.f32'), new Uint8Array(test.buffer, test.byteOffset, test.byteLength));
  });

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function sklearnRun(seed: number): Promise<SklearnRun> {
    const args = [
      SCRIPT, '--train', join(dir, 'train.f32'), '--test', join(dir, 'test.f32'), '--dim', String(DIM), '--k', String(K),
      '--batch-size', String(BATCH_SIZE), '--seed', String(seed), '--max-iter', String(MAX_EPOCHS), '--n-init', '3',
      // The same k-means++ pool as ours: min(warmStart, training rows).
      '--init-size', String(Math.min(WARM_START, N_TRAIN)),
    ];
    if (seed === SEEDS[0]) args.push('--lloyd');
    const { stdout } = await run(PYTHON, args, { maxBuffer: 1 << 24 });
    return JSON.parse(stdout) as SklearnRun;
  }

  it('reaches a held-out test inertia within 3 % of scikit-learn (median over seeds)', async () => {
    const references = await Promise.all(SEEDS.map(sklearnRun));
    const ours = SEEDS.map((seed) => {
      const started = performance.now();
      const fit = fitMiniBatchKMeans(train, N_TRAIN, DIM, { k: K, batchSize: BATCH_SIZE, warmStart: WARM_START, maxEpochs: MAX_EPOCHS, seed });
      const seconds = (performance.now() - started) / 1000;
      return { seed, seconds, steps: fit.steps, stopReason: fit.stopReason, testInertia: meanNearestDistance(fit.model.centres, test, N_TEST) };
    });
    const ourMedian = median(ours.map((r) => r.testInertia));
    const theirMedian = median(references.map((r) => r.testInertia));
    console.log(
      JSON.stringify(
        {
          sklearn: references[0].sklearn,
          lloydTestInertia: references[0].lloydTestInertia,
          ours,
          sklearnRuns: references.map((r, i) => ({ seed: SEEDS[i], seconds: r.fitSeconds, steps: r.steps, testInertia: r.testInertia })),
          ourMedian,
          theirMedian,
          ratio: ourMedian / theirMedian,
        },
        null,
        1,
      ),
    );
    expect(ourMedian).toBeLessThanOrEqual(1.03 * theirMedian);
  });
});
