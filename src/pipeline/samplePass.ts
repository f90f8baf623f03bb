import { BottomKSample, pixelUniform } from '../cluster/hashSample.js';
import type { Window } from '../io/readWindow.js';
import type { Reporter } from '../reporter.js';
import { InfiniteTally } from './infiniteValues.js';
import { DEFAULTS } from './options.js';
import { markPassEnded } from './passClock.js';
import type { RunContext } from './runContext.js';
import type { TilePassSetup } from './tileJob.js';
import { formatPassProfile, passTiles, runTilePass, type PassProfile, type PassTile } from './tilePass.js';

export { STREAM_DRAW, STREAM_TEST } from './tileJob.js';
/** Hash stream that orders the sample cells. */
export const STREAM_CELLS = 2;

export interface TrainingSample {
  /** Rows sorted by draw key: the first `warmStart` rows are the warm-start pool. */
  train: { n: number; data: Float32Array };
  test: { n: number; data: Float32Array };
  /** Nodes the sample was drawn from: every node of the scene, or of the sample cells' interiors. */
  validPixels: number;
  /** +-Infinity values met (treated as missing) in what the pass read. */
  infinite: InfiniteTally;
  /** Where the sample comes from, in words (for logs and the sidecar). */
  drawnFrom?: string;
}

/** The bottom-k samples before they are sorted: mergeable across shards ({@link BottomKSample.merge}). */
export interface SampleParts {
  train: BottomKSample;
  test: BottomKSample;
  validPixels: number;
  infinite: InfiniteTally;
  drawnFrom: string;
  profile: PassProfile;
}

/** Side of the sample cells: 256 pixels, or more for wide halos (the interior must stay most of the cell). */
export function sampleCellSize(halo: number): number {
  return 256 * Math.max(1, Math.ceil((7 * halo) / 256));
}

/** Largest sample cell: beyond it (huge halos) the sample is drawn from the whole scene. */
const MAX_SAMPLE_CELL = 1024;

/**
 * The cells the sample is drawn from, or null for the whole scene.
 *
 * Reading every tile twice (once to sample, once to predict) doubles the decoding, which
 * is most of a run's cost. So the training sample is drawn from `--sample-cells` cells of
 * a fixed grid (never the tile grid, so it does not depend on --tile-size, threads or
 * shards), the cells with the smallest hash keys of (seed, cell index). A cell is read
 * whole, without a halo, and only its interior (the cell minus the halo on sides that are
 * not the raster's edge) is sampled: those pixels' whole H-hop neighbourhood lies in the
 * cell, so their smoothed values are exactly those of the whole-raster smoothing. Within
 * the cells the sample is the same uniform bottom-k draw as over the whole scene.
 * When the grid has no more cells than asked, the whole scene is the sample's source.
 */
export function sampleCells(ctx: RunContext): { cellSize: number; cells: Window[]; interiors: Window[] } | null {
  const wanted = ctx.options.cluster.sampleCells ?? DEFAULTS.sampleCells;
  const size = sampleCellSize(ctx.halo);
  if (wanted === 0 || size > MAX_SAMPLE_CELL) return null;
  const { width, height } = ctx.scene;
  const cols = Math.ceil(width / size), rows = Math.ceil(height / size);
  if (cols * rows <= wanted) return null;
  const seed = ctx.options.cluster.seed;
  const order = Array.from({ length: cols * rows }, (_v, i) => ({ i, key: pixelUniform(seed, i, STREAM_CELLS) }));
  order.sort((a, b) => a.key - b.key || a.i - b.i);
  const chosen = order.slice(0, wanted).map((c) => c.i).sort((a, b) => a - b); // read in raster order
  const h = ctx.halo;
  const cells: Window[] = [];
  const interiors: Window[] = [];
  for (const i of chosen) {
    const x0 = (i % cols) * size, y0 = Math.floor(i / cols) * size;
    const x1 = Math.min(width, x0 + size), y1 = Math.min(height, y0 + size);
    cells.push({ x0, y0, width: x1 - x0, height: y1 - y0 });
    const ix0 = x0 === 0 ? 0 : x0 + h, iy0 = y0 === 0 ? 0 : y0 + h;
    const ix1 = x1 === width ? width : x1 - h, iy1 = y1 === height ? height : y1 - h;
    interiors.push({ x0: ix0, y0: iy0, width: Math.max(0, ix1 - ix0), height: Math.max(0, iy1 - iy0) });
  }
  return { cellSize: size, cells, interiors };
}

/**
 * The current worst key of a bottom-k sample (keys only; ties by index as in
 * BottomKSample), so workers can drop pixels that can no longer enter it.
 */
class WorstKey {
  private readonly keys: Float64Array;
  private readonly indices: Float64Array;
  private size = 0;
  constructor(private readonly capacity: number) {
    this.keys = new Float64Array(capacity);
    this.indices = new Float64Array(capacity);
  }
  /** Keys above this cannot enter the sample (Infinity until it is full). */
  get below(): number {
    return this.size < this.capacity ? Infinity : this.keys[0];
  }
  /** Max-heap on (key, index): the root is the item a smaller one would replace. */
  offer(key: number, index: number): void {
    const { keys, indices } = this;
    if (this.capacity === 0) return;
    let i: number;
    if (this.size < this.capacity) {
      i = this.size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!sortsAfter(key, index, keys[parent], indices[parent])) break;
        keys[i] = keys[parent];
        indices[i] = indices[parent];
        i = parent;
      }
    } else {
      if (!sortsAfter(keys[0], indices[0], key, index)) return;
      i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= this.size) break;
        if (child + 1 < this.size && sortsAfter(keys[child + 1], indices[child + 1], keys[child], indices[child])) child++;
        if (!sortsAfter(keys[child], indices[child], key, index)) break;
        keys[i] = keys[child];
        indices[i] = indices[child];
        i = child;
      }
    }
    keys[i] = key;
    indices[i] = index;
  }
}

function sortsAfter(k1: number, i1: number, k2: number, i2: number): boolean {
  return k1 > k2 || (k1 === k2 && i1 > i2);
}

/**
 * The sample pass without the final sort: smooth the sample's source (the sample cells,
 * or every tile) and keep the pixels with the smallest draw keys, split into train and a
 * held-out test set by a second hash. `tiles` (default: all) restricts the pass to the
 * pixels of those tiles, for a shard: the parts of several shards merge into the sample of
 * the whole scene. Memory is bounded by the sample size and the tile size, not the raster.
 */
export async function collectSample(ctx: RunContext, reporter: Reporter, tiles: Window[] = ctx.tiles): Promise<SampleParts> {
  const { sampleSize, testFraction, seed } = ctx.options.cluster;
  const testCapacity = testFraction > 0 ? Math.max(1, Math.round((sampleSize * testFraction) / (1 - testFraction))) : 0;
  const train = new BottomKSample(sampleSize, ctx.nFeatures);
  const test = new BottomKSample(testCapacity, ctx.nFeatures);
  const trainWorst = new WorstKey(sampleSize);
  const testWorst = new WorstKey(testCapacity);
  const infinite = new InfiniteTally();
  let validPixels = 0;

  const plan = sampleCells(ctx);
  let items: PassTile[];
  let drawnFrom: string;
  if (plan === null) {
    items = passTiles(ctx, tiles);
    drawnFrom = 'every node of the scene';
  } else {
    const all = tiles === ctx.tiles;
    items = [];
    plan.cells.forEach((cell, i) => {
      const interior = plan.interiors[i];
      const offer = all ? [interior] : tiles.map((t) => intersect(t, interior)).filter((r): r is Window => r !== null);
      if (offer.length === 0 || interior.width === 0 || interior.height === 0) return;
      items.push({ core: interior, window: cell, read: cell, layoutIndex: -1, offer });
    });
    drawnFrom = `the nodes of ${plan.cells.length} cells of ${plan.cellSize} x ${plan.cellSize} pixels chosen by the seed (interiors, ${ctx.halo} px in from inner cell edges)`;
  }

  const setup: TilePassSetup = {
    mode: 'sample',
    graph: ctx.graph,
    smoothing: ctx.smoothing,
    nDates: ctx.nDates,
    nStatic: ctx.nStatic,
    useStatics: ctx.useStatics,
    dayOffsets: ctx.scene.dayOffsets,
    maxMissing: ctx.options.graph.maxMissing,
    sample: { seed, testFraction, withTest: testCapacity > 0 },
  };
  const f = ctx.nFeatures;
  const profile = await runTilePass(ctx, setup, items, {
    label: 'sample pass',
    reporter,
    ordered: false, // a bottom-k sample does not depend on the order of offers
    beforeJob: (_tile, job) => {
      job.trainBelow = trainWorst.below;
      job.testBelow = testWorst.below;
    },
    onResult: (_tile, r) => {
      validPixels += r.nodes;
      infinite.count += r.infinite.count;
      infinite.first ??= r.infinite.first;
      const c = r.candidates!;
      for (let i = 0; i < c.n; i++) {
        const isTest = c.test[i] === 1;
        (isTest ? test : train).offer(c.keys[i], c.indices[i], c.rows, i * f);
        (isTest ? testWorst : trainWorst).offer(c.keys[i], c.indices[i]);
      }
    },
  });
  if (ctx.options.execution.profile) reporter.info(formatPassProfile(profile));
  markPassEnded(ctx);
  return { train, test, validPixels, infinite, drawnFrom, profile };
}

function intersect(a: Window, b: Window): Window | null {
  const x0 = Math.max(a.x0, b.x0), y0 = Math.max(a.y0, b.y0);
  const x1 = Math.min(a.x0 + a.width, b.x0 + b.width), y1 = Math.min(a.y0 + a.height, b.y0 + b.height);
  return x1 > x0 && y1 > y0 ? { x0, y0, width: x1 - x0, height: y1 - y0 } : null;
}

/**
 * The sample pass: a uniform sample of nodes (see {@link collectSample} and
 * {@link sampleCells}) that does not depend on tile size, order, threads or shards,
 * sorted by draw key, split into train and held-out test rows.
 */
export async function samplePass(ctx: RunContext, reporter: Reporter): Promise<TrainingSample> {
  const parts = await collectSample(ctx, reporter);
  const t = parts.train.finish();
  const s = parts.test.finish();
  return { train: { n: t.n, data: t.data }, test: { n: s.n, data: s.data }, validPixels: parts.validPixels, infinite: parts.infinite, drawnFrom: parts.drawnFrom };
}
