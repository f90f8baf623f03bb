#!/usr/bin/env node
// Measures what smoothing buys and how our mini-batch k-means compares with
// scikit-learn's on the pipeline's own features. Prints Markdown for BENCHMARKS.md.
//   npm run build && node scripts/measure-quality.mjs [--size 256] [--dates 123]
// Needs Debian's python3-sklearn at /usr/bin/python3.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import gdal from 'gdal-async';
import { adjustedRandIndex, spatialCoherence } from '../dist/cluster/metrics.js';
import { applyScaler, fitScaler } from '../dist/cluster/scaler.js';
import { runSmoothCluster } from '../dist/pipeline/runSmoothCluster.js';
import { openSession, prepareRun } from '../dist/pipeline/session.js';
import { samplePass } from '../dist/pipeline/passes/samplePass.js';
import { fitModel } from '../dist/pipeline/modelFile.js';
import { writeSynthScene } from '../dist/pipeline/writeSynthScene.js';
import { silentReporter } from '../dist/reporter.js';
import { DEFAULTS } from '../dist/pipeline/options.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '256' }, dates: { type: 'string', default: '123' }, out: { type: 'string', default: 'bench-cache/quality' } } });
const size = Number(values.size), nDates = Number(values.dates);
mkdirSync(values.out, { recursive: true });

const options = (over = {}) => ({
  graph: { radius: 1, connectivity: 8, weights: 'uniform', sigma: null, fanout: null, maxMissing: DEFAULTS.maxMissing },
  smoothing: { hops: DEFAULTS.hops, alpha: DEFAULTS.alpha, aggregate: 'mean' },
  features: { statics: [], features: 'dyn', staticWeight: 1 },
  cluster: { k: 4, batchSize: 256, warmStart: DEFAULTS.warmStart, testFraction: 0.2, maxEpochs: DEFAULTS.maxEpochs, restarts: DEFAULTS.restarts, sampleSize: DEFAULTS.sampleSize, seed: 0 },
  execution: { tileSize: 512, overwrite: true, allowUngeoreferenced: false },
  ...over,
});
const readLabels = (p) => {
  const ds = gdal.open(p);
  const { x, y } = ds.rasterSize;
  const a = ds.bands.get(1).pixels.read(0, 0, x, y);
  ds.close();
  return { a, x, y };
};

console.log(`### Smoothing and recovery of the true regimes (${size} x ${size} pixels, ${nDates} dates, k = 4, default noise)\n`);
console.log('| preset | hops | ARI vs truth | spatial coherence |\n| --- | --- | --- | --- |');
const scenes = {};
for (const preset of ['lyngen', 'nordnes', 'svalbard']) {
  const dir = join(values.out, preset);
  const { files } = await writeSynthScene(dir, { preset, width: size, height: size, nDates }, true, silentReporter);
  scenes[preset] = files;
  const truth = readLabels(files.truth).a;
  for (const hops of [0, 1, 3]) {
    const out = join(dir, `hops${hops}.tif`);
    const o = options();
    o.smoothing.hops = hops;
    await runSmoothCluster(files.displacement, out, o, silentReporter);
    const l = readLabels(out);
    console.log(`| ${preset} | ${hops} | ${adjustedRandIndex(truth, l.a, 255).toFixed(3)} | ${spatialCoherence(l.a, l.x, l.y, 255).toFixed(3)} |`);
  }
}

console.log('\n### Mini-batch k-means against scikit-learn on the same features\n');
console.log('Features: the pipeline\'s smoothed and scaled training sample (hops 3; dyn+static uses the four static layers). Test inertia = mean squared distance of the held-out pixels to the nearest centre.\n');
console.log('| scene | features | k | seed | ours | scikit-learn | ours / sklearn |\n| --- | --- | --- | --- | --- | --- | --- |');
for (const [preset, features] of [['lyngen', 'dyn'], ['lyngen', 'dyn+static'], ['svalbard', 'dyn+static']]) {
  for (const seed of [0, 1, 2]) {
    const files = scenes[preset];
    const o = options({ features: { statics: features === 'dyn' ? [] : [files.static], features, staticWeight: 1 } });
    o.cluster.seed = seed;
    const session = await openSession(files.displacement, o, silentReporter, 'nothing');
    const ctx = prepareRun(session, o);
    const sample = await samplePass(ctx, silentReporter);
    const fitted = fitModel(ctx, sample);
    await session.close();
    const layout = { nDynamic: ctx.nDates, nStatic: ctx.useStatics ? ctx.nStatic : 0, staticWeight: 1 };
    const scaler = fitScaler(sample.train.data, sample.train.n, layout);
    const trainPath = join(values.out, 'train.f32'), testPath = join(values.out, 'test.f32');
    writeFileSync(trainPath, applyScaler(scaler, sample.train.data, sample.train.n));
    writeFileSync(testPath, applyScaler(scaler, sample.test.data, sample.test.n));
    const sk = JSON.parse(execFileSync('/usr/bin/python3', ['scripts/sklearn_minibatch.py', '--train', trainPath, '--test', testPath, '--dim', String(ctx.nFeatures), '--k', '4', '--batch-size', '256', '--seed', String(seed), '--max-iter', String(o.cluster.maxEpochs), '--init-size', String(Math.min(o.cluster.warmStart, sample.train.n))], { encoding: 'utf8' }));
    console.log(`| ${preset} | ${features} | 4 | ${seed} | ${fitted.testInertia.toFixed(4)} | ${sk.testInertia.toFixed(4)} | ${(fitted.testInertia / sk.testInertia).toFixed(3)} |`);
  }
}

