import { KernelArena, type ArenaBuffer, type Kernels } from '../wasm/kernelArena.js';
import { buildSmoothPlan, hopRegions, type HopPlan, type SmoothPlan } from './smoothPlan.js';
import { assertTileCoversCore } from './tileWindow.js';
import type { GraphParams, Rect, SmoothParams } from './types.js';

/**
 * H-hop smoothing of one feature plane at a time (band-sequential windows).
 *
 * The plan of the window (weights, blend factors, runs of pixels per hop) is built once
 * per tile and then applied to every feature plane in turn, so a 132-feature window never
 * needs a transpose, and the working set of a hop is two planes that fit in the CPU cache.
 *
 * Dense masked kernels: each feature plane is first copied with its non-nodes set to 0, so
 * a missing neighbour adds w * 0 and every pixel of a run takes the same fixed-shape
 * neighbour sum, whatever its neighbours are; the mean's normaliser comes in as a per-pixel
 * blend factor. A node's cost does not depend on how many neighbours it misses, and the
 * result is the fixed order documented in {@link SmoothPlan}, bit for bit, however tiled.
 *
 * The planes live in a {@link KernelArena}, so the runs of the 8-neighbourhood away from the
 * raster edge go through its WebAssembly SIMD kernels (two pixels per instruction, the same
 * arithmetic in the same order); the other runs use the scalar kernels below on the same memory.
 */
export class PlaneSmoother {
  readonly window: Rect;
  readonly core: Rect;
  private readonly hops: number;
  private readonly alpha: number;
  private readonly valid: Uint8Array;
  private readonly plan: SmoothPlan | null;
  /** The tile's buffers in the arena (null when nothing is smoothed). */
  private readonly buffers: SmootherBuffers | null;
  /** The core plane of {@link smoothPlane} without `out` when nothing is smoothed (hops = 0, an empty core). */
  private readonly unsmoothed: Float32Array;

  /**
   * @param valid - node flags of the window (window.width * window.height)
   * @param window - the window read (core + halo, clipped at the raster edges), global coordinates
   * @param core - the pixels to produce, inside the window
   * @param needed - optional 1/0 per core pixel: only these must come out right (a sparse
   *   sample); each hop then computes just the pixels the later hops read. Omitted: all.
   * @param arena - where the planes live (default: a new one); the caller resets a reused
   *   arena between tiles, which ends the smoothers made on it before
   */
  constructor(valid: Uint8Array, window: Rect, core: Rect, graph: GraphParams, smooth: SmoothParams, needed?: Uint8Array, arena: KernelArena = new KernelArena()) {
    if (valid.length !== window.width * window.height) throw new RangeError(`valid has ${valid.length} entries, expected ${window.width * window.height} for the ${window.width}x${window.height} window`);
    if (!Number.isInteger(smooth.hops) || smooth.hops < 0) throw new RangeError(`hops must be a non-negative integer, got ${smooth.hops}`);
    if (!Number.isFinite(smooth.alpha)) throw new RangeError(`alpha must be a finite number, got ${smooth.alpha}`);
    if (smooth.aggregate !== 'mean' && smooth.aggregate !== 'sum') throw new RangeError(`aggregate must be 'mean' or 'sum', got ${String(smooth.aggregate)}`);
    assertTileCoversCore(window, core, graph, smooth);
    this.window = window;
    this.core = core;
    this.hops = smooth.hops;
    this.alpha = smooth.alpha;
    this.valid = valid;
    if (this.hops === 0 || core.width === 0 || core.height === 0) {
      this.plan = null;
      this.buffers = null;
      this.unsmoothed = new Float32Array(core.width * core.height).fill(NaN);
      return;
    }
    this.unsmoothed = new Float32Array(0);
    this.plan = buildSmoothPlan(valid, window, core, graph, smooth, hopRegions(core, graph, this.hops), needed);
    this.buffers = smootherBuffers(arena, this.plan, valid, window, core, this.hops);
  }

  /**
   * Smooths one feature plane of the window, laid out on the core (core.width *
   * core.height): node pixels get their smoothed values; a non-node pixel is NaN, or in
   * `out` left as it was. Returns the plane that holds them: `out` when given, else the
   * smoother's own core plane, overwritten by the next call (no copy).
   *
   * @param source - the feature's values on the window (gap-filled for nodes); not modified
   */
  smoothPlane(source: Float32Array, out?: Float32Array): Float32Array {
    const { window, core, hops, plan } = this;
    if (hops === 0 || !plan) {
      const target = out ?? this.unsmoothed;
      for (let y = core.y0; y < core.y0 + core.height; y++) {
        const from = (y - window.y0) * window.width - window.x0;
        const to = (y - core.y0) * core.width - core.x0;
        for (let x = core.x0; x < core.x0 + core.width; x++) if (this.valid[from + x] === 1) target[to + x] = source[from + x];
      }
      return target;
    }
    const b = this.buffers!;
    const planes: Float32Array[] = [b.planes[0].view];
    const addresses = [b.planes[0].address];
    for (let hop = 1; hop < hops; hop++) {
      planes.push(b.planes[hop % 2].view);
      addresses.push(b.planes[hop % 2].address);
    }
    planes.push(b.coreOut.view);
    addresses.push(b.coreOut.address);
    if (b.spans) {
      // 8-neighbourhoods: hop after hop over the whole window (a hop's planes stay in the CPU's
      // second-level cache), each hop's runs in one call of the WebAssembly kernels.
      // The masked copy: the rows' copied columns as they are, then every non-node to 0 in one
      // SIMD pass (a non-node outside them is 0 already: nothing writes another value there).
      for (let j = 0; j < window.height; j++) copyColumnsOfRow(source, planes[0], plan, window, j);
      b.kernels.maskPlane(addresses[0], b.nodeMask!.address, window.width * window.height);
      for (let hop = 1; hop <= hops; hop++) this.runHop(hop, planes[hop - 1], planes[hop], addresses[hop - 1], addresses[hop]);
    } else {
      // A wavefront down the rows: the masked copy r rows ahead of hop 1, and hop h + 1 r rows
      // behind hop h, so the rows in use stay in the CPU cache. Hop h + 1 reads hop h's rows
      // y - r .. y + r, all done by then; hop h + 2 overwrites hop h's plane only on rows
      // hop h + 1 has finished reading.
      const r = plan.radius;
      const wy0 = window.y0, wy1 = window.y0 + window.height;
      for (let y = wy0 - r; y < wy1 + (hops - 1) * r; y++) {
        if (y + r >= wy0 && y + r < wy1) copyRow(source, planes[0], plan, window, y + r - wy0);
        for (let hop = 1; hop <= hops; hop++) {
          const row = y - (hop - 1) * r;
          if (row >= wy0 && row < wy1) this.runHopRow(plan.hops[hop - 1], row - wy0, planes[hop - 1], planes[hop], addresses[hop - 1], addresses[hop], hop === hops);
        }
      }
    }
    if (!out) return b.coreOut.view;
    out.set(b.coreOut.view);
    return out;
  }

  /**
   * Hop `hop` (1-based) of an 8-neighbourhood plan over the whole window: its runs away from
   * the raster edge in one kernel call, then its edge runs and the nodes without neighbours.
   * Each pixel is written once, from the previous hop's plane, so the order of the runs does
   * not matter.
   */
  private runHop(hop: number, source: Float32Array, target: Float32Array, sourceAddress: number, targetAddress: number): void {
    const plan = this.plan!;
    const b = this.buffers!;
    const { window, core, alpha } = this;
    const isLast = hop === this.hops;
    const h = plan.hops[hop - 1];
    const blend = isLast ? b.blendLast : b.blend;
    const weighted = plan.unitWeights ? 0 : 1;
    b.kernels.hopSpans(
      b.spans![hop - 1].address, h.spans.length / 4, sourceAddress, targetAddress, blend.address, window.width, window.x0, window.y0,
      isLast ? 1 : 0, core.x0, core.y0, core.width, alpha, weighted, b.rowWeights, plan.rowWeightsY0,
    );
    const w = window.width, K = plan.deltas.length;
    for (const s of b.edgeSpans![hop - 1]) {
      const y = h.spans[4 * s], x0 = h.spans[4 * s + 1], x1 = h.spans[4 * s + 2];
      const j = y - window.y0;
      const start = j * w + (x0 - window.x0);
      const shift = isLast ? (y - core.y0) * core.width + (x0 - core.x0) - start : 0;
      edgeRun(source, target, blend.view, plan, y, x0, start, start + (x1 - x0), shift, alpha, window, (y - plan.rowWeightsY0) * K);
    }
    // Nodes without neighbours keep their value exactly (the runs gave them alpha times it).
    for (let j = 0; j < window.height; j++) {
      const shift = isLast ? (window.y0 + j - core.y0) * core.width - core.x0 - (j * w - window.x0) : 0;
      for (let k = h.keepRowStart[j]; k < h.keepRowStart[j + 1]; k++) target[h.keep[k] + shift] = source[h.keep[k]];
    }
  }

  /** One row (window row j) of one hop; the planes' arena addresses go to the WebAssembly kernels. */
  private runHopRow(hop: HopPlan, j: number, source: Float32Array, target: Float32Array, sourceAddress: number, targetAddress: number, isLast: boolean): void {
    const plan = this.plan!;
    const { window, core, alpha } = this;
    const { kernels, rowWeights } = this.buffers!;
    const w = window.width;
    const K = plan.deltas.length;
    const { view: blend, address: blendAddress } = isLast ? this.buffers!.blendLast : this.buffers!.blend;
    const { spans, spanRowStart } = hop;
    const y = window.y0 + j;
    const rb = (y - plan.rowWeightsY0) * K;
    const eight = plan.eightNeighbours;
    for (let s = spanRowStart[j]; s < spanRowStart[j + 1]; s++) {
      const x0 = spans[4 * s + 1], x1 = spans[4 * s + 2], edge = spans[4 * s + 3];
      const start = j * w + (x0 - window.x0);
      const end = start + (x1 - x0);
      const shift = isLast ? (y - core.y0) * core.width + (x0 - core.x0) - start : 0;
      if (edge === 1) edgeRun(source, target, blend, plan, y, x0, start, end, shift, alpha, window, rb);
      else if (plan.pixelWeights) pixelWeightRun(source, target, blend, plan.pixelWeights, plan.deltas, w * window.height, start, end, shift, alpha);
      else if (eight && plan.unitWeights) kernels.unitEight(sourceAddress, targetAddress, blendAddress, start, end, w, shift, alpha);
      else if (eight) kernels.weightedEight(sourceAddress, targetAddress, blendAddress, start, end, w, shift, alpha, rowWeights + 8 * rb);
      else rowWeightRun(source, target, blend, plan.rowWeights, rb, plan.deltas, start, end, shift, alpha);
    }
    // Nodes without neighbours keep their value exactly (the runs gave them alpha times it).
    const shift = isLast ? (y - core.y0) * core.width - core.x0 - (j * w - window.x0) : 0;
    for (let k = hop.keepRowStart[j]; k < hop.keepRowStart[j + 1]; k++) target[hop.keep[k] + shift] = source[hop.keep[k]];
  }
}

/** Window row j of the first hop's input: the source on the copied columns, its non-nodes set to 0 (NaN * 0 would be NaN). */
function copyRow(source: Float32Array, masked: Float32Array, plan: SmoothPlan, window: Rect, j: number): void {
  copyColumnsOfRow(source, masked, plan, window, j);
  const { holes, holeRowStart } = plan;
  for (let k = holeRowStart[j]; k < holeRowStart[j + 1]; k++) masked[holes[k]] = 0;
}

/** The source on window row j's copied columns, non-nodes included. */
function copyColumnsOfRow(source: Float32Array, masked: Float32Array, plan: SmoothPlan, window: Rect, j: number): void {
  const { copyColumns } = plan;
  const row = j * window.width - window.x0;
  if (copyColumns[2 * j + 1] > copyColumns[2 * j]) masked.set(source.subarray(row + copyColumns[2 * j], row + copyColumns[2 * j + 1]), row + copyColumns[2 * j]);
}

/** Row weights, any window (connectivity 4, radius > 1). */
function rowWeightRun(src: Float32Array, dst: Float32Array, blend: Float64Array, rowWeights: Float64Array, rb: number, deltas: Int32Array, i: number, end: number, shift: number, alpha: number): void {
  const K = deltas.length;
  for (; i < end; i++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += rowWeights[rb + k] * src[i + deltas[k]];
    dst[i + shift] = alpha * src[i] + blend[i] * sum;
  }
}

/** Fanout sampling: per-pixel weights, 0 for the neighbours a node does not keep. */
function pixelWeightRun(src: Float32Array, dst: Float32Array, blend: Float64Array, weights: Float64Array, deltas: Int32Array, plane: number, i: number, end: number, shift: number, alpha: number): void {
  const K = deltas.length;
  for (; i < end; i++) {
    let sum = 0;
    for (let k = 0; k < K; k++) sum += weights[k * plane + i] * src[i + deltas[k]];
    dst[i + shift] = alpha * src[i] + blend[i] * sum;
  }
}

/** Pixels within the radius of the raster edge: the same sum over the offsets that fall inside the window (the raster). */
function edgeRun(src: Float32Array, dst: Float32Array, blend: Float64Array, plan: SmoothPlan, y: number, x: number, i: number, end: number, shift: number, alpha: number, window: Rect, rb: number): void {
  const { deltas, offsets, rowWeights, pixelWeights } = plan;
  const K = deltas.length;
  const plane = window.width * window.height;
  const wx1 = window.x0 + window.width, wy1 = window.y0 + window.height;
  for (; i < end; i++, x++) {
    let sum = 0;
    for (let k = 0; k < K; k++) {
      const nx = x + offsets.dx[k], ny = y + offsets.dy[k];
      if (nx < window.x0 || nx >= wx1 || ny < window.y0 || ny >= wy1) continue;
      sum += (pixelWeights ? pixelWeights[k * plane + i] : rowWeights[rb + k]) * src[i + deltas[k]];
    }
    dst[i + shift] = alpha * src[i] + blend[i] * sum;
  }
}

/** A tile's smoothing buffers in a {@link KernelArena}. */
interface SmootherBuffers {
  kernels: Kernels;
  /** The masked copy of the input, then the hops, alternately (one plane when hops = 1). */
  planes: ArenaBuffer<'f32'>[];
  /** The last hop's output on the core, NaN where it computes nothing. */
  coreOut: ArenaBuffer<'f32'>;
  /** The plan's blend factors. */
  blend: ArenaBuffer<'f64'>;
  blendLast: ArenaBuffer<'f64'>;
  /** Address of the plan's row weights (weighted 8-neighbour kernels only). */
  rowWeights: number;
  /** 8-neighbourhood plans without per-pixel weights: each hop's runs, and which of them are edge runs. */
  spans: ArenaBuffer<'i32'>[] | null;
  edgeSpans: Int32Array[] | null;
  /** With spans: -1 per node of the window, 0 elsewhere (the masked copy's AND mask). */
  nodeMask: ArenaBuffer<'i32'> | null;
}

/** Lays out a tile's buffers in the arena and fills them: blend factors and weights from the plan, planes zeroed, the core output NaN. */
function smootherBuffers(arena: KernelArena, plan: SmoothPlan, valid: Uint8Array, window: Rect, core: Rect, hops: number): SmootherBuffers {
  const plane = window.width * window.height;
  const weighted = plan.eightNeighbours && !plan.unitWeights;
  const blend = arena.allocate('f64', plane);
  const blendLast = arena.allocate('f64', plane);
  const rowWeights = arena.allocate('f64', weighted ? plan.rowWeights.length : 0);
  const coreOut = arena.allocate('f32', core.width * core.height);
  const planes = (hops >= 2 ? [0, 1] : [0]).map(() => arena.allocate('f32', plane));
  blend.view.set(plan.blend);
  blendLast.view.set(plan.blendLast);
  if (weighted) rowWeights.view.set(plan.rowWeights);
  coreOut.view.fill(NaN);
  // Zeroed once per tile: afterwards only node values and zeros are written, so a
  // non-node a hop reads is always 0 (and every value is finite).
  for (const p of planes) p.view.fill(0);
  let spans: ArenaBuffer<'i32'>[] | null = null, edgeSpans: Int32Array[] | null = null, nodeMask: ArenaBuffer<'i32'> | null = null;
  if (plan.eightNeighbours && !plan.pixelWeights) {
    nodeMask = arena.allocate('i32', plane);
    const m = nodeMask.view;
    for (let i = 0; i < plane; i++) m[i] = (valid[i] << 31) >> 31;
    spans = plan.hops.map((h) => {
      const buffer = arena.allocate('i32', h.spans.length);
      buffer.view.set(h.spans);
      return buffer;
    });
    edgeSpans = plan.hops.map((h) => {
      const edge: number[] = [];
      for (let s = 0; 4 * s < h.spans.length; s++) if (h.spans[4 * s + 3] === 1) edge.push(s);
      return Int32Array.from(edge);
    });
  }
  return { kernels: arena.kernels, planes, coreOut, blend, blendLast, rowWeights: rowWeights.address, spans, edgeSpans, nodeMask };
}
