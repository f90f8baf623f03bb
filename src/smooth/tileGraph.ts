import { groundDistancesForRow } from '../graph/groundDistance.js';
import { neighbourOffsets } from '../graph/offsets.js';
import { sampleNeighbours } from '../graph/sampling.js';
import { weightsFromDistances } from '../graph/weights.js';
import type { FeatureTile, GraphParams, Rect, SmoothParams } from './types.js';

/**
 * The sampled, weighted pixel graph of a tile region as compressed sparse rows, built once
 * per tile and reused by every hop (the sampled graph is fixed for all hops).
 */
export interface TileGraph {
  /** Global pixels that have a neighbour list: the largest region any hop computes. */
  region: Rect;
  /** Edges of region pixel p (row-major in `region`) are edgeStart[p] .. edgeStart[p + 1] - 1. */
  edgeStart: Int32Array;
  /** Neighbour position relative to the pixel, as a flat index delta within the tile window. */
  edgeDelta: Int32Array;
  /** Weight of the neighbour (Float64, the whole-raster definition's arithmetic bit for bit). */
  edgeWeight: Float64Array;
  /**
   * Per region pixel, N of the blend x = alpha * own + ((1 - alpha) / N) * sum of weight *
   * value: the sum of the node's kept weights in window order (mean) or 1 (sum).
   */
  normaliser: Float64Array;
}

/**
 * Builds the neighbour lists of every node in `region` (global coordinates, inside the tile window).
 *
 * Candidates are the other nodes of the node's window that lie inside the raster; with a
 * fanout, a node keeps the candidates chosen by `sampleNeighbours`. Kept neighbours stay in
 * window order, which fixes the summation order. A node with no kept neighbour, or whose
 * kept weights sum to zero under the mean (gaussian underflow far beyond sigma), gets an empty
 * list and so keeps its value.
 */
export function buildTileGraph(
  tile: FeatureTile,
  region: Rect,
  graph: GraphParams,
  aggregate: SmoothParams['aggregate'],
): TileGraph {
  const offsets = neighbourOffsets(graph.radius, graph.connectivity);
  const offsetCount = offsets.dx.length;
  const windowWidth = tile.width;
  const offsetDelta = new Int32Array(offsetCount);
  for (let k = 0; k < offsetCount; k++) offsetDelta[k] = offsets.dy[k] * windowWidth + offsets.dx[k];

  const regionPixelCount = region.width * region.height;
  let nodeCount = 0;
  for (let y = region.y0; y < region.y0 + region.height; y++) {
    const windowRowStart = (y - tile.y0) * windowWidth - tile.x0;
    for (let x = region.x0; x < region.x0 + region.width; x++) nodeCount += tile.valid[windowRowStart + x];
  }
  const maxKept = graph.fanout === null ? offsetCount : Math.min(offsetCount, graph.fanout);
  const edgeStart = new Int32Array(regionPixelCount + 1);
  const edgeDelta = new Int32Array(nodeCount * maxKept);
  const edgeWeight = new Float64Array(nodeCount * maxKept);
  const normaliser = new Float64Array(regionPixelCount);

  const candidates = new Int32Array(offsetCount);
  const kept = new Int32Array(offsetCount);
  const hashScratch = new Uint32Array(offsetCount);
  // Projected grids have the same distances on every row; geographic ones change with latitude.
  let rowWeights = graph.grid.geographic ? null : rowWeightTable(graph, 0, offsets);

  // Inside the window is used as "inside the raster": the window is the raster clipped to
  // region ± radius (checked by the caller), so for region pixels the two are the same.
  const windowX1 = tile.x0 + tile.width;
  const windowY1 = tile.y0 + tile.height;
  let edgeCount = 0;
  let regionIndex = 0;
  for (let y = region.y0; y < region.y0 + region.height; y++) {
    if (graph.grid.geographic) rowWeights = rowWeightTable(graph, y, offsets);
    const weightsOfRow = rowWeights as Float64Array;
    for (let x = region.x0; x < region.x0 + region.width; x++, regionIndex++) {
      const windowIndex = (y - tile.y0) * windowWidth + (x - tile.x0);
      if (tile.valid[windowIndex] === 1) {
        let candidateCount = 0;
        for (let k = 0; k < offsetCount; k++) {
          const nx = x + offsets.dx[k];
          const ny = y + offsets.dy[k];
          if (nx < tile.x0 || nx >= windowX1 || ny < tile.y0 || ny >= windowY1) continue;
          if (tile.valid[windowIndex + offsetDelta[k]] === 1) candidates[candidateCount++] = k;
        }
        const globalIndex = y * graph.rasterWidth + x;
        const keptCount = sampleNeighbours(graph.seed, globalIndex, candidates, candidateCount, graph.fanout, kept, hashScratch);
        let weightSum = 0;
        for (let i = 0; i < keptCount; i++) weightSum += weightsOfRow[kept[i]];
        const n = aggregate === 'mean' ? weightSum : 1;
        normaliser[regionIndex] = n;
        if (n !== 0) {
          for (let i = 0; i < keptCount; i++) {
            edgeDelta[edgeCount] = offsetDelta[kept[i]];
            edgeWeight[edgeCount] = weightsOfRow[kept[i]];
            edgeCount++;
          }
        }
      }
      edgeStart[regionIndex + 1] = edgeCount;
    }
  }
  return { region, edgeStart, edgeDelta, edgeWeight, normaliser };
}

function rowWeightTable(graph: GraphParams, row: number, offsets: ReturnType<typeof neighbourOffsets>): Float64Array {
  return weightsFromDistances(groundDistancesForRow(graph.grid, row, offsets), graph.weights, graph.sigma);
}
