import { describe, expect, it } from 'vitest';
import { assignNearest, type KMeansModel } from '../src/cluster/nearestCentre.js';
import { applyScaler, fitScaler } from '../src/cluster/scaler.js';
import type { GridGeometry } from '../src/graph/groundDistance.js';
import type { WeightName } from '../src/graph/weights.js';
import { ClusterStatsAccumulator } from '../src/cluster/clusterStats.js';
import { buildFeatureTile } from '../src/smooth/featureTile.js';
import { runTileJob, type TilePassSetup } from '../src/pipeline/engine/tileJob.js';
import { haloWindow, smoothTile } from '../src/smooth/smoothTile.js';
import type { GraphParams, Rect, SmoothParams } from '../src/smooth/types.js';
import { testRandom } from './helpers/testRandom.js';

// The band-sequential tile job (gap filling per plane, the plane smoother, the plane
// assigner, per-tile statistics) against the pixel-interleaved functions it replaces
// in the passes: every value must be the same bits.

const PROJECTED: GridGeometry = { geoTransform: [500000, 20, 0, 7800000, 0, -20], geographic: false, metresPerUnit: 1 };
const GEOGRAPHIC_78N: GridGeometry = { geoTransform: [15, 0.0005, 0, 78.003, 0, -0.0005], geographic: true, metresPerUnit: 1 };

const W = 23, H = 19, DATES = 9, STATICS = 2;

/** A raster with holes, scattered gaps (some pixels too gappy to be nodes), an infinity and a missing static. */
function raster(seed: number) {
  const random = testRandom(seed);
  const plane = W * H;
  const dates = new Float32Array(DATES * plane);
  const statics = new Float32Array(STATICS * plane);
  for (let p = 0; p < plane; p++) {
    const hole = random() < 0.12;
    const gappy = random() < 0.3 ? 0.35 : 0.05;
    // Huge values of both signs next to small ones: sums cancel the huge ones and keep or lose
    // the small ones depending on the order of the additions, so the order shows in the bits.
    const huge = random() < 0.3 ? (random() < 0.5 ? 2 ** 60 : -(2 ** 60)) : 0;
    for (let d = 0; d < DATES; d++) dates[d * plane + p] = hole || random() < gappy ? NaN : huge + (random() - 0.5) * 40 + d * (p % 7);
    for (let s = 0; s < STATICS; s++) statics[s * plane + p] = random() * 100 * (s + 1);
  }
  dates[3 * plane + 40] = Infinity;
  dates[5 * plane + 41] = -Infinity;
  statics[plane + 77] = NaN;
  // A run of leading and trailing gaps.
  for (const d of [0, 1, 7, 8]) dates[d * plane + 100] = NaN;
  return { dates, statics };
}

const dayOffsets = Float64Array.from([0, 12, 24, 30, 48, 60, 61, 90, 120]);

/** The window planes of `win` as the reader hands them to a job: dates then statics. */
function windowPlanes(r: ReturnType<typeof raster>, win: Rect): { planes: Float32Array; dynamic: Float32Array; statics: Float32Array } {
  const plane = win.width * win.height;
  const planes = new Float32Array((DATES + STATICS) * plane);
  for (let b = 0; b < DATES + STATICS; b++) {
    const src = b < DATES ? r.dates.subarray(b * W * H) : r.statics.subarray((b - DATES) * W * H);
    for (let y = 0; y < win.height; y++) {
      for (let x = 0; x < win.width; x++) planes[b * plane + y * win.width + x] = src[(win.y0 + y) * W + win.x0 + x];
    }
  }
  return { planes, dynamic: planes.slice(0, DATES * plane), statics: planes.slice(DATES * plane) };
}

function setupFor(graph: GraphParams, smoothing: SmoothParams, useStatics: boolean, mode: TilePassSetup['mode']): TilePassSetup {
  return { mode, graph, smoothing, nDates: DATES, nStatic: STATICS, useStatics, dayOffsets, maxMissing: 0.2 };
}

const CASES: { name: string; graph: Partial<GraphParams>; smoothing: SmoothParams }[] = [
  { name: 'default 8-neighbour mean, 3 hops', graph: {}, smoothing: { hops: 3, alpha: 0.5, aggregate: 'mean' } },
  { name: '4-neighbour, idw, 1 hop', graph: { connectivity: 4, weights: 'idw' as WeightName }, smoothing: { hops: 1, alpha: 0.3, aggregate: 'mean' } },
  { name: 'radius 2, gaussian, sum, 2 hops', graph: { radius: 2, weights: 'gaussian' as WeightName, sigma: 25 }, smoothing: { hops: 2, alpha: 0.6, aggregate: 'sum' } },
  { name: 'fanout 3, 4 hops', graph: { fanout: 3 }, smoothing: { hops: 4, alpha: 0.5, aggregate: 'mean' } },
  { name: 'no smoothing', graph: {}, smoothing: { hops: 0, alpha: 0.5, aggregate: 'mean' } },
  { name: 'uniform weighted sum, 2 hops', graph: {}, smoothing: { hops: 2, alpha: 0.4, aggregate: 'sum' } },
  { name: 'gaussian far beyond sigma (weights underflow to 0: nodes keep their value)', graph: { weights: 'gaussian' as WeightName, sigma: 0.5 }, smoothing: { hops: 3, alpha: 0.5, aggregate: 'mean' } },
  { name: 'fanout 8 (keeps all 8)', graph: { fanout: 8, weights: 'idw' as WeightName }, smoothing: { hops: 2, alpha: 0.5, aggregate: 'mean' } },
  { name: 'geographic grid at 78 N, idw', graph: { grid: GEOGRAPHIC_78N, weights: 'idw' as WeightName }, smoothing: { hops: 3, alpha: 0.5, aggregate: 'mean' } },
];

const CORES: Rect[] = [
  { x0: 0, y0: 0, width: W, height: H }, // the whole raster
  { x0: 5, y0: 4, width: 9, height: 8 }, // inside
  { x0: 17, y0: 13, width: 6, height: 6 }, // at the bottom-right corner
];

function graphOf(over: Partial<GraphParams>): GraphParams {
  return { radius: 1, connectivity: 8, weights: 'uniform', sigma: 30, fanout: null, seed: 5, rasterWidth: W, rasterHeight: H, grid: PROJECTED, ...over };
}

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('the band-sequential tile job', () => {
  for (const c of CASES) {
    it(`smooths bit-identically to buildFeatureTile + smoothTile: ${c.name}`, () => {
      const r = raster(11);
      const graph = graphOf(c.graph);
      for (const useStatics of [true, false]) {
        for (const core of CORES) {
          const win = haloWindow(core, graph, c.smoothing);
          const { planes, dynamic, statics } = windowPlanes(r, win);
          const tile = buildFeatureTile({ window: win, dynamic, statics }, DATES, STATICS, useStatics, dayOffsets, 0.2);
          const expected = smoothTile(tile, core, graph, c.smoothing); // pixel-interleaved
          const got = runTileJob(setupFor(graph, c.smoothing, useStatics, 'smooth'), { index: 0, window: win, core, planes });
          const nF = tile.nFeatures;
          const plane = core.width * core.height;
          const interleaved = new Float32Array(plane * nF);
          for (let p = 0; p < plane; p++) for (let f = 0; f < nF; f++) interleaved[p * nF + f] = got.smoothed![f * plane + p];
          expect(bits(interleaved).equals(bits(expected))).toBe(true);
          expect(got.nodes).toBeGreaterThan(0);
          // the job leaves the window read as it was (the statistics need the gaps)
          expect(bits(got.planes).equals(bits(windowPlanes(r, win).planes))).toBe(true);
          // a sparse sample (a tenth of the nodes): its rows are the same bits as the dense smoothing
          const sampling = { ...setupFor(graph, c.smoothing, useStatics, 'sample'), sample: { seed: 4, testFraction: 0.5, withTest: true } };
          const sparse = runTileJob(sampling, { index: 0, window: win, core, planes: windowPlanes(r, win).planes, trainBelow: 0.1, testBelow: 0.1 });
          const cand = sparse.candidates!;
          expect(cand.n).toBeGreaterThan(0);
          expect(cand.n).toBeLessThan(got.nodes / 4);
          for (let i = 0; i < cand.n; i++) {
            const x = cand.indices[i] % W - core.x0, y = Math.floor(cand.indices[i] / W) - core.y0;
            const p = y * core.width + x;
            expect(bits(cand.rows.subarray(i * nF, (i + 1) * nF)).equals(bits(expected.subarray(p * nF, (p + 1) * nF)))).toBe(true);
          }
        }
      }
    });
  }

  it('labels, distances and statistics are those of applyScaler + assignNearest + ClusterStatsAccumulator', () => {
    const r = raster(12);
    const graph = graphOf({});
    const smoothing: SmoothParams = { hops: 3, alpha: 0.5, aggregate: 'mean' };
    const core = CORES[1];
    const win = haloWindow(core, graph, smoothing);
    const { planes, dynamic, statics } = windowPlanes(r, win);
    const tile = buildFeatureTile({ window: win, dynamic, statics }, DATES, STATICS, true, dayOffsets, 0.2);
    const smoothed = smoothTile(tile, core, graph, smoothing);
    const nF = DATES + STATICS;
    const plane = core.width * core.height;
    const nodes: number[] = [];
    for (let p = 0; p < plane; p++) if (!Number.isNaN(smoothed[p * nF])) nodes.push(p);
    const dense = new Float32Array(nodes.length * nF);
    nodes.forEach((p, j) => dense.set(smoothed.subarray(p * nF, (p + 1) * nF), j * nF));
    const scaler = fitScaler(dense, nodes.length, { nDynamic: DATES, nStatic: STATICS, staticWeight: 1 });
    const random = testRandom(3);
    const k = 4;
    const model: KMeansModel = { k, dim: nF, centres: Float64Array.from({ length: k * nF }, () => (random() - 0.5) * 2), counts: new Float64Array(k) };
    const scaled = applyScaler(scaler, dense, nodes.length);
    const denseLabels = new Uint8Array(nodes.length);
    const sum = assignNearest(model, scaled, nodes.length, denseLabels);
    const labels = new Uint8Array(plane).fill(255);
    nodes.forEach((p, j) => (labels[p] = denseLabels[j]));

    const setup = { ...setupFor(graph, smoothing, true, 'predict' as const), predict: { model, scaler } };
    const got = runTileJob(setup, { index: 0, window: win, core, planes });
    expect(Buffer.from(got.labels!).equals(Buffer.from(labels))).toBe(true);
    expect(new Set(denseLabels).size).toBeGreaterThan(1);
    expect(got.sumSquaredDistance).toBe(sum);

    const stats = new ClusterStatsAccumulator(k, DATES, STATICS);
    stats.addTile(core, labels, { window: win, dynamic, statics }, () => 400);
    const fromPartial = new ClusterStatsAccumulator(k, DATES, STATICS);
    fromPartial.addPartial(got.stats!);
    for (const key of ['count', 'area', 'dateN', 'dateSum', 'dateSumSq', 'staticN', 'staticSum', 'staticSumSq', 'bbox'] as const) {
      expect(Array.from(fromPartial[key]), key).toEqual(Array.from(stats[key]));
    }
    expect(got.infinite.count).toBe(0); // the infinities lie outside this core
  });

  it('offers the nodes of the offered parts with their smoothed rows, and counts infinities in the core', () => {
    const r = raster(13);
    const graph = graphOf({});
    const smoothing: SmoothParams = { hops: 2, alpha: 0.5, aggregate: 'mean' };
    const core = CORES[0];
    const { planes, dynamic, statics } = windowPlanes(r, core);
    const expected = smoothTile(buildFeatureTile({ window: core, dynamic, statics }, DATES, STATICS, true, dayOffsets, 0.2), core, graph, smoothing);
    const setup = { ...setupFor(graph, smoothing, true, 'sample' as const), sample: { seed: 9, testFraction: 0.25, withTest: true } };
    const offer = [{ x0: 2, y0: 1, width: 10, height: 7 }];
    const all = runTileJob(setup, { index: 0, window: core, core, planes, offer });
    const c = all.candidates!;
    expect(c.n).toBe(all.nodes); // no threshold yet: every offered node is a candidate
    const nF = DATES + STATICS;
    for (let i = 0; i < c.n; i++) {
      const gi = c.indices[i];
      const [y, x] = [Math.floor(gi / W), gi % W];
      expect(x >= 2 && x < 12 && y >= 1 && y < 8).toBe(true);
      expect(bits(c.rows.subarray(i * nF, (i + 1) * nF)).equals(bits(expected.subarray(gi * nF, (gi + 1) * nF)))).toBe(true);
    }
    expect(c.test.some((t) => t === 1) && c.test.some((t) => t === 0)).toBe(true);
    // a threshold keeps exactly the candidates at or below it
    const below = [...c.keys].sort((a, b) => a - b)[5];
    const some = runTileJob(setup, { index: 0, window: core, core, planes: windowPlanes(r, core).planes, offer, trainBelow: below, testBelow: below });
    expect(some.candidates!.n).toBe(6);
    expect(all.infinite).toEqual({ count: 2, first: { layer: 3, col: 40 % W, row: Math.floor(40 / W) } });
  });
  it('keeps the smoothed features of a sample job, and later jobs that take them give the same bits', () => {
    const r = raster(14);
    const graph = graphOf({ weights: 'idw' as WeightName });
    const smoothing: SmoothParams = { hops: 3, alpha: 0.5, aggregate: 'mean' };
    const core = CORES[1];
    const win = haloWindow(core, graph, smoothing);
    const nF = DATES + STATICS;
    const plane = core.width * core.height;
    const sample = { ...setupFor(graph, smoothing, true, 'sample' as const), sample: { seed: 4, testFraction: 0.25, withTest: true } };
    // Room for the features, with garbage where no node is: nothing may read it.
    const kept = new Float32Array(nF * plane).fill(12345);
    const original = windowPlanes(r, win).planes;
    const planes = original.slice();
    const filling = runTileJob(sample, { index: 0, window: win, core, planes, smoothedCore: kept, trainBelow: 0.5, testBelow: 0.5 });
    expect(bits(planes).equals(bits(original))).toBe(true); // the window comes back as read, gaps and all
    const { dynamic, statics } = windowPlanes(r, win);
    const expected = smoothTile(buildFeatureTile({ window: win, dynamic, statics }, DATES, STATICS, true, dayOffsets, 0.2), core, graph, smoothing);
    let nodes = 0;
    for (let p = 0; p < plane; p++) {
      if (Number.isNaN(expected[p * nF])) continue;
      nodes++;
      for (let f = 0; f < nF; f++) expect(Object.is(kept[f * plane + p], expected[p * nF + f]), `pixel ${p} feature ${f}`).toBe(true);
    }
    expect(nodes).toBe(filling.nodes);
    // A sample job without the room, and one with the features ready: the same candidates and rows.
    const plain = runTileJob(sample, { index: 0, window: win, core, planes: original.slice(), trainBelow: 0.5, testBelow: 0.5 });
    const taking = runTileJob(sample, { index: 0, window: win, core, planes: original.slice(), smoothedCore: kept, smoothedReady: true, trainBelow: 0.5, testBelow: 0.5 });
    for (const got of [filling, taking]) {
      expect(Array.from(got.candidates!.indices)).toEqual(Array.from(plain.candidates!.indices));
      expect(bits(got.candidates!.rows).equals(bits(plain.candidates!.rows))).toBe(true);
    }
    expect(plain.candidates!.n).toBeGreaterThan(3);
    // A predict job with the features ready: the labels, distances and statistics of one that smooths.
    const random = testRandom(8);
    const model: KMeansModel = { k: 3, dim: nF, centres: Float64Array.from({ length: 3 * nF }, () => (random() - 0.5) * 2), counts: new Float64Array(3) };
    const rows = plain.candidates!.rows;
    const scaler = fitScaler(rows, plain.candidates!.n, { nDynamic: DATES, nStatic: STATICS, staticWeight: 1 });
    const predict = { ...setupFor(graph, smoothing, true, 'predict' as const), predict: { model, scaler } };
    const computing = runTileJob(predict, { index: 0, window: win, core, planes: original.slice() });
    const ready = runTileJob(predict, { index: 0, window: win, core, planes: original.slice(), smoothedCore: kept, smoothedReady: true });
    expect(new Set(computing.labels!).size).toBeGreaterThan(2);
    expect(Buffer.from(ready.labels!).equals(Buffer.from(computing.labels!))).toBe(true);
    expect(ready.sumSquaredDistance).toBe(computing.sumSquaredDistance);
    expect(ready.nodes).toBe(computing.nodes);
    for (const key of Object.keys(computing.stats!) as (keyof NonNullable<typeof ready.stats>)[]) {
      expect(Array.from(ready.stats![key]), key).toEqual(Array.from(computing.stats![key]));
    }
  });
});
