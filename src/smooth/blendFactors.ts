import { sampleNeighbours } from '../graph/sampling.js';
import type { GraphParams, Rect, SmoothParams } from './types.js';

/** Per-pixel factors of the smoothing blend of a tile, and (with fanout sampling) per-pixel weights. */
export interface BlendFactors {
  /** Per window pixel: (1 - alpha) / N for nodes that smooth, 0 elsewhere (so a computed non-node comes out 0). */
  blend: Float64Array;
  /** As blend, but NaN for non-nodes: the last hop writes NaN, not 0, where it computes a non-node. */
  blendLast: Float64Array;
  /** 1 for the nodes without kept neighbours (or whose kept weights sum to 0 under the mean): they keep their value. */
  isKeep: Uint8Array;
  /** With fanout sampling: weight of offset k at window pixel i in pixelWeights[k * plane + i] (0 when dropped); else null. */
  pixelWeights: Float64Array | null;
}

/**
 * The blend factor (1 - alpha) / N of every node of `region`: N is the sum of its kept
 * neighbours' weights in window order (mean) or 1 (sum). Neighbours are the nodes among the
 * window offsets inside the raster; with a fanout below the window size, those
 * sampleNeighbours keeps.
 *
 * @param rowWeights - the K offset weights of each row of `region`, from region.y0
 */
export function blendFactors(valid: Uint8Array, window: Rect, region: Rect, graph: GraphParams, smooth: SmoothParams, rowWeights: Float64Array, offsets: { dx: Int32Array; dy: Int32Array }, deltas: Int32Array): BlendFactors {
  const K = deltas.length;
  const w = window.width;
  const plane = w * window.height;
  const sampling = graph.fanout !== null && graph.fanout < K;
  const pixelWeights = sampling ? new Float64Array(K * plane) : null;
  const blendPlanes = new Float64Array(2 * plane);
  const blend = blendPlanes.subarray(0, plane);
  const blendLast = blendPlanes.subarray(plane).fill(NaN);
  const isKeep = new Uint8Array(plane);
  const complement = 1 - smooth.alpha;
  const mean = smooth.aggregate === 'mean';
  if (sampling) sampledBlend(valid, window, region, graph, rowWeights, deltas, offsets, complement, mean, pixelWeights!, blend, blendLast, isKeep);
  else {
    const r = graph.radius;
    const rowStart = (y: number) => (y - window.y0) * w;
    for (let y = region.y0; y < region.y0 + region.height; y++) {
      const rb = (y - region.y0) * K;
      const interiorRow = y >= r && y < graph.rasterHeight - r;
      // Columns whose whole window lies in the raster: no bounds to check.
      const fastFrom = interiorRow ? Math.max(region.x0, r) : region.x0 + region.width;
      const fastTo = interiorRow ? Math.min(region.x0 + region.width, graph.rasterWidth - r) : fastFrom;
      const i0 = rowStart(y) - window.x0;
      blendRun(valid, deltas, rowWeights, rb, i0 + fastFrom, i0 + fastTo, complement, mean, blend, blendLast, isKeep);
      for (let x = region.x0; x < region.x0 + region.width; x++) {
        if (x === fastFrom && fastTo > fastFrom) x = fastTo;
        if (x >= region.x0 + region.width) break;
        edgeBlend(valid, window, x, y, i0 + x, offsets, deltas, rowWeights, rb, complement, mean, blend, blendLast, isKeep);
      }
    }
  }
  return { blend, blendLast, isKeep, pixelWeights };
}

/** Marks a node that keeps its value, or sets its blend factor (1 - alpha) / N. */
function setBlend(i: number, count: number, weightSum: number, complement: number, mean: boolean, blend: Float64Array, blendLast: Float64Array, isKeep: Uint8Array): void {
  const normaliser = mean ? weightSum : 1;
  if (count === 0 || normaliser === 0) {
    isKeep[i] = 1;
    blendLast[i] = 0;
  } else {
    blend[i] = complement / normaliser;
    blendLast[i] = blend[i];
  }
}

/** Blend factors of the nodes i0 .. i1 - 1 of a row whose windows lie in the raster: w * 0 adds nothing, so no branch per neighbour. */
function blendRun(valid: Uint8Array, deltas: Int32Array, rowWeights: Float64Array, rb: number, i0: number, i1: number, complement: number, mean: boolean, blend: Float64Array, blendLast: Float64Array, isKeep: Uint8Array): void {
  const K = deltas.length;
  for (let i = i0; i < i1; i++) {
    if (valid[i] !== 1) continue;
    let count = 0;
    let weightSum = 0;
    for (let k = 0; k < K; k++) {
      const v = valid[i + deltas[k]];
      count += v;
      weightSum += rowWeights[rb + k] * v;
    }
    setBlend(i, count, weightSum, complement, mean, blend, blendLast, isKeep);
  }
}

/** Blend factor of a node near the raster edge: only the neighbours inside the window (the raster) count. */
function edgeBlend(valid: Uint8Array, window: Rect, x: number, y: number, i: number, offsets: { dx: Int32Array; dy: Int32Array }, deltas: Int32Array, rowWeights: Float64Array, rb: number, complement: number, mean: boolean, blend: Float64Array, blendLast: Float64Array, isKeep: Uint8Array): void {
  if (valid[i] !== 1) return;
  let count = 0;
  let weightSum = 0;
  for (let k = 0; k < deltas.length; k++) {
    const nx = x + offsets.dx[k], ny = y + offsets.dy[k];
    if (nx < window.x0 || nx >= window.x0 + window.width || ny < window.y0 || ny >= window.y0 + window.height || valid[i + deltas[k]] !== 1) continue;
    count++;
    weightSum += rowWeights[rb + k];
  }
  setBlend(i, count, weightSum, complement, mean, blend, blendLast, isKeep);
}

/** With fanout sampling: each node's kept neighbours (sampleNeighbours), their weights per pixel, and its blend factor. */
function sampledBlend(valid: Uint8Array, window: Rect, region: Rect, graph: GraphParams, rowWeights: Float64Array, deltas: Int32Array, offsets: { dx: Int32Array; dy: Int32Array }, complement: number, mean: boolean, pixelWeights: Float64Array, blend: Float64Array, blendLast: Float64Array, isKeep: Uint8Array): void {
  const K = deltas.length;
  const w = window.width;
  const plane = w * window.height;
  const candidates = new Int32Array(K), kept = new Int32Array(K), hashScratch = new Uint32Array(K);
  const wx1 = window.x0 + w, wy1 = window.y0 + window.height;
  for (let y = region.y0; y < region.y0 + region.height; y++) {
    const rb = (y - region.y0) * K;
    for (let x = region.x0; x < region.x0 + region.width; x++) {
      const i = (y - window.y0) * w + (x - window.x0);
      if (valid[i] !== 1) continue;
      let count = 0;
      for (let k = 0; k < K; k++) {
        const nx = x + offsets.dx[k], ny = y + offsets.dy[k];
        // The window is the raster clipped to the region plus the radius, so inside it is inside the raster.
        if (nx >= window.x0 && nx < wx1 && ny >= window.y0 && ny < wy1 && valid[i + deltas[k]] === 1) candidates[count++] = k;
      }
      const keptCount = sampleNeighbours(graph.seed, y * graph.rasterWidth + x, candidates, count, graph.fanout, kept, hashScratch);
      let weightSum = 0;
      for (let j = 0; j < keptCount; j++) {
        weightSum += rowWeights[rb + kept[j]];
        pixelWeights[kept[j] * plane + i] = rowWeights[rb + kept[j]];
      }
      setBlend(i, keptCount, weightSum, complement, mean, blend, blendLast, isKeep);
    }
  }
}

