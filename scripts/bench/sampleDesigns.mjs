#!/usr/bin/env node
// How the training sample's design changes the fit: draws the sample by each design, fits
// k-means as `run` does (scaler, 5 restarts of mini-batch k-means), assigns every node and
// prints one JSON line per design and seed: ARI against the truth, inertias, cluster sizes.
// It works on the smoothed feature stack written once by `smoothcluster smooth`, so a design
// costs a fit and an assignment, not a run.
//
//   node --max-old-space-size=8000 scripts/bench/sampleDesigns.mjs SMOOTHED.tif TRUTH.tif DESIGNS SEEDS [NSTATIC]
//   DESIGNS: comma-separated of uniform (every node, as run), rand25 (a random quarter of the
//   nodes), cellsN (within N cells of 256 x 256 chosen by hash, as --sample-cells N), cellsNx
//   (the same with other cells), stratN (one cell per stratum of the cell grid), stripesN (the
//   rows 3 .. 3 + N of every band of 256 rows: a prefix of every 256-row block)
import gdal from 'gdal-async';
import { pixelUniform, fitScaler, applyScaler, fitBestOfRuns, assignNearest, adjustedRandIndex } from '../../dist/cluster/index.js';
const [smoothedPath, truthPath, designArg, seedArg, nStaticArg] = process.argv.slice(2);
const ds = gdal.open(smoothedPath); const W = ds.rasterSize.x, H = ds.rasterSize.y, F = ds.bands.count();
const bands = []; for (let b = 1; b <= F; b++) bands.push(ds.bands.get(b).pixels.read(0, 0, W, H));
const tds = gdal.open(truthPath); const truth = tds.bands.get(1).pixels.read(0, 0, W, H);
const nodes = []; for (let i = 0; i < W * H; i++) if (Number.isFinite(bands[0][i])) nodes.push(i);
console.error('nodes', nodes.length, 'features', F);
const rowsOf = (idx) => { const d = new Float32Array(idx.length * F); idx.forEach((p, r) => { for (let f = 0; f < F; f++) d[r * F + f] = bands[f][p]; }); return d; };
function bottomK(cands, seed, cap) { return cands.map((p) => [pixelUniform(seed, p, 0), p]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).slice(0, cap).map((x) => x[1]); }
function design(name, seed) {
  const isTest = (p) => pixelUniform(seed, p, 1) < 0.2;
  let pool = nodes;
  if (name === 'rand25') pool = nodes.filter((p) => pixelUniform(seed, p, 7) < 0.245);
  else if (name.startsWith('stripes')) { const n = Number(name.slice(7)); pool = nodes.filter((p) => { const y = Math.floor(p / W) % 256; return y >= 3 && y < 3 + n; }); }
  else if (name !== 'uniform') {
    const m = name.match(/^(cells|strat)(\d+)(x?)$/); const n = Number(m[2]); const cseed = m[3] ? seed + 100 : seed;
    let rects;
    if (m[1] === 'cells') {
      // same rule as chooseSampleCells but with n cells
      const cols = Math.ceil(W / 256), rows = Math.ceil(H / 256);
      const keyed = Array.from({ length: cols * rows }, (_v, i) => ({ i, key: pixelUniform(cseed, i, 2) })).sort((a, b) => a.key - b.key || a.i - b.i);
      rects = keyed.slice(0, n).map(({ i }) => ({ c: i % cols, r: Math.floor(i / cols) }));
    } else {
      // one cell per stratum: the cell grid cut into n strata of equal shape
      const cols = Math.ceil(W / 256), rows = Math.ceil(H / 256); const s = Math.sqrt((cols * rows) / n);
      rects = [];
      for (let sr = 0; sr < rows / s; sr++) for (let sc = 0; sc < cols / s; sc++) {
        let best = null;
        for (let r = sr * s; r < (sr + 1) * s; r++) for (let c = sc * s; c < (sc + 1) * s; c++) { const i = r * cols + c; const key = pixelUniform(seed, i, 2); if (!best || key < best.key) best = { key, c, r }; }
        rects.push(best);
      }
    }
    const inCell = new Uint8Array(W * H); const mg = 3;
    for (const { c, r } of rects) for (let y = r * 256 + (r ? mg : 0); y < Math.min(H, (r + 1) * 256) - ((r + 1) * 256 < H ? mg : 0); y++) for (let x = c * 256 + (c ? mg : 0); x < Math.min(W, (c + 1) * 256) - ((c + 1) * 256 < W ? mg : 0); x++) inCell[y * W + x] = 1;
    pool = nodes.filter((p) => inCell[p]);
  }
  const train = bottomK(pool.filter((p) => !isTest(p)), seed, 102400);
  const test = bottomK(pool.filter(isTest), seed, 25600);
  return { train, test, pool: pool.length };
}
const uniformTests = new Map();
const uniformTest = (seed) => { if (!uniformTests.has(seed)) uniformTests.set(seed, design('uniform', seed).test); return uniformTests.get(seed); };
const nStatic = Number(nStaticArg ?? 4);
const layout = { nDynamic: F - nStatic, nStatic, staticWeight: 1 };
const designs = designArg.split(','), seeds = seedArg.split(',').map(Number);
for (const name of designs) for (const seed of seeds) {
  const { train, test, pool } = design(name, seed);
  const tr = rowsOf(train); const scaler = fitScaler(tr, train.length, layout);
  const res = fitBestOfRuns(applyScaler(scaler, tr, train.length), train.length, F, { k: 4, batchSize: 256, warmStart: 25600, maxEpochs: 20, seed, nInit: 1 }, 5);
  const pred = new Uint8Array(W * H).fill(255);
  const CH = 65536; const lab = new Uint8Array(CH);
  for (let s = 0; s < nodes.length; s += CH) { const idx = nodes.slice(s, s + CH); const sc = applyScaler(scaler, rowsOf(idx), idx.length); assignNearest(res.model, sc, idx.length, lab); idx.forEach((p, j) => { pred[p] = lab[j]; }); }
  const te = applyScaler(scaler, rowsOf(test), test.length); const tl = new Uint8Array(test.length); const d2 = new Float32Array(test.length); assignNearest(res.model, te, test.length, tl, d2);
  const testInertia = d2.reduce((a, b) => a + b, 0) / test.length;
  // The same model on the uniform design's held-out pixels (what `run` reports), so designs compare on one test set.
  const ut = uniformTest(seed); const ute = applyScaler(scaler, rowsOf(ut), ut.length); const ul = new Uint8Array(ut.length); const ud = new Float32Array(ut.length); assignNearest(res.model, ute, ut.length, ul, ud);
  const testInertiaUniform = ud.reduce((a, b) => a + b, 0) / ut.length;
  const counts = [0, 0, 0, 0]; for (const p of nodes) counts[pred[p]]++;
  console.log(JSON.stringify({ design: name, seed, pool, ari: +adjustedRandIndex(truth, pred, 255).toFixed(4), trainInertia: +res.trainInertia.toFixed(4), testInertia: +testInertia.toFixed(4), testInertiaUniform: +testInertiaUniform.toFixed(5), counts }));
}
