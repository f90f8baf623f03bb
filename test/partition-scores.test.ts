/**
 * Silhouette, Davies–Bouldin and Calinski–Harabasz against values worked out by hand and
 * against scikit-learn on the same rows (Debian's /usr/bin/python3 with python3-sklearn; the
 * test fails with a message saying what to install rather than skipping).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  calinskiHarabaszScore,
  condensedDistances,
  daviesBouldinScore,
  pairIndex,
  silhouetteFromDistances,
  silhouetteScore,
} from '../src/cluster/partitionScores.js';
import { testRandom } from './helpers/testRandom.js';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(import.meta.dirname, '..', 'scripts', 'sklearn_partition_scores.py');

describe('partition scores on a case worked out by hand', () => {
  // Two pairs on a line: {0, 1} and {10, 11}.
  const data = Float32Array.of(0, 1, 10, 11);
  const labels = [0, 0, 1, 1];

  it('silhouette: a = 1 for every point, b = 10.5 or 9.5', () => {
    const expected = ((10.5 - 1) / 10.5 + (9.5 - 1) / 9.5) / 2;
    expect(silhouetteScore(data, 4, 1, labels)).toBeCloseTo(expected, 12);
  });

  it('Davies–Bouldin: spreads 0.5 and 0.5, centroids 10 apart', () => {
    expect(daviesBouldinScore(data, 4, 1, labels)).toBeCloseTo(0.1, 12);
  });

  it('Calinski–Harabasz: between 100, within 1, (n - k) / (k - 1) = 2', () => {
    expect(calinskiHarabaszScore(data, 4, 1, labels)).toBeCloseTo(200, 9);
  });

  it('is NaN when there is one cluster or every row is its own', () => {
    for (const fn of [silhouetteScore, daviesBouldinScore, calinskiHarabaszScore]) {
      expect(fn(data, 4, 1, [3, 3, 3, 3])).toBeNaN();
      expect(fn(data, 4, 1, [0, 1, 2, 3])).toBeNaN();
    }
  });

  it('keeps condensed distances in scipy order', () => {
    const d = condensedDistances(data, 4, 1);
    expect(Array.from(d.values)).toEqual([1, 10, 11, 9, 10, 1]);
    expect(d.values[pairIndex(4, 1, 3)]).toBe(10);
    expect(d.values[pairIndex(4, 2, 3)]).toBe(1);
  });
});

describe('partition scores against scikit-learn', () => {
  const N = 700;
  const DIM = 12;
  let dir = '';
  const data = new Float32Array(N * DIM);
  const labelings: Record<string, Int32Array> = {};
  let reference: { sklearn: string; results: { silhouette: number | null; daviesBouldin: number | null; calinskiHarabasz: number | null }[] };

  beforeAll(async () => {
    if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install Debian's python3 and python3-sklearn`);
    // Five overlapping Gaussian blobs of unequal size and spread.
    const uniform = testRandom(77);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
    const centres = Array.from({ length: 5 }, () => Array.from({ length: DIM }, () => 6 * gauss()));
    const truth = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      const c = Math.min(4, Math.floor(5 * uniform() ** 1.5));
      truth[i] = c;
      for (let f = 0; f < DIM; f++) data[i * DIM + f] = centres[c][f] + (1 + c) * gauss();
    }
    labelings.truth = truth;
    // A tenth of the rows relabelled at random, labels renamed to 3, 7, 9, 20, 41.
    const names = [3, 7, 9, 20, 41];
    labelings.noisyRenamed = truth.map((c) => names[uniform() < 0.1 ? Math.floor(5 * uniform()) : c]);
    // A singleton cluster (its row scores 0 in the silhouette).
    labelings.singleton = truth.map((c, i) => (i === 17 ? 99 : c));
    labelings.random = truth.map(() => Math.floor(3 * uniform()));
    labelings.twoClusters = truth.map((c) => (c < 2 ? 0 : 1));
    labelings.oneCluster = truth.map(() => 5);

    dir = await mkdtemp(join(tmpdir(), 'smoothcluster-scores-'));
    await writeFile(join(dir, 'data.f32'), new Uint8Array(data.buffer));
    const paths: string[] = [];
    for (const [name, labels] of Object.entries(labelings)) {
      const path = join(dir, `${name}.i32`);
      await writeFile(path, new Uint8Array(labels.buffer));
      paths.push(path);
    }
    try {
      const { stdout } = await run(PYTHON, [SCRIPT, '--data', join(dir, 'data.f32'), '--dim', String(DIM), '--labels', ...paths]);
      reference = JSON.parse(stdout);
    } catch (err) {
      throw new Error(`${PYTHON} could not run ${SCRIPT} (install python3-sklearn): ${String(err)}`);
    }
  });

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('gives scikit-learn\'s silhouette, Davies–Bouldin and Calinski–Harabasz for every labeling', () => {
    const distances = condensedDistances(data, N, DIM);
    Object.values(labelings).forEach((labels, i) => {
      const want = reference.results[i];
      const got = {
        silhouette: silhouetteFromDistances(distances, labels),
        daviesBouldin: daviesBouldinScore(data, N, DIM, labels),
        calinskiHarabasz: calinskiHarabaszScore(data, N, DIM, labels),
      };
      for (const key of ['silhouette', 'daviesBouldin', 'calinskiHarabasz'] as const) {
        const expected = want[key];
        if (expected === null) expect(got[key]).toBeNaN();
        else expect(Math.abs(got[key] - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
      }
    });
    // The labelings are different enough for the comparison to mean something.
    const sil = reference.results.map((r) => r.silhouette);
    expect(sil[0]).toBeGreaterThan(0.3);
    expect(sil[3]).toBeLessThan(0.05);
  });

  it('silhouette from shared distances equals the direct computation', () => {
    expect(silhouetteFromDistances(condensedDistances(data, N, DIM), labelings.singleton)).toBe(silhouetteScore(data, N, DIM, labelings.singleton));
  });
});
