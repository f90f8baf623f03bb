/**
 * `sweep` on a synthetic scene with four known regimes (stable, subsidence, frost heave,
 * landslide): the table, CSV, JSON and chart have one row per combination with every score,
 * the recommendation lands near the true number of regimes, and the scene is smoothed once
 * per (hops, alpha), never once per k.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignNearest } from '../src/cluster/nearestCentre.js';
import { applyScaler } from '../src/cluster/scaler.js';
import { fitModel } from '../src/pipeline/modelFile.js';
import { DEFAULTS, type MethodOptions } from '../src/pipeline/options.js';
import { openSession, prepareRun } from '../src/pipeline/session.js';
import { samplePass } from '../src/pipeline/passes/samplePass.js';
import { sweepScene, SWEEP_DEFAULTS, type SweepGrid } from '../src/pipeline/sweep/sweep.js';
import { kneeIndex, recommendCombination } from '../src/pipeline/sweep/sweepRecommend.js';
import type { SweepRow } from '../src/pipeline/sweep/sweepSetting.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter, type Reporter } from '../src/reporter.js';
import { REGIME_NAMES } from '../src/synth/index.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

const TRUE_REGIMES = REGIME_NAMES.length; // 4
const METRICS = ['testInertia', 'trainInertia', 'explainedShare', 'silhouette', 'daviesBouldin', 'calinskiHarabasz', 'spatialCoherence', 'smallestClusterShare'];
let dir: string, scene: string;

beforeAll(async () => {
  dir = tempDir('sc-sweep-');
  ({ files: { displacement: scene } } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: 112, height: 104, nDates: 48, seed: 1 }, false, silentReporter));
});

/** Reads every completed pass (label, tiles) a library call reports. */
function countingReporter(): { reporter: Reporter; passes: string[] } {
  const passes: string[] = [];
  return { passes, reporter: { ...silentReporter, progress: (label, done, total) => void (done === total && passes.push(label)) } };
}

function options(): MethodOptions {
  return {
    graph: { radius: DEFAULTS.radius, connectivity: DEFAULTS.connectivity, weights: DEFAULTS.weights, sigma: null, fanout: null, maxMissing: DEFAULTS.maxMissing },
    smoothing: { hops: 1, alpha: 0.5, aggregate: 'mean' },
    features: { statics: [], features: 'dyn', staticWeight: 1 },
    cluster: { k: 4, batchSize: 256, warmStart: 4000, testFraction: 0.2, maxEpochs: 10, restarts: 1, sampleSize: 6000, seed: 0 },
    execution: { tileSize: 48, overwrite: false, allowUngeoreferenced: false },
  };
}

describe('sweep from the command line', () => {
  const grid = { k: '3,4,5,6,8', hops: '0,1,3', alpha: '0.3,0.5' };
  // hops 0 once (alpha changes nothing without smoothing), hops 1 and 3 with each alpha.
  const settings = ['0/', '1/0.3', '1/0.5', '3/0.3', '3/0.5'];
  const combinations = settings.length * 5;
  let stdout = '', prefix = '';

  beforeAll(async () => {
    prefix = join(dir, 'grid');
    const r = await runCli('sweep', scene, '--k', grid.k, '--hops', grid.hops, '--alpha', grid.alpha, '--out', prefix, '--tile-size', 64, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    stdout = r.stdout;
  });

  it('prints one table row per combination and a recommendation with its reasons', () => {
    const rows = stdout.split('\n').filter((l) => /^[ *]\s+\d+\s+(-|[\d.]+)\s+\d+\s+[\d.]+/.test(l));
    expect(rows).toHaveLength(combinations);
    expect(rows.filter((l) => l.startsWith('*'))).toHaveLength(1);
    expect(stdout).toMatch(/recommended \(\*\): k = \d+, hops \d/);
    expect(stdout).toMatch(/knee/);
    expect(stdout).toContain(`${settings.length} sample passes`);
  });

  it('recommends a k near the true number of regimes', () => {
    const doc = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(Math.abs(doc.recommendation.k - TRUE_REGIMES)).toBeLessThanOrEqual(1);
    expect([0, 1, 3]).toContain(doc.recommendation.hops);
    expect(doc.recommendation.reasons.length).toBeGreaterThanOrEqual(2);
  });

  it('writes a CSV and a JSON with one row per combination and every score', () => {
    const [header, ...lines] = readFileSync(`${prefix}.csv`, 'utf8').trim().split('\n');
    const columns = header.split(',');
    for (const m of ['hops', 'alpha', 'k', ...METRICS, 'recommended']) expect(columns).toContain(m);
    expect(lines).toHaveLength(combinations);
    const csv = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i], v])));
    expect(new Set(csv.map((r) => `${r.hops}/${r.alpha}/${r.k}`)).size).toBe(combinations);
    expect(new Set(csv.map((r) => `${r.hops}/${r.alpha}`))).toEqual(new Set(settings));

    const doc = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(doc.schema).toBe('smoothcluster-sweep');
    expect(doc.rows).toHaveLength(combinations);
    for (const row of doc.rows) {
      for (const m of METRICS) expect(Number.isFinite(row[m]), `${m} of ${JSON.stringify(row)}`).toBe(true);
      expect(row.silhouette).toBeGreaterThan(-1);
      expect(row.silhouette).toBeLessThan(1);
      expect(row.spatialCoherence).toBeGreaterThan(0);
      expect(row.spatialCoherence).toBeLessThanOrEqual(1);
      expect(row.daviesBouldin).toBeGreaterThan(0);
      expect(row.calinskiHarabasz).toBeGreaterThan(1);
    }
    // The CSV and the JSON say the same, and mark the same row.
    doc.rows.forEach((row: Record<string, number | null | boolean>, i: number) => {
      expect(Number(csv[i].silhouette)).toBe(row.silhouette);
      expect(csv[i].recommended === '1').toBe(row.recommended);
    });
    const marked = doc.rows.filter((r: { recommended: boolean }) => r.recommended);
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatchObject({ k: doc.recommendation.k, hops: doc.recommendation.hops, alpha: doc.recommendation.alpha });
    // Smoothing helps on this scene: the smoothed map is more coherent than the raw one at every k.
    for (const k of [3, 4, 5, 6, 8]) {
      const raw = doc.rows.find((r: SweepRow) => r.k === k && r.hops === 0);
      const smooth = doc.rows.find((r: SweepRow) => r.k === k && r.hops === 3 && r.alpha === 0.5);
      expect(smooth.spatialCoherence).toBeGreaterThan(raw.spatialCoherence);
    }
  });

  it('draws the elbow/score chart: a panel per score, a line per smoothing setting', () => {
    const svg = readFileSync(`${prefix}.svg`, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const title of ['test inertia', 'silhouette', 'Davies-Bouldin', 'Calinski-Harabasz', 'spatial coherence']) expect(svg).toContain(title);
    for (const s of ['hops 0', 'hops 1, alpha 0.3', 'hops 3, alpha 0.5']) expect(svg).toContain(`>${s}<`);
    const doc = JSON.parse(readFileSync(`${prefix}.json`, 'utf8'));
    expect(svg).toContain(`recommended: k = ${doc.recommendation.k}`);
  });

  it('prints the same document on stdout with --json, and refuses to overwrite without --overwrite', async () => {
    const again = await runCli('sweep', scene, '--k', '3,4', '--hops', '1', '--alpha', '0.5', '--json', '--quiet');
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc.rows.map((r: SweepRow) => r.k)).toEqual([3, 4]);
    expect(doc.evaluation.samplePasses).toBe(1);
    const exists = await runCli('sweep', scene, '--k', '3,4', '--hops', '1', '--out', prefix, '--quiet');
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/grid\.csv' already exists/);
  });

  it('documents --k, --hops and --alpha as lists', async () => {
    const help = await runCli('sweep', '--help');
    expect(help.stdout).toMatch(/--hops\s+smoothing hops to try \(comma-separated\)\s+\[string\] \[default: "0,1,3"\]/);
    expect(help.stdout).toMatch(/-k\s+numbers of regimes to try \(comma-separated\)\s*\[string\] \[default: "3,4,5,6,8"\]/);
    expect(help.stdout).toMatch(/--max-missing/); // the shared options are all there
  });

  it('answers a bad list with exit 2 naming the option and the value', async () => {
    const k1 = await runCli('sweep', scene, '--k', '1,4');
    expect(k1.code).toBe(2);
    expect(k1.stderr).toMatch(/--k must be a whole number from 2 to 254; got 1/);
    const alpha = await runCli('sweep', scene, '--alpha', '0.5,abc');
    expect(alpha.code).toBe(2);
    expect(alpha.stderr).toMatch(/--alpha must be .*; got abc/);
    const empty = await runCli('sweep', scene, '--hops', '1,,3');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/--hops takes a comma-separated list/);
    const noTest = await runCli('sweep', scene, '--test-fraction', 0);
    expect(noTest.code).toBe(2);
    expect(noTest.stderr).toMatch(/--test-fraction must be above 0 for sweep/);
  });
});

describe('sweep smooths once per (hops, alpha)', () => {
  it('runs one sample pass per smoothing setting whatever the number of k values', async () => {
    const grid = (k: number[]): SweepGrid => ({ k, hops: [0, 2], alpha: [0.4, 0.6] });
    const few = countingReporter();
    const many = countingReporter();
    const a = await sweepScene(scene, grid([4]), options(), SWEEP_DEFAULTS, few.reporter);
    const b = await sweepScene(scene, grid([2, 3, 4, 5, 6]), options(), SWEEP_DEFAULTS, many.reporter);
    // Settings: hops 0 once, hops 2 with alpha 0.4 and 0.6.
    const samplePasses = (p: string[]) => p.filter((l) => l === 'sample pass').length;
    expect(samplePasses(few.passes)).toBe(3);
    expect(samplePasses(many.passes)).toBe(3);
    expect(many.passes.filter((l) => l === 'coherence window')).toHaveLength(3);
    expect(many.passes).toHaveLength(6); // nothing else smooths the scene
    expect(a.rows).toHaveLength(3);
    expect(b.rows).toHaveLength(15);
    expect(b.evaluation.samplePasses).toBe(3);
    // Same training sample, same k: the rows of the small sweep are rows of the large one.
    for (const row of a.rows) expect(b.rows.find((r) => r.k === 4 && r.hops === row.hops && r.alpha === row.alpha)).toEqual(row);
  });

  it('gives the same scores for any tile size', async () => {
    const grid: SweepGrid = { k: [3, 5], hops: [2], alpha: [0.5] };
    const small = await sweepScene(scene, grid, { ...options(), execution: { ...options().execution, tileSize: 24 } }, { silhouetteRows: 500, coherenceWindow: 60 }, silentReporter);
    const large = await sweepScene(scene, grid, { ...options(), execution: { ...options().execution, tileSize: 512 } }, { silhouetteRows: 500, coherenceWindow: 60 }, silentReporter);
    expect(small.rows).toEqual(large.rows);
    expect(small.evaluation.coherenceWindow).toEqual({ x0: 26, y0: 22, width: 60, height: 60 });
    expect(small.evaluation.silhouetteRows).toBe(500);
  });
});

describe('sweep scores against scikit-learn on the rows the sweep used', () => {
  it('gives sklearn.metrics\' silhouette, Davies-Bouldin and Calinski-Harabasz of the held-out test rows', async () => {
    const o = { ...options(), smoothing: { hops: 2, alpha: 0.5, aggregate: 'mean' as const } };
    const silhouetteRows = 700;
    const [row] = (await sweepScene(scene, { k: [4], hops: [2], alpha: [0.5] }, o, { silhouetteRows, coherenceWindow: 64 }, silentReporter)).rows;
    // The same rows, rebuilt here from the sample pass and the fitted model.
    const opened = await openSession(scene, o, silentReporter, 'nothing');
    let test: Float32Array, labels: Int32Array, n: number, dim: number;
    try {
      const ctx = prepareRun(opened, o);
      const sample = await samplePass(ctx, silentReporter);
      const fitted = fitModel(ctx, sample);
      // A spent sample is scaled in place (as `run` does): the same model, from the same rows.
      const unscaled = sample.train.data.slice();
      const inPlace = fitModel(ctx, sample, true);
      expect(Array.from(inPlace.model.centres)).toEqual(Array.from(fitted.model.centres));
      expect(inPlace.testInertia).toBe(fitted.testInertia);
      expect(Buffer.from(sample.train.data.buffer).equals(Buffer.from(unscaled.buffer))).toBe(false);
      n = sample.test.n;
      dim = ctx.nFeatures;
      test = applyScaler(fitted.scaler, sample.test.data, n);
      labels = new Int32Array(n);
      assignNearest(fitted.model, test, n, labels);
    } finally {
      await opened.close();
    }
    expect(n).toBeGreaterThan(silhouetteRows);
    const files = { all: join(dir, 'rows.f32'), first: join(dir, 'first.f32'), labels: join(dir, 'labels.i32'), firstLabels: join(dir, 'first.i32') };
    writeFileSync(files.all, new Uint8Array(test.buffer, 0, n * dim * 4));
    writeFileSync(files.first, new Uint8Array(test.buffer, 0, silhouetteRows * dim * 4));
    writeFileSync(files.labels, new Uint8Array(labels.buffer));
    writeFileSync(files.firstLabels, new Uint8Array(labels.buffer, 0, silhouetteRows * 4));
    const script = join(import.meta.dirname, '..', 'scripts', 'sklearn_partition_scores.py');
    const sklearn = async (data: string, labelFile: string) =>
      JSON.parse((await promisify(execFile)('/usr/bin/python3', [script, '--data', data, '--dim', String(dim), '--labels', labelFile])).stdout).results[0];
    const all = await sklearn(files.all, files.labels);
    const first = await sklearn(files.first, files.firstLabels);
    const close = (ours: number, theirs: number) => expect(Math.abs(ours - theirs)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(theirs)));
    close(row.silhouette, first.silhouette);
    close(row.daviesBouldin, all.daviesBouldin);
    close(row.calinskiHarabasz, all.calinskiHarabasz);
  });
});

describe('the recommendation rule', () => {
  it('finds the knee of a decreasing curve, and none in a straight line', () => {
    expect(kneeIndex([2, 3, 4, 5, 6, 8], [10, 6, 2.5, 2, 1.7, 1.2])).toBe(2);
    expect(kneeIndex([1, 2, 3, 4], [4, 3, 2, 1])).toBe(-1);
    expect(kneeIndex([3, 4], [2, 1])).toBe(-1);
  });

  const row = (hops: number, alpha: number | null, k: number, testInertia: number, silhouette: number, daviesBouldin: number, spatialCoherence: number): SweepRow => ({
    hops, alpha, k, testInertia, trainInertia: testInertia, explainedShare: 0.5, silhouette, daviesBouldin, calinskiHarabasz: 100,
    spatialCoherence, smallestClusterShare: 0.1, epochs: 3, stopReason: 'no-improvement',
  });

  it('takes k from the knees and the setting from the scale-free scores; ties go to lighter smoothing', () => {
    const rows = [
      // hops 0: knee at k = 4; scores poor.
      row(0, null, 2, 10, 0.5, 0.9, 0.6), row(0, null, 4, 3, 0.3, 1.0, 0.5), row(0, null, 6, 2.5, 0.2, 1.1, 0.4),
      // hops 2, alpha 0.5: knee at k = 4 (in its own units), best scores at k = 4.
      row(2, 0.5, 2, 1, 0.6, 0.6, 0.95), row(2, 0.5, 4, 0.3, 0.6, 0.5, 0.93), row(2, 0.5, 6, 0.28, 0.4, 0.8, 0.9),
      // hops 2, alpha 0.3: inertia a straight line (no knee); the same scores at k = 4 as alpha 0.5, but heavier smoothing.
      row(2, 0.3, 2, 3, 0.6, 0.6, 0.95), row(2, 0.3, 4, 2, 0.6, 0.5, 0.93), row(2, 0.3, 6, 1, 0.4, 0.8, 0.9),
    ];
    const rec = recommendCombination(rows);
    expect(rec.k).toBe(4);
    expect(rec.kneeBySetting).toEqual([
      { hops: 0, alpha: null, knee: 4 },
      { hops: 2, alpha: 0.5, knee: 4 },
      { hops: 2, alpha: 0.3, knee: null },
    ]);
    expect(rec).toMatchObject({ hops: 2, alpha: 0.5 });
    expect(rec.reasons[0]).toMatch(/knee\) at k = 4 in 2 of 3/);
  });
});
