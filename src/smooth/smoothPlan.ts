import { groundDistancesForRow } from '../graph/groundDistance.js';
import { neighbourOffsets } from '../graph/offsets.js';
import { weightsFromDistances } from '../graph/weights.js';
import { blendFactors } from './blendFactors.js';
import { expandRectWithinRaster } from './tileWindow.js';
import type { GraphParams, Rect, SmoothParams } from './types.js';

/**
 * Non-nodes in a row gap at most this long are computed with the nodes around them (as
 * zeros) rather than ending the run: a computed pixel costs less than starting a run.
 */
const BRIDGED_GAP = 6;

/** What one hop computes: runs of pixels along rows, and the nodes among them that keep their value. */
export interface HopPlan {
  /** Quadruples (row, first column, end column, 1 if within the radius of the raster edge): global coordinates, in row order. */
  spans: Int32Array;
  /** Spans of window row j: spanRowStart[j] .. spanRowStart[j + 1] - 1. */
  spanRowStart: Int32Array;
  /** Window indices of the nodes without neighbours this hop computes (they keep their value), in row order. */
  keep: Int32Array;
  /** Keep entries of window row j: keepRowStart[j] .. keepRowStart[j + 1] - 1. */
  keepRowStart: Int32Array;
}

/**
 * Everything the masked kernels of {@link PlaneSmoother} need, built once per tile: the
 * neighbour offsets, the weights per row (or per pixel and offset when fanout sampling drops
 * neighbours), each pixel's blend factor, and per hop the runs of pixels to compute.
 *
 * The arithmetic it sets up (the fixed summation order of the smoothing): per pixel and
 * feature, S = 0 + sum over the window offsets, in window order, of w_k * v_k in float64,
 * where v_k is the neighbour's value and w_k its weight, and a neighbour that is not a node,
 * lies outside the raster or is sampled out contributes nothing; then
 * x = alpha * own + ((1 - alpha) / N) * S with N the sum of the kept weights in window order
 * (mean) or 1 (sum), stored as float32. A node with no kept neighbour, or whose kept weights
 * sum to 0 under the mean, keeps its value.
 */
export interface SmoothPlan {
  offsets: { dx: Int32Array; dy: Int32Array };
  /** Offsets as window index deltas. */
  deltas: Int32Array;
  /** True for the 8-neighbourhood (radius 1, connectivity 8): the fixed-shape kernels (WebAssembly SIMD away from the raster edge). */
  eightNeighbours: boolean;
  /** Per row of the largest hop region, from global row rowWeightsY0: the K offset weights. */
  rowWeights: Float64Array;
  rowWeightsY0: number;
  /** True when every row weight is 1 (uniform weights): the kernels add the values as they are. */
  unitWeights: boolean;
  /** With fanout sampling: weight of offset k at window pixel i in pixelWeights[k * plane + i] (0 when dropped). */
  pixelWeights: Float64Array | null;
  /** Per window pixel: (1 - alpha) / N for nodes that smooth, 0 elsewhere (so a computed non-node comes out 0). */
  blend: Float64Array;
  /** As blend, but NaN for non-nodes: the last hop writes NaN, not 0, where it computes a non-node. */
  blendLast: Float64Array;
  /** Per window row j, the columns (global) the first hop reads: copyColumns[2j] .. copyColumns[2j + 1] - 1 (none if equal). */
  copyColumns: Int32Array;
  /** Window indices of the non-nodes within the copied columns, in row order: set to 0 in the first hop's input. */
  holes: Int32Array;
  /** Holes of window row j: holeRowStart[j] .. holeRowStart[j + 1] - 1. */
  holeRowStart: Int32Array;
  /** The neighbour radius: hop h + 1 can run on a row once hop h has run r rows below it. */
  radius: number;
  hops: HopPlan[];
}

/**
 * Builds the plan of a tile.
 *
 * @param needed - 1/0 per core pixel (only these must come out right) or undefined for all
 */
export function buildSmoothPlan(valid: Uint8Array, window: Rect, core: Rect, graph: GraphParams, smooth: SmoothParams, regions: Rect[], needed?: Uint8Array): SmoothPlan {
  const offsets = neighbourOffsets(graph.radius, graph.connectivity);
  const K = offsets.dx.length;
  const w = window.width;
  const deltas = Int32Array.from({ length: K }, (_v, k) => offsets.dy[k] * w + offsets.dx[k]);
  const region = regions[0];
  const rowWeights = new Float64Array(region.height * K);
  let projected: Float64Array | null = null;
  for (let r = 0; r < region.height; r++) {
    // Projected grids have the same distances on every row; geographic ones change with latitude.
    const weights: Float64Array = graph.grid.geographic || !projected ? weightsFromDistances(groundDistancesForRow(graph.grid, region.y0 + r, offsets), graph.weights, graph.sigma) : projected;
    if (!graph.grid.geographic) projected = weights;
    rowWeights.set(weights, r * K);
  }
  const unitWeights = rowWeights.every((v) => v === 1);
  const { blend, blendLast, isKeep, pixelWeights } = blendFactors(valid, window, region, graph, smooth, rowWeights, offsets, deltas);
  const active = activeMasks(valid, window, core, graph, regions, needed);
  // With `needed`, the first hop may also run across nodes it need not compute (it reads the
  // masked copy, so their values are right anyway) and the last hop too (nothing reads its
  // output but the needed pixels): short gaps then no longer cut its runs. A middle hop never
  // does: its unneeded nodes would read stale values of the hop before.
  const bridgesNodes = (h: number) => needed !== undefined && (h === 0 || h === regions.length - 1);
  const hops: HopPlan[] = regions.map((r, h) => hopPlan(active[h], valid, isKeep, window, r, graph, bridgesNodes(h)));
  const copyColumns = copyRange(active[0], window, regions[0], graph.radius);
  const holes: number[] = [];
  const holeRowStart = new Int32Array(window.height + 1);
  for (let j = 0; j < window.height; j++) {
    const row = j * w - window.x0;
    for (let i = row + copyColumns[2 * j]; i < row + copyColumns[2 * j + 1]; i++) if (valid[i] !== 1) holes.push(i);
    holeRowStart[j + 1] = holes.length;
  }
  return {
    offsets, deltas, eightNeighbours: graph.radius === 1 && graph.connectivity === 8, rowWeights, rowWeightsY0: region.y0, unitWeights, pixelWeights,
    blend, blendLast, copyColumns, holes: Int32Array.from(holes), holeRowStart, radius: graph.radius, hops,
  };
}

/**
 * Per hop, 1 per window pixel the hop must compute: every node of its region, or with
 * `needed` the needed core pixels at the last hop and, at each earlier hop, the nodes the
 * next one reads.
 */
function activeMasks(valid: Uint8Array, window: Rect, core: Rect, graph: GraphParams, regions: Rect[], needed?: Uint8Array): Uint8Array[] {
  const w = window.width;
  const plane = w * window.height;
  // Every node: the runs of each hop stay within its region anyway.
  if (!needed) return regions.map(() => valid);
  if (needed.length !== core.width * core.height) throw new RangeError(`needed has ${needed.length} entries, expected ${core.width * core.height} for the core`);
  const offsets = neighbourOffsets(graph.radius, graph.connectivity);
  let mask = new Uint8Array(plane);
  for (let y = 0; y < core.height; y++) {
    const row = (core.y0 + y - window.y0) * w + (core.x0 - window.x0);
    for (let x = 0; x < core.width; x++) mask[row + x] = needed[y * core.width + x] & valid[row + x];
  }
  const masks = [mask];
  for (let h = regions.length - 2; h >= 0; h--) {
    const r = regions[h];
    const next = new Uint8Array(plane);
    for (let y = r.y0; y < r.y0 + r.height; y++) {
      for (let x = r.x0; x < r.x0 + r.width; x++) {
        const i = (y - window.y0) * w + (x - window.x0);
        if (!mask[i]) continue;
        next[i] = 1;
        for (let k = 0; k < offsets.dx.length; k++) {
          const gx = x + offsets.dx[k], gy = y + offsets.dy[k];
          if (gx < r.x0 || gx >= r.x0 + r.width || gy < r.y0 || gy >= r.y0 + r.height) continue;
          const j = i + offsets.dy[k] * w + offsets.dx[k];
          next[j] = valid[j];
        }
      }
    }
    mask = next;
    masks.unshift(mask);
  }
  return masks;
}

/**
 * The runs of a hop: maximal runs of active pixels along each row of its region, joined
 * across gaps of at most BRIDGED_GAP non-nodes, or with `bridgesNodes` of at most BRIDGED_GAP
 * pixels the hop need not compute (only where their values are right or never read: see
 * buildSmoothPlan). The columns within the radius of the raster's left
 * and right edges, and rows within it of the top and bottom, become edge runs (their
 * neighbour windows are cut by the raster).
 */
function hopPlan(active: Uint8Array, valid: Uint8Array, isKeep: Uint8Array, window: Rect, region: Rect, graph: GraphParams, bridgesNodes: boolean): HopPlan {
  const w = window.width;
  const r = graph.radius;
  let spans = new Int32Array(4 * (region.height * 4 + 16));
  let spanCount = 0;
  const push = (y: number, a: number, b: number, edge: number) => {
    if (b <= a) return;
    if ((spanCount + 1) * 4 > spans.length) {
      const bigger = new Int32Array(spans.length * 2);
      bigger.set(spans);
      spans = bigger;
    }
    const at = spanCount * 4;
    spans[at] = y;
    spans[at + 1] = a;
    spans[at + 2] = b;
    spans[at + 3] = edge;
    spanCount++;
  };
  const keep: number[] = [];
  const spanRowStart = new Int32Array(window.height + 1);
  const keepRowStart = new Int32Array(window.height + 1);
  const x1 = region.x0 + region.width;
  for (let y = region.y0; y < region.y0 + region.height; y++) {
    const row = (y - window.y0) * w - window.x0;
    spanRowStart[y - window.y0] = spanCount;
    keepRowStart[y - window.y0] = keep.length;
    const edgeRow = y < r || y >= graph.rasterHeight - r;
    let x = region.x0;
    while (x < x1) {
      if (!active[row + x]) {
        x++;
        continue;
      }
      const start = x;
      let end = x + 1; // one past the last active pixel of the run
      let at = end;
      while (at < x1) {
        if (active[row + at]) {
          end = ++at;
          continue;
        }
        let gap = at;
        while (gap < x1 && gap - at < BRIDGED_GAP && !active[row + gap] && (bridgesNodes || !valid[row + gap])) gap++;
        if (gap < x1 && active[row + gap] && gap - at <= BRIDGED_GAP) at = gap;
        else break;
      }
      for (let c = start; c < end; c++) if (active[row + c] && isKeep[row + c]) keep.push(row + c);
      if (edgeRow) push(y, start, end, 1);
      else {
        const left = Math.min(end, Math.max(start, r)), right = Math.max(left, Math.min(end, graph.rasterWidth - r));
        push(y, start, left, 1);
        push(y, left, right, 0);
        push(y, right, end, 1);
      }
      x = end;
    }
    spanRowStart[y - window.y0 + 1] = spanCount;
    keepRowStart[y - window.y0 + 1] = keep.length;
  }
  // Rows below the region have no spans.
  for (let j = region.y0 + region.height - window.y0 + 1; j <= window.height; j++) {
    spanRowStart[j] = spanCount;
    keepRowStart[j] = keep.length;
  }
  return { spans: spans.subarray(0, spanCount * 4), spanRowStart, keep: Int32Array.from(keep), keepRowStart };
}

/** Per window row, the columns the first hop reads: those of the active pixels of the rows within the radius, widened by it. */
function copyRange(active: Uint8Array, window: Rect, region: Rect, radius: number): Int32Array {
  const w = window.width, h = window.height;
  const rowFirst = new Int32Array(h).fill(w), rowLast = new Int32Array(h).fill(-1);
  for (let y = region.y0 - window.y0; y < region.y0 - window.y0 + region.height; y++) {
    for (let x = region.x0 - window.x0; x < region.x0 - window.x0 + region.width; x++) {
      if (!active[y * w + x]) continue;
      if (rowFirst[y] === w) rowFirst[y] = x;
      rowLast[y] = x;
    }
  }
  const columns = new Int32Array(2 * h);
  for (let y = 0; y < h; y++) {
    let first = w, last = -1;
    for (let yy = Math.max(0, y - radius); yy <= Math.min(h - 1, y + radius); yy++) {
      first = Math.min(first, rowFirst[yy]);
      last = Math.max(last, rowLast[yy]);
    }
    if (last >= first) {
      columns[2 * y] = window.x0 + Math.max(0, first - radius);
      columns[2 * y + 1] = window.x0 + Math.min(w, last + radius + 1);
    }
  }
  return columns;
}

/** The pixels hop h (1-based) computes: the core grown by (hops - h) * radius, clipped to the raster. */
export function hopRegions(core: Rect, graph: GraphParams, hops: number): Rect[] {
  const regions: Rect[] = [];
  for (let hop = 1; hop <= hops; hop++) regions.push(expandRectWithinRaster(core, (hops - hop) * graph.radius, graph.rasterWidth, graph.rasterHeight));
  return regions;
}
