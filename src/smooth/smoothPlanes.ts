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
 * neighbour sum (three new values per pixel for the 8-neighbourhood, the rest slid along in
 * registers), whatever its neighbours are; the mean's normaliser comes in as a per-pixel
 * blend factor. A node's cost does not depend on how many neighbours it misses, and the
 * result is the fixed order documented in {@link SmoothPlan}, bit for bit, however tiled.
 */
export class PlaneSmoother {
  readonly window: Rect;
  readonly core: Rect;
  private readonly hops: number;
  private readonly alpha: number;
  private readonly valid: Uint8Array;
  private readonly plan: SmoothPlan | null;
  /** Two window planes: the masked copy of the input, then the hops, alternately. */
  private readonly scratch: Float32Array[];

  /**
   * @param valid - node flags of the window (window.width * window.height)
   * @param window - the window read (core + halo, clipped at the raster edges), global coordinates
   * @param core - the pixels to produce, inside the window
   * @param needed - optional 1/0 per core pixel: only these must come out right (a sparse
   *   sample); each hop then computes just the pixels the later hops read. Omitted: all.
   * @param scratchPlanes - optional two buffers of at least a window plane, reused for the
   *   masked input and the intermediate hops (the smoother writes them; the caller must not
   *   use them meanwhile)
   */
  constructor(valid: Uint8Array, window: Rect, core: Rect, graph: GraphParams, smooth: SmoothParams, needed?: Uint8Array, scratchPlanes?: [Float32Array, Float32Array]) {
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
    this.scratch = [];
    if (this.hops === 0 || core.width === 0 || core.height === 0) {
      this.plan = null;
      return;
    }
    this.plan = buildSmoothPlan(valid, window, core, graph, smooth, hopRegions(core, graph, this.hops), needed);
    const plane = window.width * window.height;
    // Zeroed once per tile: afterwards only node values and zeros are written, so a
    // non-node a hop reads is always 0 (and every value is finite).
    const scratchPlane = (i: number) => (scratchPlanes && scratchPlanes[i].length >= plane ? scratchPlanes[i].subarray(0, plane).fill(0) : new Float32Array(plane));
    this.scratch.push(scratchPlane(0));
    if (this.hops >= 2) this.scratch.push(scratchPlane(1));
  }

  /**
   * Smooths one feature plane of the window into `out`, laid out on the core
   * (core.width * core.height). Node pixels of `out` get their smoothed values; a
   * non-node pixel is left as it is or set to NaN.
   *
   * @param source - the feature's values on the window (gap-filled for nodes); not modified
   */
  smoothPlane(source: Float32Array, out: Float32Array): void {
    const { window, core, hops, plan } = this;
    if (core.width === 0 || core.height === 0) return;
    if (hops === 0 || !plan) {
      for (let y = core.y0; y < core.y0 + core.height; y++) {
        const from = (y - window.y0) * window.width - window.x0;
        const to = (y - core.y0) * core.width - core.x0;
        for (let x = core.x0; x < core.x0 + core.width; x++) if (this.valid[from + x] === 1) out[to + x] = source[from + x];
      }
      return;
    }
    // A wavefront down the rows: the masked copy r rows ahead of hop 1, and hop h + 1 r rows
    // behind hop h, so the rows in use stay in the CPU cache. Hop h + 1 reads hop h's rows
    // y - r .. y + r, all done by then; hop h + 2 overwrites hop h's plane only on rows
    // hop h + 1 has finished reading.
    const planes: Float32Array[] = [this.scratch[0]];
    for (let hop = 1; hop < hops; hop++) planes.push(this.scratch[hop % 2]);
    planes.push(out);
    const r = plan.radius;
    const wy0 = window.y0, wy1 = window.y0 + window.height;
    for (let y = wy0 - r; y < wy1 + (hops - 1) * r; y++) {
      if (y + r >= wy0 && y + r < wy1) copyRow(source, planes[0], plan, window, y + r - wy0);
      for (let hop = 1; hop <= hops; hop++) {
        const row = y - (hop - 1) * r;
        if (row >= wy0 && row < wy1) this.runHopRow(plan.hops[hop - 1], row - wy0, planes[hop - 1], planes[hop], hop === hops);
      }
    }
  }

  /** One row (window row j) of one hop. */
  private runHopRow(hop: HopPlan, j: number, source: Float32Array, target: Float32Array, isLast: boolean): void {
    const plan = this.plan!;
    const { window, core, alpha } = this;
    const w = window.width;
    const K = plan.deltas.length;
    const blend = isLast ? plan.blendLast : plan.blend;
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
      else if (eight && plan.unitWeights) unitEightRun(source, target, blend, start, end, w, shift, alpha);
      else if (eight) weightedEightRun(source, target, blend, plan.rowWeights, rb, start, end, w, shift, alpha);
      else rowWeightRun(source, target, blend, plan.rowWeights, rb, plan.deltas, start, end, shift, alpha);
    }
    // Nodes without neighbours keep their value exactly (the runs gave them alpha times it).
    const shift = isLast ? (y - core.y0) * core.width - core.x0 - (j * w - window.x0) : 0;
    for (let k = hop.keepRowStart[j]; k < hop.keepRowStart[j + 1]; k++) target[hop.keep[k] + shift] = source[hop.keep[k]];
  }
}

/** Window row j of the first hop's input: the source on the copied columns, its non-nodes set to 0 (NaN * 0 would be NaN). */
function copyRow(source: Float32Array, masked: Float32Array, plan: SmoothPlan, window: Rect, j: number): void {
  const { copyColumns, holes, holeRowStart } = plan;
  const row = j * window.width - window.x0;
  if (copyColumns[2 * j + 1] > copyColumns[2 * j]) masked.set(source.subarray(row + copyColumns[2 * j], row + copyColumns[2 * j + 1]), row + copyColumns[2 * j]);
  for (let k = holeRowStart[j]; k < holeRowStart[j + 1]; k++) masked[holes[k]] = 0;
}

/** Uniform weights, 8 neighbours: S = 0 + the 8 values in window order; a 3 x 3 window slid along the run. */
function unitEightRun(src: Float32Array, dst: Float32Array, blend: Float64Array, i: number, end: number, w: number, shift: number, alpha: number): void {
  let a0 = src[i - w - 1], a1 = src[i - w], b0 = src[i - 1], b1 = src[i], d0 = src[i + w - 1], d1 = src[i + w];
  for (; i < end; i++) {
    const a2 = src[i - w + 1], b2 = src[i + 1], d2 = src[i + w + 1];
    const sum = 0 + a0 + a1 + a2 + b0 + b2 + d0 + d1 + d2;
    dst[i + shift] = alpha * b1 + blend[i] * sum;
    a0 = a1; a1 = a2; b0 = b1; b1 = b2; d0 = d1; d1 = d2;
  }
}

/** Row weights, 8 neighbours: S = 0 + w_k * value_k in window order, the weights in registers. */
function weightedEightRun(src: Float32Array, dst: Float32Array, blend: Float64Array, rowWeights: Float64Array, rb: number, i: number, end: number, w: number, shift: number, alpha: number): void {
  const c0 = rowWeights[rb], c1 = rowWeights[rb + 1], c2 = rowWeights[rb + 2], c3 = rowWeights[rb + 3];
  const c4 = rowWeights[rb + 4], c5 = rowWeights[rb + 5], c6 = rowWeights[rb + 6], c7 = rowWeights[rb + 7];
  let a0 = src[i - w - 1], a1 = src[i - w], b0 = src[i - 1], b1 = src[i], d0 = src[i + w - 1], d1 = src[i + w];
  for (; i < end; i++) {
    const a2 = src[i - w + 1], b2 = src[i + 1], d2 = src[i + w + 1];
    const sum = 0 + c0 * a0 + c1 * a1 + c2 * a2 + c3 * b0 + c4 * b2 + c5 * d0 + c6 * d1 + c7 * d2;
    dst[i + shift] = alpha * b1 + blend[i] * sum;
    a0 = a1; a1 = a2; b0 = b1; b1 = b2; d0 = d1; d1 = d2;
  }
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
