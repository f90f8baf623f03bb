import { groundDistancesForRow } from '../graph/groundDistance.js';
import { neighbourOffsets } from '../graph/offsets.js';
import { weightsFromDistances } from '../graph/weights.js';
import { buildTileGraph, type TileGraph } from './tileGraph.js';
import { assertTileCoversCore, expandRectWithinRaster } from './tileWindow.js';
import type { GraphParams, Rect, SmoothParams } from './types.js';

/** How a pixel of the graph region is smoothed; 0 (the default) is a non-node, never written or read. */
const KEEP = 1; // a node without neighbours keeps its value
const FULL8 = 2; // all 8 neighbours kept, coefficients those of its row: the unrolled path
const EDGES = 3; // anything else: its own edge list

/**
 * H-hop smoothing of one feature plane at a time (band-sequential windows).
 *
 * The graph (neighbour lists, weights) of the window is built once per tile and then
 * applied to every feature plane in turn, so a 132-feature window never needs a
 * transpose, and the working set of a hop is two planes that fit in the CPU cache.
 *
 * The arithmetic is smoothTile's, per pixel and feature: the neighbour sum starts at 0
 * and adds coefficient * value in window order in float64, the blend is
 * alpha * own + (1 - alpha) * sum, every hop is stored as float32. So each value is
 * bit-identical to smoothTile's (and the whole-raster definition), however tiled.
 * Interior nodes with all 8 neighbours (most of them) take an unrolled path with
 * the row's coefficients in registers; the result is the same sum in the same order.
 */
export class PlaneSmoother {
  readonly window: Rect;
  readonly core: Rect;
  private readonly hops: number;
  private readonly alpha: number;
  private readonly graph: TileGraph | null;
  /** Kind of each pixel of the graph region (0 for non-nodes, KEEP, FULL8 or EDGES). */
  private readonly kind: Uint8Array;
  /** For a FULL8 pixel: the column (global) where its run of FULL8 pixels in the row ends. */
  private readonly runEnd: Int32Array;
  /** Per hop: the kinds (0 where the hop need not compute the pixel) and their runs. */
  private readonly hopKind: Uint8Array[] = [];
  private readonly hopRunEnd: Int32Array[] = [];
  /** Per hop, for each pixel: the column (global) of the next pixel of its row the hop computes. */
  private readonly hopNext: Int32Array[] = [];
  /** 8 coefficients per row of the graph region, for FULL8 pixels. */
  private readonly rowCoefficients: Float64Array;
  /** 1 for rows whose 8 coefficients are one and the same power of two. */
  private readonly powerOfTwoRow: Uint8Array;
  private readonly regions: Rect[];
  private readonly scratch: Float32Array[];
  private readonly valid: Uint8Array;

  /**
   * @param valid - node flags of the window (window.width * window.height)
   * @param window - the window read (core + halo, clipped at the raster edges), global coordinates
   * @param core - the pixels to produce, inside the window
   * @param needed - optional 1/0 per core pixel: only these must come out right (a sparse
   *   sample); each hop then computes just the pixels the later hops read. Omitted: all.
   * @param scratchPlanes - optional two buffers of at least a window plane, reused for the
   *   intermediate hops (the smoother writes them; the caller must not use them meanwhile)
   */
  constructor(valid: Uint8Array, window: Rect, core: Rect, graph: GraphParams, smooth: SmoothParams, needed?: Uint8Array, scratchPlanes?: [Float32Array, Float32Array]) {
    const tile = { ...window, nFeatures: 0, data: new Float32Array(0), valid };
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
    this.regions = [];
    for (let hop = 1; hop <= this.hops; hop++) this.regions.push(expandRectWithinRaster(core, (this.hops - hop) * graph.radius, graph.rasterWidth, graph.rasterHeight));
    const plane = window.width * window.height;
    // Two window planes for the intermediate hops, alternately (given by the caller to reuse them between tiles).
    const scratchPlane = (i: number) => (scratchPlanes && scratchPlanes[i].length >= plane ? scratchPlanes[i].subarray(0, plane) : new Float32Array(plane));
    this.scratch = this.hops >= 2 ? [scratchPlane(0)] : [];
    if (this.hops >= 3) this.scratch.push(scratchPlane(1));
    if (this.hops === 0 || core.width === 0 || core.height === 0) {
      this.graph = null;
      this.kind = new Uint8Array(0);
      this.runEnd = new Int32Array(0);
      this.rowCoefficients = new Float64Array(0);
      this.powerOfTwoRow = new Uint8Array(0);
      return;
    }
    const region = this.regions[0];
    let kind: Uint8Array;
    if (graph.radius === 1 && graph.connectivity === 8 && (graph.fanout === null || graph.fanout >= 8)) {
      const lean = eightNeighbourGraph(valid, window, region, graph, smooth.aggregate);
      this.graph = lean.graph;
      kind = lean.kind;
      this.kind = kind;
      this.rowCoefficients = lean.rowCoefficients;
    } else {
      this.graph = buildTileGraph(tile, region, graph, smooth.aggregate);
      kind = new Uint8Array(region.width * region.height);
      this.kind = kind;
      this.rowCoefficients = new Float64Array(region.height * 8);
      classify(valid, window, region, this.graph, kind);
    }
    this.powerOfTwoRow = new Uint8Array(region.height);
    for (let r = 0; r < region.height; r++) {
      const c = this.rowCoefficients[r * 8];
      let same = c > 0 && c === 2 ** Math.round(Math.log2(c));
      for (let k = 1; k < 8; k++) if (this.rowCoefficients[r * 8 + k] !== c) same = false;
      this.powerOfTwoRow[r] = same ? 1 : 0;
    }
    this.runEnd = runEnds(kind, region);
    if (!needed) {
      const next = nextActive(kind, region);
      for (let hop = 1; hop <= this.hops; hop++) {
        this.hopKind.push(kind);
        this.hopRunEnd.push(this.runEnd);
        this.hopNext.push(next);
      }
      return;
    }
    if (needed.length !== core.width * core.height) throw new RangeError(`needed has ${needed.length} entries, expected ${core.width * core.height} for the core`);
    // Last hop: the needed pixels; each earlier hop: the neighbours of what the next one computes.
    const offsets = neighbourOffsets(graph.radius, graph.connectivity);
    let mask = new Uint8Array(region.width * region.height);
    for (let y = 0; y < core.height; y++) {
      for (let x = 0; x < core.width; x++) if (needed[y * core.width + x]) mask[(core.y0 + y - region.y0) * region.width + (core.x0 + x - region.x0)] = 1;
    }
    const masks: Uint8Array[] = [mask];
    for (let hop = this.hops - 1; hop >= 1; hop--) {
      const inner = this.regions[hop - 1];
      const next = new Uint8Array(mask.length);
      for (let y = 0; y < region.height; y++) {
        for (let x = 0; x < region.width; x++) {
          if (!mask[y * region.width + x]) continue;
          next[y * region.width + x] = 1;
          for (let k = 0; k < offsets.dx.length; k++) {
            const gx = region.x0 + x + offsets.dx[k], gy = region.y0 + y + offsets.dy[k];
            if (gx < inner.x0 || gx >= inner.x0 + inner.width || gy < inner.y0 || gy >= inner.y0 + inner.height) continue;
            next[(gy - region.y0) * region.width + (gx - region.x0)] = 1;
          }
        }
      }
      mask = next;
      masks.unshift(mask);
    }
    for (const m of masks) {
      const kinds = new Uint8Array(kind.length);
      for (let i = 0; i < kinds.length; i++) if (m[i] === 1) kinds[i] = kind[i];
      this.hopKind.push(kinds);
      this.hopRunEnd.push(runEnds(kinds, region));
      this.hopNext.push(nextActive(kinds, region));
    }
  }

  /**
   * Smooths one feature plane of the window into `out`, laid out on the core
   * (core.width * core.height). Only node pixels of `out` are written.
   *
   * @param source - the feature's values on the window (gap-filled for nodes); not modified
   */
  smoothPlane(source: Float32Array, out: Float32Array): void {
    const { window, core, hops } = this;
    if (core.width === 0 || core.height === 0) return;
    if (hops === 0) {
      for (let y = core.y0; y < core.y0 + core.height; y++) {
        const from = (y - window.y0) * window.width - window.x0;
        const to = (y - core.y0) * core.width - core.x0;
        for (let x = core.x0; x < core.x0 + core.width; x++) if (this.valid[from + x] === 1) out[to + x] = source[from + x];
      }
      return;
    }
    let from = source;
    for (let hop = 1; hop <= hops; hop++) {
      const isLast = hop === hops;
      const target = isLast ? out : this.scratch[(hop - 1) % 2];
      this.runHop(hop, this.regions[hop - 1], from, target, isLast ? core : window);
      from = target;
    }
  }

  private runHop(hop: number, region: Rect, source: Float32Array, target: Float32Array, frame: Rect): void {
    const graph = this.graph!;
    const { edgeStart, edgeDelta, edgeCoefficient } = graph;
    const graphRegion = graph.region;
    const { rowCoefficients } = this;
    const kind = this.hopKind[hop - 1];
    const runEnd = this.hopRunEnd[hop - 1];
    const next = this.hopNext[hop - 1];
    const window = this.window;
    const w = window.width;
    const alpha = this.alpha;
    const complement = 1 - alpha;
    const x1 = region.x0 + region.width;
    for (let y = region.y0; y < region.y0 + region.height; y++) {
      const graphRowIndex = y - graphRegion.y0;
      const graphRow = graphRowIndex * graphRegion.width - graphRegion.x0;
      const windowRow = (y - window.y0) * w - window.x0;
      const targetRow = (y - frame.y0) * frame.width - frame.x0;
      const cb = graphRowIndex * 8;
      const c0 = rowCoefficients[cb], c1 = rowCoefficients[cb + 1], c2 = rowCoefficients[cb + 2], c3 = rowCoefficients[cb + 3];
      const c4 = rowCoefficients[cb + 4], c5 = rowCoefficients[cb + 5], c6 = rowCoefficients[cb + 6], c7 = rowCoefficients[cb + 7];
      // Uniform weights (mean or sum): all 8 coefficients are one power of two, which scales
      // exactly, so c*a0 + c*a1 + ... (rounded step by step) is c * (a0 + a1 + ...) bit for bit.
      const factored = this.powerOfTwoRow[graphRowIndex] === 1;
      let x = region.x0;
      while (x < x1) {
        const k = kind[graphRow + x];
        if (k === FULL8) {
          // A run of interior nodes: a tight loop that slides the 3 x 3 neighbourhood along the row.
          const end = Math.min(x1, runEnd[graphRow + x]);
          let i = windowRow + x;
          const t = targetRow - windowRow;
          let a0 = source[i - w - 1], a1 = source[i - w];
          let b0 = source[i - 1], b1 = source[i];
          let d0 = source[i + w - 1], d1 = source[i + w];
          const stop = windowRow + end;
          if (factored) {
            for (; i < stop; i++) {
              const a2 = source[i - w + 1], b2 = source[i + 1], d2 = source[i + w + 1];
              const sum = c0 * (0 + a0 + a1 + a2 + b0 + b2 + d0 + d1 + d2);
              target[t + i] = alpha * b1 + complement * sum;
              a0 = a1; a1 = a2; b0 = b1; b1 = b2; d0 = d1; d1 = d2;
            }
          } else {
            for (; i < stop; i++) {
              const a2 = source[i - w + 1], b2 = source[i + 1], d2 = source[i + w + 1];
              // Starts at 0 and adds in window order, like the edge-list path (and smoothTile).
              const sum = 0 + c0 * a0 + c1 * a1 + c2 * a2 + c3 * b0 + c4 * b2 + c5 * d0 + c6 * d1 + c7 * d2;
              target[t + i] = alpha * b1 + complement * sum;
              a0 = a1; a1 = a2; b0 = b1; b1 = b2; d0 = d1; d1 = d2;
            }
          }
          x = end;
          continue;
        }
        if (k === EDGES) {
          const i = windowRow + x;
          const g = graphRow + x;
          let sum = 0;
          for (let e = edgeStart[g]; e < edgeStart[g + 1]; e++) sum += edgeCoefficient[e] * source[i + edgeDelta[e]];
          target[targetRow + x] = alpha * source[i] + complement * sum;
        } else if (k === KEEP) {
          target[targetRow + x] = source[windowRow + x];
        } else {
          x = next[graphRow + x]; // skip to the next pixel this hop computes
          continue;
        }
        x++;
      }
    }
  }
}

/** For each FULL8 pixel of `region`, the column (global) where its run of FULL8 pixels in the row ends. */
function runEnds(kind: Uint8Array, region: Rect): Int32Array {
  const runEnd = new Int32Array(region.width * region.height);
  for (let r = 0; r < region.height; r++) {
    let end = region.x0 + region.width;
    for (let c = region.width - 1; c >= 0; c--) {
      const i = r * region.width + c;
      if (kind[i] !== FULL8) end = region.x0 + c;
      else runEnd[i] = end;
    }
  }
  return runEnd;
}

/** For each pixel of `region`, the column (global) of the first pixel at or after it in its row with a kind, or the row's end. */
function nextActive(kind: Uint8Array, region: Rect): Int32Array {
  const next = new Int32Array(region.width * region.height);
  for (let r = 0; r < region.height; r++) {
    let at = region.x0 + region.width;
    for (let c = region.width - 1; c >= 0; c--) {
      const i = r * region.width + c;
      if (kind[i] !== 0) at = region.x0 + c;
      next[i] = at;
    }
  }
  return next;
}

/** Kinds of the region's pixels from a general tile graph: KEEP (no edges) or EDGES. */
function classify(valid: Uint8Array, window: Rect, region: Rect, g: TileGraph, kind: Uint8Array): void {
  for (let r = 0; r < region.height; r++) {
    const windowRow = (region.y0 + r - window.y0) * window.width + (region.x0 - window.x0);
    for (let c = 0; c < region.width; c++) {
      const i = r * region.width + c;
      if (valid[windowRow + c] !== 1) continue;
      kind[i] = g.edgeStart[i] === g.edgeStart[i + 1] ? KEEP : EDGES;
    }
  }
}

/**
 * The graph of radius 1, connectivity 8, every candidate kept (no fanout below 8): what
 * buildTileGraph builds, without edge lists for the nodes with all 8 neighbours (FULL8,
 * whose coefficients are their row's). The others get buildTileGraph's edges: candidates
 * are the nodes among the 8 window-order neighbours inside the window, weights from the
 * row's ground distances, divided (mean) by their sum in window order; a zero sum or no
 * candidate means no edges (KEEP).
 */
function eightNeighbourGraph(valid: Uint8Array, window: Rect, region: Rect, graph: GraphParams, aggregate: SmoothParams['aggregate']) {
  const offsets = neighbourOffsets(1, 8);
  const w = window.width;
  const rw = region.width;
  const deltas = Int32Array.from({ length: 8 }, (_v, k) => offsets.dy[k] * w + offsets.dx[k]);
  const kind = new Uint8Array(rw * region.height);
  const rowCoefficients = new Float64Array(region.height * 8);
  const edgeStart = new Int32Array(rw * region.height + 1);
  let edgeDelta = new Int32Array(1024);
  let edgeCoefficient = new Float64Array(1024);
  let edges = 0;
  const weightTable = (row: number) => weightsFromDistances(groundDistancesForRow(graph.grid, row, offsets), graph.weights, graph.sigma);
  // Projected grids have the same distances on every row; geographic ones change with latitude.
  let weights = graph.grid.geographic ? null : weightTable(0);
  const wx0 = window.x0, wx1 = window.x0 + window.width, wy0 = window.y0, wy1 = window.y0 + window.height;
  for (let r = 0; r < region.height; r++) {
    const y = region.y0 + r;
    if (graph.grid.geographic) weights = weightTable(y);
    const wt = weights as Float64Array;
    let sum = 0;
    for (let k = 0; k < 8; k++) sum += wt[k];
    const norm = aggregate === 'mean' ? sum : 1;
    for (let k = 0; k < 8; k++) rowCoefficients[r * 8 + k] = wt[k] / norm;
    const windowRow = (y - wy0) * w + (region.x0 - wx0);
    const inRows = y - 1 >= wy0 && y + 1 < wy1;
    for (let c = 0; c < rw; c++) {
      const i = r * rw + c;
      const wi = windowRow + c;
      if (valid[wi] === 1) {
        const x = region.x0 + c;
        if (inRows && x - 1 >= wx0 && x + 1 < wx1 && valid[wi - w - 1] === 1 && valid[wi - w] === 1 && valid[wi - w + 1] === 1 && valid[wi - 1] === 1 &&
          valid[wi + 1] === 1 && valid[wi + w - 1] === 1 && valid[wi + w] === 1 && valid[wi + w + 1] === 1) {
          kind[i] = norm !== 0 ? FULL8 : KEEP;
        } else {
          // Some neighbours missing or outside the window (= the raster): its own list.
          let kept = 0, weightSum = 0;
          for (let k = 0; k < 8; k++) {
            const nx = x + offsets.dx[k], ny = y + offsets.dy[k];
            if (nx < wx0 || nx >= wx1 || ny < wy0 || ny >= wy1 || valid[wi + deltas[k]] !== 1) continue;
            kept++;
            weightSum += wt[k];
          }
          const normaliser = aggregate === 'mean' ? weightSum : 1;
          if (kept === 0 || normaliser === 0) kind[i] = KEEP;
          else {
            if (edges + 8 > edgeDelta.length) {
              const d = new Int32Array(edgeDelta.length * 2), e = new Float64Array(edgeCoefficient.length * 2);
              d.set(edgeDelta);
              e.set(edgeCoefficient);
              edgeDelta = d;
              edgeCoefficient = e;
            }
            for (let k = 0; k < 8; k++) {
              const nx = x + offsets.dx[k], ny = y + offsets.dy[k];
              if (nx < wx0 || nx >= wx1 || ny < wy0 || ny >= wy1 || valid[wi + deltas[k]] !== 1) continue;
              edgeDelta[edges] = deltas[k];
              edgeCoefficient[edges] = wt[k] / normaliser;
              edges++;
            }
            kind[i] = EDGES;
          }
        }
      }
      edgeStart[i + 1] = edges;
    }
  }
  return { graph: { region, edgeStart, edgeDelta, edgeCoefficient } satisfies TileGraph, kind, rowCoefficients };
}
