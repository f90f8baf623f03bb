#!/usr/bin/env node
// What drawing the training sample from a few cells (--sample-cells) costs in model quality,
// against drawing it from the whole scene (--sample-cells 0, the method as first written).
//   npm run build && node scripts/bench/sampleCellsQuality.mjs [--size 2048] [--dates 128] [--cells 0,8,16,32] [--seeds 0,1,2]
// For each plan and seed: a full `run`; its ARI against the truth, and the test inertia of its
// centres on ONE common held-out set in ONE common scaling (the whole-scene sample of seed 0),
// so models fitted on different samples are compared on the same rows and units. Prints Markdown.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { applyScaler, fitScaler } from '../../dist/cluster/scaler.js';
import { openScene } from '../../dist/io/scene.js';
import { runSmoothCluster } from '../../dist/pipeline/commands.js';
import { DEFAULTS } from '../../dist/pipeline/options.js';
import { prepareRun } from '../../dist/pipeline/runContext.js';
import { samplePass } from '../../dist/pipeline/samplePass.js';
import { silentReporter } from '../../dist/reporter.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '2048' }, dates: { type: 'string', default: '128' }, cells: { type: 'string', default: '0,8,16,32' }, seeds: { type: 'string', default: '0,1,2' } } });
const dir = join('bench-cache', 'scenes', `lyngen-${values.size}x${values.size}x${values.dates}`);
const files = { displacement: join(dir, 'displacement.tif'), static: join(dir, 'static.tif'), truth: join(dir, 'truth.tif') };
const out = join('bench-cache', 'results', 'sample-cells');
mkdirSync(out, { recursive: true });
const options = (cells, seed) => ({
  graph: { radius: 1, connectivity: 8, weights: 'uniform', sigma: null, fanout: null, maxMissing: DEFAULTS.maxMissing },
  smoothing: { hops: DEFAULTS.hops, alpha: DEFAULTS.alpha, aggregate: 'mean' },
  features: { statics: [files.static], features: 'dyn+static', staticWeight: 1 },
  cluster: { k: 4, batchSize: 256, warmStart: DEFAULTS.warmStart, testFraction: 0.2, maxEpochs: DEFAULTS.maxEpochs, sampleSize: DEFAULTS.sampleSize, seed, sampleCells: cells },
  execution: { tileSize: DEFAULTS.tileSize, overwrite: true, allowUngeoreferenced: false },
});

// The common yardstick: the whole-scene sample of seed 0 (its test rows and its scaling).
const scene = openScene(files.displacement, { statics: [files.static] });
const ctx = prepareRun(scene, options(0, 0));
const reference = await samplePass(ctx, silentReporter);
const layout = { nDynamic: ctx.nDates, nStatic: ctx.nStatic, staticWeight: 1 };
const scaler = fitScaler(reference.train.data, reference.train.n, layout);
const test = applyScaler(scaler, reference.test.data, reference.test.n);
scene.close();
const dim = ctx.nFeatures;
const inertia = (sidecar) => {
  const centres = sidecar.clusters.map((c) => sidecar.featureNames.map((name, f) => (c.centroid[name] - scaler.offset[f]) * scaler.scale[f]));
  let sum = 0;
  for (let i = 0; i < reference.test.n; i++) {
    let best = Infinity;
    for (const c of centres) {
      let d = 0;
      for (let f = 0; f < dim; f++) d += (test[i * dim + f] - c[f]) ** 2;
      best = Math.min(best, d);
    }
    sum += best;
  }
  return sum / reference.test.n;
};

console.log(`### Sample cells against the whole scene (${values.size} x ${values.size} x ${values.dates}, k = 4, defaults otherwise)\n`);
console.log(`Common yardstick: ${reference.test.n} held-out pixels of the whole-scene sample (seed 0), scaled by that sample's scaler.\n`);
console.log('| sample drawn from | seed | sample pass | run | test inertia (common rows) | ARI vs truth |\n| --- | --- | --- | --- | --- | --- |');
for (const cells of values.cells.split(',').map(Number)) {
  for (const seed of values.seeds.split(',').map(Number)) {
    const path = join(out, `cells${cells}-seed${seed}.tif`);
    const summary = await runSmoothCluster(files.displacement, path, options(cells, seed), silentReporter);
    const sidecar = JSON.parse(readFileSync(summary.outputs.stats, 'utf8'));
    const cmp = JSON.parse(execFileSync('node', ['scripts/bench/compareLabels.mjs', path, path, files.truth], { encoding: 'utf8' }));
    console.log(`| ${cells === 0 ? 'whole scene' : `${cells} cells`} | ${seed} | ${summary.timings.samplePass.toFixed(1)} s | ${summary.timings.total.toFixed(1)} s | ${inertia(sidecar).toFixed(5)} | ${cmp.ariA.toFixed(3)} |`);
  }
}
