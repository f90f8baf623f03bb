/**
 * A deliberately simple whole-raster implementation of the H-hop smoothing of docs/DESIGN.md (method 4),
 * for checking the tiled production kernel bit for bit. No tiling, no halos, no CSR, no
 * buffer reuse: every node's neighbour list is built from the whole raster in window order.
 *
 * Its arithmetic follows the documented numerics so the comparison can be exact (the fixed
 * order chosen in issue 13, when the kernels became dense masked sums): per pixel and feature
 * S = 0 + the Float64 sum in window order of w * value over the kept neighbours, N = the sum of
 * the kept w in window order (mean) or 1 (sum), and the new value is
 * alpha * x + ((1 - alpha) / N) * S in Float64; every hop is stored as Float32.
 */
import { groundDistancesForRow } from '../../src/graph/groundDistance.js';
import { neighbourOffsets } from '../../src/graph/offsets.js';
import { sampleNeighbours } from '../../src/graph/sampling.js';
import { WEIGHT_FUNCTIONS } from '../../src/graph/weights.js';
import type { GraphParams, SmoothParams } from '../../src/smooth/types.js';

/** A whole raster: pixel-interleaved values and a node mask. */
export interface WholeRaster {
  width: number;
  height: number;
  nFeatures: number;
  data: Float32Array;
  valid: Uint8Array;
}

interface Edge {
  pixel: number;
  weight: number;
}

/** A node's kept neighbours and N; no edges means "keeps its value". */
interface NeighbourList {
  edges: Edge[];
  normaliser: number;
}

/** The smoothed raster, pixel-interleaved, NaN for non-nodes. */
export function referenceSmooth(raster: WholeRaster, graph: GraphParams, smooth: SmoothParams): Float32Array {
  const { width, height, nFeatures } = raster;
  const neighbours = referenceNeighbourLists(raster, graph, smooth.aggregate);

  let current = new Float32Array(width * height * nFeatures).fill(NaN);
  for (let pixel = 0; pixel < width * height; pixel++) {
    if (raster.valid[pixel] !== 1) continue;
    for (let f = 0; f < nFeatures; f++) current[pixel * nFeatures + f] = raster.data[pixel * nFeatures + f];
  }

  for (let hop = 1; hop <= smooth.hops; hop++) {
    const next = new Float32Array(current.length).fill(NaN);
    for (let pixel = 0; pixel < width * height; pixel++) {
      if (raster.valid[pixel] !== 1) continue;
      const { edges, normaliser } = neighbours[pixel];
      for (let f = 0; f < nFeatures; f++) {
        const own = current[pixel * nFeatures + f];
        if (edges.length === 0) {
          next[pixel * nFeatures + f] = own;
          continue;
        }
        let sum = 0;
        for (const edge of edges) sum += edge.weight * current[edge.pixel * nFeatures + f];
        next[pixel * nFeatures + f] = smooth.alpha * own + ((1 - smooth.alpha) / normaliser) * sum;
      }
    }
    current = next;
  }
  return current;
}

/** Each node's kept neighbours with their weights, and N; an empty list means "keeps its value". */
export function referenceNeighbourLists(raster: WholeRaster, graph: GraphParams, aggregate: SmoothParams['aggregate']): NeighbourList[] {
  const { width, height } = raster;
  const offsets = neighbourOffsets(graph.radius, graph.connectivity);
  const weightOf = WEIGHT_FUNCTIONS[graph.weights];
  const lists: NeighbourList[] = [];
  for (let row = 0; row < height; row++) {
    const distances = groundDistancesForRow(graph.grid, row, offsets);
    for (let col = 0; col < width; col++) {
      const pixel = row * width + col;
      if (raster.valid[pixel] !== 1) {
        lists.push({ edges: [], normaliser: 1 });
        continue;
      }
      const candidates: number[] = [];
      for (let k = 0; k < offsets.dx.length; k++) {
        const x = col + offsets.dx[k];
        const y = row + offsets.dy[k];
        if (x >= 0 && x < width && y >= 0 && y < height && raster.valid[y * width + x] === 1) candidates.push(k);
      }
      const kept = new Int32Array(candidates.length);
      const keptCount = sampleNeighbours(graph.seed, pixel, Int32Array.from(candidates), candidates.length, graph.fanout, kept);
      const keptOffsets = Array.from(kept.subarray(0, keptCount));
      const weights = keptOffsets.map((k) => weightOf(distances[k], graph.sigma));
      let weightSum = 0;
      for (const w of weights) weightSum += w;
      if (aggregate === 'mean' && weightSum === 0) {
        lists.push({ edges: [], normaliser: 0 });
        continue;
      }
      lists.push({
        edges: keptOffsets.map((k, i) => ({ pixel: (row + offsets.dy[k]) * width + (col + offsets.dx[k]), weight: weights[i] })),
        normaliser: aggregate === 'mean' ? weightSum : 1,
      });
    }
  }
  return lists;
}
