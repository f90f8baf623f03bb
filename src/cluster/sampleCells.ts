import { pixelUniform } from './hashSample.js';
import type { Rect } from '../smooth/types.js';

/** Edge of the fixed cells of the pixel grid the training sample may be drawn within (pixels, from the origin). */
export const SAMPLE_CELL = 256;

/** Hash stream of the cell choice (pixel draws use streams 0 and 1). */
export const STREAM_CELL = 2;

/** One chosen cell: the cell itself (what is read) and the part of it whose nodes are offered. */
export interface SampleCell {
  index: number;
  cell: Rect;
  /** The cell less `margin` pixels on every side that borders another cell: its nodes' neighbourhoods lie inside the cell. */
  interior: Rect;
}

/**
 * The `count` cells of SAMPLE_CELL x SAMPLE_CELL pixels a training sample is drawn within
 * (`--sample-cells`): those with the smallest hash keys of (seed, cell index), in row-major
 * order; null for 0, for a count that covers every cell of the scene, or for a halo
 * (`margin`, H x r) that leaves a cell no interior: the sample is then drawn over every node.
 * Only the scene size, the seed, the count and the margin enter it: never the tile size,
 * threads or shards.
 *
 * Not the default: neighbouring pixels share their atmosphere, terrain and regime patch, so a
 * sample drawn within a few cells holds far fewer independent pieces of the scene than its row
 * count says, and on a 2048 x 2048 synthetic scene the fit fell from 0.77-0.79 ARI against
 * the truth (six seeds, every node) to 0.39-0.83 within 16 of its 64 cells and 0.40-0.72
 * within 32 (BENCHMARKS.md, "Training sample within cells").
 */
export function chooseSampleCells(width: number, height: number, count: number, seed: number, margin: number): SampleCell[] | null {
  const cols = Math.ceil(width / SAMPLE_CELL), rows = Math.ceil(height / SAMPLE_CELL);
  const nCells = cols * rows;
  if (count <= 0 || count >= nCells || 2 * margin >= SAMPLE_CELL) return null;
  const keyed = Array.from({ length: nCells }, (_v, i) => ({ i, key: pixelUniform(seed, i, STREAM_CELL) }));
  keyed.sort((a, b) => a.key - b.key || a.i - b.i);
  const chosen = keyed.slice(0, count).map((c) => c.i).sort((a, b) => a - b);
  return chosen.map((index) => {
    const c = index % cols, r = Math.floor(index / cols);
    const x0 = c * SAMPLE_CELL, y0 = r * SAMPLE_CELL;
    const x1 = Math.min(width, x0 + SAMPLE_CELL), y1 = Math.min(height, y0 + SAMPLE_CELL);
    const ix0 = x0 > 0 ? x0 + margin : 0, iy0 = y0 > 0 ? y0 + margin : 0;
    const ix1 = x1 < width ? x1 - margin : width, iy1 = y1 < height ? y1 - margin : height;
    return {
      index,
      cell: { x0, y0, width: x1 - x0, height: y1 - y0 },
      interior: { x0: ix0, y0: iy0, width: Math.max(0, ix1 - ix0), height: Math.max(0, iy1 - iy0) },
    };
  });
}
