import { describe, expect, it } from 'vitest';
import type { GridGeometry } from '../src/graph/groundDistance.js';
import type { WeightName } from '../src/graph/weights.js';
import { fillGapsInTime } from '../src/smooth/fillGaps.js';
import { KernelArena } from '../src/wasm/kernelArena.js';
import { PlaneSmoother } from '../src/smooth/smoothPlanes.js';
import { haloWidth, haloWindow, smoothTile } from '../src/smooth/smoothTile.js';
import type { FeatureTile, GraphParams, Rect, SmoothParams } from '../src/smooth/types.js';
import { referenceNeighbourLists, referenceSmooth, type WholeRaster } from './helpers/referenceSmooth.js';
import { testRandom } from './helpers/testRandom.js';


const PROJECTED: GridGeometry = { geoTransform: [500000, 20, 0, 7800000, 0, -20], geographic: false, metresPerUnit: 1 };
/** 0.0005° pixels at 78 N: about 11.6 m east-west by 55.8 m north-south. */
const GEOGRAPHIC_78N: GridGeometry = { geoTransform: [15, 0.0005, 0, 78.003, 0, -0.0005], geographic: true, metresPerUnit: 1 };
const ONE_METRE: GridGeometry = { geoTransform: [0, 1, 0, 0, 0, -1], geographic: false, metresPerUnit: 1 };

/** The isolated node of the test raster: every pixel within radius 2 of it is a hole. */
const ISOLATED = { col: 10, row: 8 };

/** 13 x 11 raster, 6 features (the unrolled-by-four loop and its remainder), about a fifth holes, one isolated node. */
function testRaster(seed = 2024): WholeRaster {
  const width = 13;
  const height = 11;
  const nFeatures = 6;
  const random = testRandom(seed);
  const data = new Float32Array(width * height * nFeatures);
  const valid = new Uint8Array(width * height);
  for (let pixel = 0; pixel < width * height; pixel++) {
    valid[pixel] = random() < 0.8 ? 1 : 0;
    for (let f = 0; f < nFeatures; f++) data[pixel * nFeatures + f] = (random() - 0.5) * 100 * (f + 1);
  }
  for (let dy = -2; dy <= 2; dy++) {
    for (let dx = -2; dx <= 2; dx++) valid[(ISOLATED.row + dy) * width + ISOLATED.col + dx] = 0;
  }
  valid[ISOLATED.row * width + ISOLATED.col] = 1;
  return { width, height, nFeatures, data, valid };
}

function graphParams(raster: WholeRaster, overrides: Partial<GraphParams> = {}): GraphParams {
  return {
    radius: 1,
    connectivity: 8,
    weights: 'uniform',
    sigma: 30,
    fanout: null,
    seed: 17,
    rasterWidth: raster.width,
    rasterHeight: raster.height,
    grid: PROJECTED,
    ...overrides,
  };
}

/** Copies a window of the whole raster, as the pipeline's windowed read would. */
function readWindow(raster: WholeRaster, window: Rect): FeatureTile {
  const { nFeatures } = raster;
  const data = new Float32Array(window.width * window.height * nFeatures);
  const valid = new Uint8Array(window.width * window.height);
  for (let r = 0; r < window.height; r++) {
    for (let c = 0; c < window.width; c++) {
      const source = (window.y0 + r) * raster.width + window.x0 + c;
      const target = r * window.width + c;
      valid[target] = raster.valid[source];
      data.set(raster.data.subarray(source * nFeatures, (source + 1) * nFeatures), target * nFeatures);
    }
  }
  return { ...window, nFeatures, data, valid };
}

/** Smooths the raster tile by tile (cores of tileWidth x tileHeight) and mosaics the cores. */
function smoothTiled(raster: WholeRaster, tileWidth: number, tileHeight: number, graph: GraphParams, smooth: SmoothParams): Float32Array {
  const { width, height, nFeatures } = raster;
  const output = new Float32Array(width * height * nFeatures);
  for (let y0 = 0; y0 < height; y0 += tileHeight) {
    for (let x0 = 0; x0 < width; x0 += tileWidth) {
      const core: Rect = { x0, y0, width: Math.min(tileWidth, width - x0), height: Math.min(tileHeight, height - y0) };
      const result = smoothTile(readWindow(raster, haloWindow(core, graph, smooth)), core, graph, smooth);
      for (let r = 0; r < core.height; r++) {
        const target = ((y0 + r) * width + x0) * nFeatures;
        output.set(result.subarray(r * core.width * nFeatures, (r + 1) * core.width * nFeatures), target);
      }
    }
  }
  return output;
}

/** Index of the first value whose bits differ, or -1: bit-exact, NaN included. */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  const aBits = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const bBits = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return aBits.findIndex((bits, i) => bits !== bBits[i]);
}

const TILE_SIZES: [number, number][] = [
  [1, 1],
  [4, 4],
  [5, 3],
  [7, 7],
  [13, 11],
];

describe('smoothTile matches the whole-raster reference bit for bit, for every tiling', () => {
  const windows: { radius: number; connectivity: 4 | 8 }[] = [
    { radius: 1, connectivity: 4 },
    { radius: 1, connectivity: 8 },
    { radius: 2, connectivity: 8 },
  ];
  const grids: [string, GridGeometry][] = [
    ['projected', PROJECTED],
    ['geographic 78N', GEOGRAPHIC_78N],
  ];
  const configurations = [];
  for (const aggregate of ['mean', 'sum'] as const) {
    for (const { radius, connectivity } of windows) {
      for (const fanout of [null, 3]) {
        for (const weights of ['uniform', 'idw', 'gaussian'] as WeightName[]) {
          for (const [gridName, grid] of grids) {
            configurations.push({ aggregate, radius, connectivity, fanout, weights, gridName, grid });
          }
        }
      }
    }
  }
  const raster = testRaster();

  it.each(configurations)(
    '$aggregate r=$radius c=$connectivity fanout=$fanout $weights $gridName',
    ({ aggregate, radius, connectivity, fanout, weights, grid }) => {
      const graph = graphParams(raster, { radius, connectivity, fanout, weights, grid });
      const smooth: SmoothParams = { hops: 3, alpha: 0.5, aggregate };
      const expected = referenceSmooth(raster, graph, smooth);
      // Not vacuous: smoothing changed most nodes' values.
      const changed = expected.filter((v, i) => v !== raster.data[i] && !Number.isNaN(v)).length;
      expect(changed).toBeGreaterThan(raster.data.length / 2);
      for (const [tileWidth, tileHeight] of TILE_SIZES) {
        const tiled = smoothTiled(raster, tileWidth, tileHeight, graph, smooth);
        expect({ tileWidth, tileHeight, firstDifference: firstBitDifference(tiled, expected) }).toEqual({
          tileWidth,
          tileHeight,
          firstDifference: -1,
        });
      }
    },
  );

  it.each([1, 2, 4])('holds for %i hops with alpha 0.3', (hops) => {
    const graph = graphParams(raster, { radius: 2, fanout: 4, weights: 'gaussian', grid: GEOGRAPHIC_78N });
    const smooth: SmoothParams = { hops, alpha: 0.3, aggregate: 'mean' };
    const expected = referenceSmooth(raster, graph, smooth);
    for (const [tileWidth, tileHeight] of TILE_SIZES) {
      expect(firstBitDifference(smoothTiled(raster, tileWidth, tileHeight, graph, smooth), expected)).toBe(-1);
    }
  });

  it('actually samples: with fanout 3 some nodes had more than 3 candidates', () => {
    const graph = graphParams(raster, { radius: 2, fanout: 3 });
    const sampled = referenceNeighbourLists(raster, graph, 'mean');
    const full = referenceNeighbourLists(raster, { ...graph, fanout: null }, 'mean');
    const reduced = full.filter((list, pixel) => list.edges.length > 3 && sampled[pixel].edges.length === 3).length;
    expect(reduced).toBeGreaterThan(50);
  });
});

/**
 * The band-sequential smoother of the passes, tile by tile: one feature plane at a time
 * through PlaneSmoother, mosaicked back to pixel-interleaved; `needed` (a sparse sample)
 * restricts which core pixels must come out right.
 */
function smoothPlanesTiled(raster: WholeRaster, tileWidth: number, tileHeight: number, graph: GraphParams, smooth: SmoothParams, neededEvery = 0): Float32Array {
  const { width, height, nFeatures } = raster;
  const output = new Float32Array(width * height * nFeatures).fill(NaN);
  const arena = new KernelArena();
  for (let y0 = 0; y0 < height; y0 += tileHeight) {
    for (let x0 = 0; x0 < width; x0 += tileWidth) {
      const core: Rect = { x0, y0, width: Math.min(tileWidth, width - x0), height: Math.min(tileHeight, height - y0) };
      const win = haloWindow(core, graph, smooth);
      const tile = readWindow(raster, win);
      const needed = neededEvery ? Uint8Array.from({ length: core.width * core.height }, (_v, p) => ((y0 + Math.floor(p / core.width)) * width + x0 + (p % core.width)) % neededEvery === 0 ? 1 : 0) : undefined;
      // The arena holds the last tile's planes: the smoother must not read them.
      arena.reset();
      const smoother = new PlaneSmoother(tile.valid, win, core, graph, smooth, needed, arena);
      const plane = new Float32Array(win.width * win.height);
      const out = new Float32Array(core.width * core.height);
      for (let f = 0; f < nFeatures; f++) {
        for (let p = 0; p < plane.length; p++) plane[p] = tile.valid[p] ? tile.data[p * nFeatures + f] : NaN;
        out.fill(NaN);
        smoother.smoothPlane(plane, out);
        for (let p = 0; p < out.length; p++) {
          const gx = x0 + (p % core.width), gy = y0 + Math.floor(p / core.width);
          if (needed && !needed[p]) continue;
          output[(gy * width + gx) * nFeatures + f] = out[p];
        }
      }
    }
  }
  return output;
}

describe('PlaneSmoother (the passes\' dense masked kernels) matches the whole-raster reference bit for bit, for every tiling', () => {
  const raster = testRaster(77);
  const configurations = [];
  for (const aggregate of ['mean', 'sum'] as const) {
    for (const [radius, connectivity] of [[1, 4], [1, 8], [2, 8]] as const) {
      for (const fanout of [null, 3]) {
        for (const weights of ['uniform', 'idw', 'gaussian'] as WeightName[]) {
          for (const [gridName, grid] of [['projected', PROJECTED], ['geographic 78N', GEOGRAPHIC_78N]] as const) configurations.push({ aggregate, radius, connectivity, fanout, weights, gridName, grid });
        }
      }
    }
  }
  it.each(configurations)('$aggregate r=$radius c=$connectivity fanout=$fanout $weights $gridName', ({ aggregate, radius, connectivity, fanout, weights, grid }) => {
    const graph = graphParams(raster, { radius, connectivity, fanout, weights, grid });
    const smooth: SmoothParams = { hops: 3, alpha: 0.5, aggregate };
    const expected = referenceSmooth(raster, graph, smooth);
    for (const [tileWidth, tileHeight] of TILE_SIZES) {
      expect({ tileWidth, tileHeight, firstDifference: firstBitDifference(smoothPlanesTiled(raster, tileWidth, tileHeight, graph, smooth), expected) }).toEqual({ tileWidth, tileHeight, firstDifference: -1 });
    }
    // A sparse sample: the needed pixels are the same bits.
    const sparse = smoothPlanesTiled(raster, 7, 7, graph, smooth, 5);
    let compared = 0;
    for (let p = 0; p < raster.width * raster.height; p++) {
      if (p % 5 !== 0 || raster.valid[p] !== 1) continue;
      compared++;
      expect(firstBitDifference(sparse.subarray(p * raster.nFeatures, (p + 1) * raster.nFeatures), expected.subarray(p * raster.nFeatures, (p + 1) * raster.nFeatures))).toBe(-1);
    }
    expect(compared).toBeGreaterThan(10);
  });

  it.each([1, 2, 4])('holds for %i hops with alpha 0.3', (hops) => {
    for (const over of [{ radius: 2, fanout: 4, weights: 'gaussian' as WeightName, grid: GEOGRAPHIC_78N }, { weights: 'idw' as WeightName }, {}]) {
      const graph = graphParams(raster, over);
      const smooth: SmoothParams = { hops, alpha: 0.3, aggregate: 'mean' };
      const expected = referenceSmooth(raster, graph, smooth);
      for (const [tileWidth, tileHeight] of TILE_SIZES) expect(firstBitDifference(smoothPlanesTiled(raster, tileWidth, tileHeight, graph, smooth), expected)).toBe(-1);
    }
  });

  it('sums in the fixed order: values whose sums cancel show any other order in the bits', () => {
    const random = testRandom(5);
    // Huge values of both signs next to small ones: a float64 sum keeps or loses the small ones by its order.
    const cancelling = { ...raster, data: raster.data.map((v) => (random() < 0.3 ? (random() < 0.5 ? 2 ** 60 : -(2 ** 60)) : 0) + v) };
    for (const over of [{}, { weights: 'idw' as WeightName }, { connectivity: 4 as const }, { radius: 2 }, { fanout: 5 }]) {
      for (const aggregate of ['mean', 'sum'] as const) {
        const graph = graphParams(raster, over);
        const smooth: SmoothParams = { hops: 2, alpha: 0.5, aggregate };
        const expected = referenceSmooth(cancelling, graph, smooth);
        for (const [tileWidth, tileHeight] of [[4, 4], [13, 11]] as const) expect(firstBitDifference(smoothPlanesTiled(cancelling, tileWidth, tileHeight, graph, smooth), expected)).toBe(-1);
      }
    }
  });

  it('keeps the exact value, sign of zero included, of a node without neighbours, and NaN or the old value elsewhere', () => {
    const graph = graphParams(raster, { radius: 2 });
    const smooth: SmoothParams = { hops: 2, alpha: 0.5, aggregate: 'mean' };
    const lone = { ...raster, data: raster.data.slice() };
    lone.data[(ISOLATED.row * raster.width + ISOLATED.col) * raster.nFeatures] = -0;
    const got = smoothPlanesTiled(lone, 13, 11, graph, smooth);
    expect(Object.is(got[(ISOLATED.row * raster.width + ISOLATED.col) * raster.nFeatures], -0)).toBe(true);
    for (let p = 0; p < raster.width * raster.height; p++) expect(Number.isNaN(got[p * raster.nFeatures])).toBe(raster.valid[p] === 0);
  });
});

describe('smoothTile behaviour', () => {
  const raster = testRaster();
  const whole: Rect = { x0: 0, y0: 0, width: raster.width, height: raster.height };

  it('returns the input core unchanged for 0 hops, NaN for non-nodes', () => {
    const graph = graphParams(raster);
    const core: Rect = { x0: 2, y0: 3, width: 6, height: 5 };
    const smooth: SmoothParams = { hops: 0, alpha: 0.5, aggregate: 'mean' };
    expect(haloWindow(core, graph, smooth)).toEqual(core);
    const result = smoothTile(readWindow(raster, core), core, graph, smooth);
    const input = readWindow(raster, core);
    for (let pixel = 0; pixel < core.width * core.height; pixel++) {
      for (let f = 0; f < raster.nFeatures; f++) {
        const value = result[pixel * raster.nFeatures + f];
        if (input.valid[pixel] === 1) expect(value).toBe(input.data[pixel * raster.nFeatures + f]);
        else expect(value).toBeNaN();
      }
    }
  });

  it.each(['mean', 'sum'] as const)('lets an isolated node keep its value (%s)', (aggregate) => {
    const graph = graphParams(raster, { radius: 2 });
    const result = smoothTile(readWindow(raster, whole), whole, graph, { hops: 4, alpha: 0.5, aggregate });
    const pixel = ISOLATED.row * raster.width + ISOLATED.col;
    const features = raster.nFeatures;
    expect(Array.from(result.subarray(pixel * features, (pixel + 1) * features))).toEqual(
      Array.from(raster.data.subarray(pixel * features, (pixel + 1) * features)),
    );
  });

  it('writes NaN for every non-node and a finite value for every node', () => {
    const result = smoothTile(readWindow(raster, whole), whole, graphParams(raster), { hops: 3, alpha: 0.5, aggregate: 'mean' });
    for (let pixel = 0; pixel < raster.width * raster.height; pixel++) {
      expect(Number.isNaN(result[pixel * raster.nFeatures])).toBe(raster.valid[pixel] === 0);
    }
  });

  it('changes with the seed when sampling, and not without', () => {
    const smooth: SmoothParams = { hops: 2, alpha: 0.5, aggregate: 'mean' };
    const run = (seed: number, fanout: number | null): Float32Array =>
      smoothTile(readWindow(raster, whole), whole, graphParams(raster, { radius: 2, fanout, seed }), smooth);
    expect(firstBitDifference(run(1, 3), run(2, 3))).not.toBe(-1);
    expect(firstBitDifference(run(1, null), run(2, null))).toBe(-1);
  });

  it('refuses a window without the full halo instead of returning tile-dependent values', () => {
    const graph = graphParams(raster, { radius: 2 });
    const smooth: SmoothParams = { hops: 3, alpha: 0.5, aggregate: 'mean' };
    expect(haloWidth(graph, smooth)).toBe(6);
    const core: Rect = { x0: 6, y0: 5, width: 2, height: 2 };
    const short: Rect = { x0: 1, y0: 0, width: 12, height: 11 }; // 5 px short on the left
    expect(() => smoothTile(readWindow(raster, short), core, graph, smooth)).toThrow(/halo/);
    expect(() => smoothTile(readWindow(raster, whole), core, graph, { ...smooth, hops: -1 })).toThrow(/hops/);
    expect(() => smoothTile(readWindow(raster, whole), core, { ...graph, fanout: 0 }, smooth)).toThrow(/fanout/);
  });
});

describe('smoothTile on a hand-computed 3x3 raster', () => {
  // 1 2 3
  // 4 5 6      X is a hole; 1 m pixels; one feature.
  // 7 8 X
  const raster: WholeRaster = {
    width: 3,
    height: 3,
    nFeatures: 1,
    data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8, 999),
    valid: Uint8Array.of(1, 1, 1, 1, 1, 1, 1, 1, 0),
  };
  const whole: Rect = { x0: 0, y0: 0, width: 3, height: 3 };
  const run = (graph: Partial<GraphParams>, smooth: SmoothParams): number[] =>
    Array.from(smoothTile(readWindow(raster, whole), whole, graphParams(raster, { grid: ONE_METRE, ...graph }), smooth));

  it('one hop of the uniform 4-neighbour mean', () => {
    // e.g. 4 -> 0.5*4 + 0.5*(1+5+7)/3 = 25/6; 6 -> 0.5*6 + 0.5*(3+5)/2 = 5 (the hole is not a neighbour).
    const expected = [2, 2.5, 3.5, 25 / 6, 5, 5, 6.5, 7, NaN];
    const result = run({ connectivity: 4 }, { hops: 1, alpha: 0.5, aggregate: 'mean' });
    result.forEach((value, i) => (Number.isNaN(expected[i]) ? expect(value).toBeNaN() : expect(value).toBeCloseTo(expected[i], 5)));
  });

  it('two hops of the uniform 4-neighbour mean at the corner', () => {
    // Hop 1 gives 2 at (0,0), 2.5 and 25/6 at its neighbours: 0.5*2 + 0.5*(2.5 + 25/6)/2 = 8/3.
    expect(run({ connectivity: 4 }, { hops: 2, alpha: 0.5, aggregate: 'mean' })[0]).toBeCloseTo(8 / 3, 5);
  });

  it('one hop of the inverse-distance weighted sum on 2 m pixels', () => {
    const twoMetres: GridGeometry = { geoTransform: [0, 2, 0, 0, 0, -2], geographic: false, metresPerUnit: 1 };
    const result = run({ connectivity: 4, weights: 'idw', grid: twoMetres }, { hops: 1, alpha: 0.25, aggregate: 'sum' });
    expect(result[0]).toBeCloseTo(0.25 * 1 + 0.75 * ((2 + 4) / 2), 5); // 2.5
    expect(result[4]).toBeCloseTo(0.25 * 5 + 0.75 * ((2 + 4 + 6 + 8) / 2), 5); // 8.75
  });

  it('one hop of the gaussian 8-neighbour mean at the centre', () => {
    // sigma 1 m: edge neighbours weigh exp(-1/2), diagonal ones exp(-1); the hole is skipped.
    const edge = Math.exp(-0.5);
    const corner = Math.exp(-1);
    const mean = (edge * (2 + 4 + 6 + 8) + corner * (1 + 3 + 7)) / (4 * edge + 3 * corner);
    const result = run({ connectivity: 8, weights: 'gaussian', sigma: 1 }, { hops: 1, alpha: 0.5, aggregate: 'mean' });
    expect(result[4]).toBeCloseTo(0.5 * 5 + 0.5 * mean, 5);
  });

  it('reads the neighbours through the pixel-interleaved layout with several features', () => {
    const twoFeatures: WholeRaster = {
      ...raster,
      nFeatures: 2,
      data: Float32Array.from(Array.from(raster.data).flatMap((v) => [v, -10 * v])),
    };
    const graph = graphParams(twoFeatures, { grid: ONE_METRE, connectivity: 4 });
    const result = smoothTile(readWindow(twoFeatures, whole), whole, graph, { hops: 1, alpha: 0.5, aggregate: 'mean' });
    expect(result[3 * 2]).toBeCloseTo(25 / 6, 5);
    expect(result[3 * 2 + 1]).toBeCloseTo(-250 / 6, 4);
  });
});

describe('fillGapsInTime', () => {
  it('interpolates linearly in time, not by band index, with uneven spacing', () => {
    const values = Float32Array.of(10, NaN, NaN, 50);
    const valid = new Uint8Array(1);
    const count = fillGapsInTime(values, 1, 4, Float64Array.of(0, 6, 30, 40), 0.5, valid);
    expect(count).toBe(1);
    expect(valid[0]).toBe(1);
    // By date: 10 + 40 * 6/40 = 16 and 10 + 40 * 30/40 = 40 (by index it would be 23.3 and 36.7).
    expect(Array.from(values)).toEqual([10, 16, 40, 50]);
  });

  it('takes the nearest value at both ends', () => {
    const values = Float32Array.of(NaN, 5, NaN, 7, NaN);
    const valid = new Uint8Array(1);
    fillGapsInTime(values, 1, 5, Float64Array.of(0, 1, 3, 4, 10), 0.6, valid);
    expect(values[0]).toBe(5);
    expect(values[2]).toBeCloseTo(5 + (2 * 2) / 3, 5);
    expect(values[4]).toBe(7);
  });

  it('marks a pixel valid only within the missing-date threshold and with some value present', () => {
    const nDates = 5;
    const values = Float32Array.from([
      [1, 2, NaN, 4, 5], // 1 of 5 missing: valid at 0.2
      [1, NaN, NaN, 4, 5], // 2 of 5 missing: invalid at 0.2, left as it is
      [NaN, NaN, NaN, NaN, NaN], // nothing present: never valid
      [1, 2, 3, 4, 5],
    ].flat());
    const valid = Uint8Array.of(0, 1, 1, 0); // overwritten
    const count = fillGapsInTime(values, 4, nDates, Float64Array.of(0, 12, 24, 36, 48), 0.2, valid);
    expect(count).toBe(2);
    expect(Array.from(valid)).toEqual([1, 0, 0, 1]);
    expect(values[2]).toBe(3);
    expect(Number.isNaN(values[6]) && Number.isNaN(values[7])).toBe(true);

    const allMissing = Float32Array.of(NaN, NaN);
    expect(fillGapsInTime(allMissing, 1, 2, Float64Array.of(0, 1), 1, new Uint8Array(1))).toBe(0);
  });

  it('counts the threshold without floating-point surprises (0.29 of 100 dates allows 29)', () => {
    const values = new Float32Array(100).fill(1);
    for (let t = 0; t < 29; t++) values[t * 3] = NaN;
    const days = Float64Array.from({ length: 100 }, (_, t) => t * 12);
    expect(fillGapsInTime(values, 1, 100, days, 0.29, new Uint8Array(1))).toBe(1);
    expect(values.every((v) => v === 1)).toBe(true);
  });

  it('refuses dates that do not increase', () => {
    expect(() => fillGapsInTime(new Float32Array(3), 1, 3, Float64Array.of(0, 12, 12), 0.2, new Uint8Array(1))).toThrow(/increasing/);
  });
});

