#!/usr/bin/env node
// The hot loops alone: node marking and gap filling, smoothing and assignment, per million
// nodes, on one thread, for a coverage pattern. Runs the tile function of a build (default
// dist/, or --dist OTHER/dist to compare another build) on a synthetic scene held in memory,
// tile by tile with halos as the passes cut it, once in 'sample' mode (every node smoothed
// into the room for the window cache) and once in 'predict' mode (k = 4). Prints one JSON
// line per coverage: milliseconds per million nodes per stage (the minimum over --repeat
// runs, the least disturbed on a shared machine) and the process CPU seconds.
//
//   node scripts/bench/tileKernels.mjs [--coverage full,blobby,fragmented] [--valid-share 0.65]
//       [--size 512] [--dates 128] [--tile 256] [--repeat 3] [--dist dist]
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values } = parseArgs({
  options: {
    coverage: { type: 'string', default: 'full,fragmented' },
    'valid-share': { type: 'string', default: '0.65' },
    size: { type: 'string', default: '512' },
    dates: { type: 'string', default: '128' },
    tile: { type: 'string', default: '256' },
    repeat: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'dist' },
  },
});
const dist = pathToFileURL(resolve(values.dist)).href;
// The scene always comes from this build's generator (an older build may not know the coverage patterns).
const { makeSynthScene } = await import('../../dist/synth/index.js');
const { runTileJob } = await import(`${dist}/pipeline/engine/tileJob.js`);
const { haloWindow } = await import(`${dist}/smooth/smoothTile.js`);
const size = Number(values.size), nDates = Number(values.dates), tile = Number(values.tile), repeat = Number(values.repeat);

for (const coverage of values.coverage.split(',')) {
  const scene = makeSynthScene({ preset: 'lyngen', width: size, height: size, nDates, coverage, ...(coverage === 'blobby' || coverage === 'fragmented' ? { validShare: Number(values['valid-share']) } : {}) });
  const bands = [...scene.dates.map((_d, d) => scene.displacementBand(d)), ...scene.staticNames.map((_n, s) => scene.staticBand(s))];
  const nStatic = scene.staticNames.length;
  const day0 = Date.parse(scene.dates[0]);
  const dayOffsets = Float64Array.from(scene.dates, (d) => (Date.parse(d) - day0) / 86_400_000);
  const graph = { radius: 1, connectivity: 8, weights: 'uniform', sigma: 30, fanout: null, seed: 0, rasterWidth: size, rasterHeight: size, grid: { geoTransform: scene.geoTransform, geographic: false, metresPerUnit: 1 } };
  const smoothing = { hops: 3, alpha: 0.5, aggregate: 'mean' };
  const base = { graph, smoothing, nDates, nStatic, useStatics: true, dayOffsets, maxMissing: 0.2 };
  const nF = nDates + nStatic;
  const model = { k: 4, dim: nF, centres: Float64Array.from({ length: 4 * nF }, (_v, i) => Math.sin(i) * 3), counts: new Float64Array(4) };
  const scaler = { layout: { nDynamic: nDates, nStatic, staticWeight: 1 }, offset: new Float64Array(nF), scale: new Float64Array(nF).fill(0.1) };
  const jobs = [];
  for (let y0 = 0; y0 < size; y0 += tile) {
    for (let x0 = 0; x0 < size; x0 += tile) {
      const core = { x0, y0, width: Math.min(tile, size - x0), height: Math.min(tile, size - y0) };
      const window = haloWindow(core, graph, smoothing);
      const plane = window.width * window.height;
      const planes = new Float32Array(bands.length * plane);
      for (let b = 0; b < bands.length; b++) {
        for (let y = 0; y < window.height; y++) planes.set(bands[b].subarray((window.y0 + y) * size + window.x0, (window.y0 + y) * size + window.x0 + window.width), b * plane + y * window.width);
      }
      jobs.push({ window, core, planes, smoothedCore: new Float32Array(nF * core.width * core.height) });
    }
  }
  const best = {};
  let nodes = 0, cpu = Infinity;
  for (let r = 0; r < repeat; r++) {
    const sum = { nodes: 0, graph: 0, smooth: 0, gather: 0, assign: 0, stats: 0 };
    const c0 = process.cpuUsage();
    nodes = 0;
    for (const [index, job] of jobs.entries()) {
      const sampled = runTileJob({ ...base, mode: 'sample', sample: { seed: 1, testFraction: 0.2, withTest: true } }, { index, ...job, trainBelow: 0.01, testBelow: 0.01 });
      const predicted = runTileJob({ ...base, mode: 'predict', predict: { model, scaler } }, { index, window: job.window, core: job.core, planes: job.planes });
      nodes += sampled.nodes;
      for (const key of Object.keys(sum)) sum[key] += sampled.times[key] + predicted.times[key];
    }
    const used = process.cpuUsage(c0);
    cpu = Math.min(cpu, (used.user + used.system) / 1e6);
    for (const key of Object.keys(sum)) best[key] = Math.min(best[key] ?? Infinity, sum[key]);
  }
  const perMillion = Object.fromEntries(Object.entries(best).map(([k, ms]) => [k, Number(((ms / nodes) * 1e6).toFixed(0))]));
  console.log(JSON.stringify({ coverage, validShare: coverage === 'blobby' || coverage === 'fragmented' ? Number(values['valid-share']) : 1, size, dates: nDates, nodes, msPerMillionNodes: perMillion, cpuSeconds: Number(cpu.toFixed(2)), dist: values.dist }));
}
