/**
 * The pure work on one tile: node flags, gap filling, H-hop smoothing, and then
 * (by mode) the training-sample candidates, the labels and per-cluster sums, or the
 * smoothed planes. It runs in the worker threads and, for `--threads 1`, on the main
 * thread: the same function either way, so both give the same bits (docs/DESIGN.md, "One tile function, two runners").
 *
 * Imports compute modules only (never src/io, so never gdal-async, which cannot load
 * in a worker); the type-only imports vanish when compiled.
 */
import { PlaneAssigner } from '../../cluster/assignPlanes.js';
import { pixelUniform } from '../../cluster/hashSample.js';
import type { KMeansModel } from '../../cluster/nearestCentre.js';
import type { FeatureScaler } from '../../cluster/scaler.js';
import { pixelSizeAtRow } from '../../graph/groundDistance.js';
import { GapList, InfiniteCount, markNodes, restoreGaps } from '../../smooth/gapFillPlanes.js';
import { KernelArena } from '../../wasm/kernelArena.js';
import { PlaneSmoother } from '../../smooth/smoothPlanes.js';
import type { GraphParams, Rect, SmoothParams } from '../../smooth/types.js';
import { tileStatsPartial, type ClusterStatsPartial } from '../../cluster/clusterStats.js';

/** Hash streams: which pixels are drawn, and which of them are held out for testing. */
export const STREAM_DRAW = 0;
export const STREAM_TEST = 1;

/** What a pass does with each smoothed tile. */
export type TileMode = 'sample' | 'predict' | 'smooth';

/** Everything constant over a pass; sent to each worker once. */
export interface TilePassSetup {
  mode: TileMode;
  graph: GraphParams;
  smoothing: SmoothParams;
  nDates: number;
  nStatic: number;
  /** Smooth (and cluster) the static layers too; they always decide which pixels are nodes. */
  useStatics: boolean;
  dayOffsets: Float64Array;
  maxMissing: number;
  /** For 'sample'. */
  sample?: { seed: number; testFraction: number; withTest: boolean };
  /** For 'predict'. */
  predict?: { model: KMeansModel; scaler: FeatureScaler };
}

/** One tile: its window planes (dates in time order, then static layers) and the core to produce. */
export interface TileJob {
  index: number;
  window: Rect;
  core: Rect;
  /** (nDates + nStatic) planes of window.width * window.height values; handed back in the result. */
  planes: Float32Array;
  /** 'sample': the parts of the core whose nodes may enter the sample (default: all of it). */
  offer?: Rect[];
  /** 'sample': draw keys above these cannot enter the train / test sample any more (their current worst keys). */
  trainBelow?: number;
  testBelow?: number;
  /** 'sample': keys at or below these were offered already (a second look at a tile); default -Infinity. */
  trainAbove?: number;
  testAbove?: number;
  /**
   * Room for the smoothed features on the core (nFeatures planes of core.width * core.height,
   * values at the nodes only), in the same buffer as `planes`. 'sample' smooths every node
   * into it (for the window cache); with `smoothedReady` it already holds them, and 'sample'
   * and 'predict' take them from there instead of smoothing.
   */
  smoothedCore?: Float32Array;
  smoothedReady?: boolean;
}

/** Time spent per stage of a tile, milliseconds. */
export interface TileStageTimes {
  nodes: number;
  graph: number;
  smooth: number;
  gather: number;
  assign: number;
  stats: number;
}

export interface SampleCandidates {
  n: number;
  keys: Float64Array;
  indices: Float64Array;
  /** 1 when the pixel belongs to the held-out test split. */
  test: Uint8Array;
  /** n rows of nFeatures smoothed values. */
  rows: Float32Array;
}

export interface TileResult {
  index: number;
  /** The job's planes, handed back so the buffer can be reused for the next read. */
  planes: Float32Array;
  /** Nodes in the core ('sample': in the offered parts). */
  nodes: number;
  infinite: { count: number; first: { layer: number; col: number; row: number } | null };
  times: TileStageTimes;
  candidates?: SampleCandidates;
  /** 'predict' and 'smooth': 1 per node of the core. */
  valid?: Uint8Array;
  /** 'predict': label per core pixel, 255 for non-nodes. */
  labels?: Uint8Array;
  sumSquaredDistance?: number;
  stats?: ClusterStatsPartial;
  /** 'smooth': nFeatures planes on the core, NaN for non-nodes. */
  smoothed?: Float32Array;
}

const LABEL_NODATA = 255;

type ScratchArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * Buffers one runner of tile jobs reuses from tile to tile (a worker thread has its own,
 * the in-process runner one), so a pass does not allocate per tile.
 */
export class TileScratch {
  /** Missing values of the window being processed. */
  readonly gaps = new GapList();
  /** The memory the smoothing's planes and the assignment's sums live in (their WebAssembly kernels work there). */
  readonly arena = new KernelArena();
  private readonly arrays = new Map<string, ScratchArray>();

  /** `n` values of the array called `name`: the kept one when it is long enough, else a new one kept from now on. */
  of<T extends ScratchArray>(name: string, make: (n: number) => T, n: number): T {
    const have = this.arrays.get(name) as T | undefined;
    if (have && have.length >= n) return have.subarray(0, n) as T;
    const made = make(n);
    this.arrays.set(name, made);
    return made;
  }
}

/**
 * What the smoothed features of a tile depend on besides its window: two setups with the
 * same key give the same smoothed bits (the window cache keeps features under this key).
 */
export function smoothingKey(setup: TilePassSetup): string {
  const { graph, smoothing, nDates, nStatic, useStatics, maxMissing } = setup;
  return JSON.stringify({ graph, smoothing, nDates, nStatic, useStatics, maxMissing, dayOffsets: Array.from(setup.dayOffsets) });
}

/** Transferable buffers of a result (the planes and everything else it carries). */
export function resultTransferList(r: TileResult): ArrayBuffer[] {
  const list: ArrayBufferLike[] = [r.planes.buffer];
  if (r.candidates) list.push(r.candidates.keys.buffer, r.candidates.indices.buffer, r.candidates.test.buffer, r.candidates.rows.buffer);
  if (r.valid) list.push(r.valid.buffer);
  if (r.labels) list.push(r.labels.buffer);
  if (r.smoothed) list.push(r.smoothed.buffer);
  if (r.stats) for (const a of Object.values(r.stats)) list.push((a as Float64Array).buffer);
  return [...new Set(list)].filter((b): b is ArrayBuffer => b instanceof ArrayBuffer); // shared buffers are not transferred
}

/** Stage timer of one tile: each lap adds the time since the last one to a stage. */
function stageClock(): { times: TileStageTimes; lap: (stage: keyof TileStageTimes) => void } {
  const times: TileStageTimes = { nodes: 0, graph: 0, smooth: 0, gather: 0, assign: 0, stats: 0 };
  let t0 = performance.now();
  return {
    times,
    lap: (stage) => {
      const t = performance.now();
      times[stage] += t - t0;
      t0 = t;
    },
  };
}

/** The nodes of a tile's core, row-major: where each is in the core planes and the window, and its global row and column. */
interface CoreNodes {
  count: number;
  corePos: Int32Array;
  windowPos: Int32Array;
  /** Row, column of node j at 2j, 2j + 1. */
  rowCol: Int32Array;
}

/** What the feature loop does with each smoothed feature plane (at most one of these). */
interface FeatureUse {
  assigner: PlaneAssigner | null;
  /** 'sample': the candidates (indices into the nodes) and their rows. */
  candidates: Int32Array | null;
  rows: Float32Array | null;
  /** 'smooth': nFeatures planes on the core, NaN for non-nodes. */
  smoothed: Float32Array | null;
}

/** Runs one tile. Pure: the result depends on the setup and the job only (`scratch` only saves allocations). */
export function runTileJob(setup: TilePassSetup, job: TileJob, scratch = new TileScratch()): TileResult {
  const { window, core, planes } = job;
  const { nDates, nStatic } = setup;
  const plane = window.width * window.height;
  const corePlane = core.width * core.height;
  const { times, lap } = stageClock();
  scratch.arena.reset(); // the smoother and the assigner lay out this tile's buffers

  const valid = scratch.of('valid', (n) => new Uint8Array(n), plane);
  const missing = scratch.of('missing', (n) => new Int32Array(n), plane);
  // Smoothed features from an earlier pass (the window cache) replace the smoothing, and with
  // it the gap filling; else they are computed here, into the room for them when the cache will
  // keep them. The predict pass does not count infinite values (the sample pass reported them).
  const given = givenFeatures(setup, job);
  const ready = given !== null && job.smoothedReady === true;
  const infinite = new InfiniteCount(window, core);
  // The gaps of the nodes are filled in the window itself (about one value in a hundred) and put
  // back before the statistics, which count only measured values.
  const fill = ready ? undefined : { dayOffsets: setup.dayOffsets, gaps: scratch.gaps };
  const { filled: gaps } = markNodes(planes, plane, nDates, nStatic, setup.maxMissing, valid, missing, scratch.arena, setup.mode === 'predict' ? undefined : infinite, fill);
  const nodes = coreNodes(valid, window, core, offerMask(job, setup.mode), scratch);
  lap('nodes');

  const result: TileResult = { index: job.index, planes, nodes: nodes.count, infinite: { count: infinite.count, first: infinite.first }, times };
  const use = featureUse(setup, job, nodes, result, scratch);
  lap('gather');

  // A sample pass whose features are not kept needs the smoothed values of its few candidates
  // only (a few percent of the nodes once the sample is full): just their neighbourhoods.
  let needed: Uint8Array | undefined;
  if (use.candidates && !given) {
    needed = new Uint8Array(corePlane);
    for (let i = 0; i < use.candidates.length; i++) needed[nodes.corePos[use.candidates[i]]] = 1;
  }
  let smoother: PlaneSmoother | null = null;
  if (!ready) {
    smoother = new PlaneSmoother(valid, window, core, setup.graph, setup.smoothing, needed, scratch.arena);
    lap('graph');
  }
  forEachFeature(setup, job, smoother, given, use, nodes.corePos, lap);
  if (gaps) restoreGaps(planes, gaps);
  if (use.assigner) finishPredict(setup, job, use.assigner, nodes, result, lap);
  if (setup.mode !== 'sample') {
    const coreValid = new Uint8Array(corePlane);
    for (let j = 0; j < nodes.count; j++) coreValid[nodes.corePos[j]] = 1;
    result.valid = coreValid;
  }
  if (use.smoothed) result.smoothed = use.smoothed;
  return result;
}

/** The job's room for smoothed features (see TileJob.smoothedCore), checked; null without it or for 'smooth'. */
function givenFeatures(setup: TilePassSetup, job: TileJob): Float32Array | null {
  if (setup.mode === 'smooth' || job.smoothedCore === undefined) return null;
  const need = (setup.nDates + (setup.useStatics ? setup.nStatic : 0)) * job.core.width * job.core.height;
  if (job.smoothedCore.length < need) throw new RangeError(`smoothedCore holds ${job.smoothedCore.length} values, expected ${need}`);
  return job.smoothedCore;
}

/** The nodes of the core (only the offered ones in 'sample' mode), in row-major order. */
function coreNodes(valid: Uint8Array, window: Rect, core: Rect, offered: Uint8Array | null, scratch: TileScratch): CoreNodes {
  let count = 0;
  for (let y = core.y0; y < core.y0 + core.height; y++) {
    const row = (y - window.y0) * window.width - window.x0;
    const offeredRow = (y - core.y0) * core.width - core.x0;
    for (let x = core.x0; x < core.x0 + core.width; x++) if (valid[row + x] === 1 && (offered === null || offered[offeredRow + x] === 1)) count++;
  }
  const corePos = scratch.of('corePos', (n) => new Int32Array(n), count);
  const windowPos = scratch.of('windowPos', (n) => new Int32Array(n), count);
  const rowCol = scratch.of('rowCol', (n) => new Int32Array(n), 2 * count);
  for (let y = core.y0, j = 0; y < core.y0 + core.height; y++) {
    const row = (y - window.y0) * window.width - window.x0;
    const offeredRow = (y - core.y0) * core.width - core.x0;
    for (let x = core.x0; x < core.x0 + core.width; x++) {
      if (valid[row + x] !== 1 || (offered !== null && offered[offeredRow + x] !== 1)) continue;
      corePos[j] = (y - core.y0) * core.width + (x - core.x0);
      windowPos[j] = row + x;
      rowCol[2 * j] = y;
      rowCol[2 * j + 1] = x;
      j++;
    }
  }
  return { count, corePos, windowPos, rowCol };
}

/** By mode: the sample candidates and their rows, the assigner, or the smoothed planes. */
function featureUse(setup: TilePassSetup, job: TileJob, nodes: CoreNodes, result: TileResult, scratch: TileScratch): FeatureUse {
  const nFeatures = setup.nDates + (setup.useStatics ? setup.nStatic : 0);
  const use: FeatureUse = { assigner: null, candidates: null, rows: null, smoothed: null };
  if (setup.mode === 'sample') {
    const chosen = chooseCandidates(setup, job, nodes.rowCol, nodes.count);
    use.candidates = chosen.which;
    use.rows = new Float32Array(chosen.which.length * nFeatures);
    result.candidates = { n: chosen.which.length, keys: chosen.keys, indices: chosen.indices, test: chosen.test, rows: use.rows };
  } else if (setup.mode === 'predict') {
    const { model, scaler } = setup.predict!;
    use.assigner = new PlaneAssigner(model, scaler, nodes.corePos, nodes.count, scratch.arena);
  } else {
    use.smoothed = new Float32Array(job.core.width * job.core.height * nFeatures).fill(NaN);
  }
  return use;
}

/**
 * Feature by feature: smooth its plane (unless the features were given) and hand it to the
 * assigner, the sample rows, or the smoothed planes. The smoothed plane is the smoother's
 * own (no copy) unless it must be kept: in the smoothed planes or the room for the window cache.
 */
function forEachFeature(setup: TilePassSetup, job: TileJob, smoother: PlaneSmoother | null, room: Float32Array | null, use: FeatureUse, corePos: Int32Array, lap: (stage: keyof TileStageTimes) => void): void {
  const nFeatures = setup.nDates + (setup.useStatics ? setup.nStatic : 0);
  const plane = job.window.width * job.window.height;
  const corePlane = job.core.width * job.core.height;
  const { assigner, candidates, rows, smoothed } = use;
  for (let f = 0; f < nFeatures; f++) {
    const keep = smoothed ? smoothed.subarray(f * corePlane, (f + 1) * corePlane) : room ? room.subarray(f * corePlane, (f + 1) * corePlane) : undefined;
    const out = smoother ? smoother.smoothPlane(job.planes.subarray(f * plane, (f + 1) * plane), keep) : keep!;
    lap('smooth');
    if (assigner) {
      assigner.addFeature(f, out);
      lap('assign');
    } else if (candidates && rows) {
      for (let i = 0; i < candidates.length; i++) rows[i * nFeatures + f] = out[corePos[candidates[i]]];
      lap('gather');
    }
  }
}

/** 'predict': the labels of the core's nodes and the per-cluster sums of their original values. */
function finishPredict(setup: TilePassSetup, job: TileJob, assigner: PlaneAssigner, nodes: CoreNodes, result: TileResult, lap: (stage: keyof TileStageTimes) => void): void {
  const { count, corePos } = nodes;
  const nodeLabels = new Uint8Array(count);
  result.sumSquaredDistance = assigner.finish(nodeLabels);
  const labels = new Uint8Array(job.core.width * job.core.height).fill(LABEL_NODATA);
  for (let j = 0; j < count; j++) labels[corePos[j]] = nodeLabels[j];
  result.labels = labels;
  lap('assign');
  const plane = job.window.width * job.window.height;
  result.stats = tileStatsPartial(setup.predict!.model.k, setup.nDates, setup.nStatic, job.planes, plane, nodes.windowPos, nodeLabels, nodes.rowCol, pixelAreaOfRow(setup.graph));
  lap('stats');
}

/** In 'sample' mode only nodes inside the offered rects count (1 in this core mask); null: every core node. */
function offerMask(job: TileJob, mode: TileMode): Uint8Array | null {
  if (mode !== 'sample' || !job.offer) return null;
  const { core } = job;
  const mask = new Uint8Array(core.width * core.height);
  for (const r of job.offer) {
    const x0 = Math.max(r.x0, core.x0), x1 = Math.min(r.x0 + r.width, core.x0 + core.width);
    const y0 = Math.max(r.y0, core.y0), y1 = Math.min(r.y0 + r.height, core.y0 + core.height);
    for (let y = y0; y < y1; y++) mask.fill(1, (y - core.y0) * core.width + (x0 - core.x0), (y - core.y0) * core.width + (x1 - core.x0));
  }
  return mask;
}

/**
 * The offered nodes that may still enter the bottom-k samples: their draw key is at most
 * the current worst key of the sample they belong to. Which sample (train or test) is a
 * second hash, as in the whole-scene definition; keys and indices go back with the rows.
 */
function chooseCandidates(setup: TilePassSetup, job: TileJob, rowCol: Int32Array, count: number) {
  const { seed, testFraction, withTest } = setup.sample!;
  const trainBelow = job.trainBelow ?? Infinity;
  const testBelow = withTest ? (job.testBelow ?? Infinity) : -Infinity;
  const anyBelow = Math.max(trainBelow, testBelow);
  const trainAbove = job.trainAbove ?? -Infinity;
  const testAbove = job.testAbove ?? -Infinity;
  const width = setup.graph.rasterWidth;
  const which: number[] = [];
  const keys: number[] = [];
  const indices: number[] = [];
  const test: number[] = [];
  for (let j = 0; j < count; j++) {
    const gi = rowCol[2 * j] * width + rowCol[2 * j + 1];
    const key = pixelUniform(seed, gi, STREAM_DRAW);
    if (key > anyBelow) continue;
    const isTest = withTest && pixelUniform(seed, gi, STREAM_TEST) < testFraction;
    if (key > (isTest ? testBelow : trainBelow) || key <= (isTest ? testAbove : trainAbove)) continue;
    which.push(j);
    keys.push(key);
    indices.push(gi);
    test.push(isTest ? 1 : 0);
  }
  return { which: Int32Array.from(which), keys: Float64Array.from(keys), indices: Float64Array.from(indices), test: Uint8Array.from(test) };
}

/** Ground area of a pixel per global row, m², cached by row (it only varies with latitude). */
function pixelAreaOfRow(graph: GraphParams): (row: number) => number {
  const cache = new Map<number, number>();
  return (row) => {
    let a = cache.get(row);
    if (a === undefined) {
      const [east, north] = pixelSizeAtRow(graph.grid, row);
      a = east * north;
      cache.set(row, a);
    }
    return a;
  };
}
