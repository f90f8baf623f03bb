import { hashKeys, SeededRandom } from './random.js';

/**
 * Smooth random fields: a coarse grid of independent normal values,
 * interpolated to pixels. Thresholding such a field gives contiguous blobs,
 * which is what regimes, coverage gaps and atmospheric delay look like.
 */

/** A coarse grid of values whose nodes are `cellPixels` apart on the pixel grid. */
export interface CoarseGrid {
  nodesX: number;
  nodesY: number;
  cellPixels: number;
  values: Float64Array;
}

/** A coarse grid of standard normals covering a `width` x `height` raster. */
export function randomCoarseGrid(width: number, height: number, cellPixels: number, key: number): CoarseGrid {
  const nodesX = Math.ceil(width / cellPixels) + 1;
  const nodesY = Math.ceil(height / cellPixels) + 1;
  const rng = new SeededRandom(key);
  const values = new Float64Array(nodesX * nodesY);
  for (let i = 0; i < values.length; i++) values[i] = rng.gaussian();
  return { nodesX, nodesY, cellPixels, values };
}

/**
 * For every pixel column (or row): the coarse node to its left and the weight
 * of the node to its right. Precomputed once so interpolation is a flat loop.
 */
export interface AxisInterpolation {
  lower: Int32Array;
  weight: Float32Array;
}

/** Interpolation indices along one axis; `smooth` uses smoothstep weights (no creases at nodes). */
export function axisInterpolation(pixels: number, cellPixels: number, smooth: boolean): AxisInterpolation {
  const lower = new Int32Array(pixels);
  const weight = new Float32Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const position = (i + 0.5) / cellPixels;
    const node = Math.floor(position);
    const t = position - node;
    lower[i] = node;
    weight[i] = smooth ? t * t * (3 - 2 * t) : t;
  }
  return { lower, weight };
}

/**
 * Adds `amplitude` times the interpolated grid to `out` (row-major `width` x `height`).
 * One row of the grid is first interpolated in y, then each pixel only lerps in x.
 */
export function addInterpolatedGrid(
  out: Float32Array,
  width: number,
  height: number,
  grid: CoarseGrid,
  amplitude: number,
  smooth: boolean,
): void {
  const xs = axisInterpolation(width, grid.cellPixels, smooth);
  const ys = axisInterpolation(height, grid.cellPixels, smooth);
  const row = new Float64Array(grid.nodesX);
  for (let y = 0; y < height; y++) {
    interpolateGridRow(grid, ys.lower[y], ys.weight[y], row);
    const base = y * width;
    for (let x = 0; x < width; x++) {
      const i = xs.lower[x];
      const w = xs.weight[x];
      out[base + x] += amplitude * (row[i] + w * (row[i + 1] - row[i]));
    }
  }
}

/** Interpolates the grid between node rows `lowerRow` and `lowerRow + 1` into `row`. */
export function interpolateGridRow(grid: CoarseGrid, lowerRow: number, weight: number, row: Float64Array): void {
  const a = lowerRow * grid.nodesX;
  const b = a + grid.nodesX;
  for (let i = 0; i < grid.nodesX; i++) row[i] = grid.values[a + i] + weight * (grid.values[b + i] - grid.values[a + i]);
}

const MIN_OCTAVE_CELL_PIXELS = 8;

/**
 * A fractal smooth field with roughly unit variance: octaves of value noise,
 * each twice as fine and half as strong as the previous one, so blobs have
 * ragged but still contiguous edges.
 */
export function smoothRandomField(
  width: number,
  height: number,
  cellPixels: number,
  key: number,
  octaves = 2,
): Float32Array {
  const out = new Float32Array(width * height);
  let amplitude = 1;
  let power = 0;
  let cell = cellPixels;
  // Octaves finer than a few pixels would only add salt-and-pepper, not shape.
  for (let o = 0; o < octaves && (o === 0 || cell >= MIN_OCTAVE_CELL_PIXELS); o++) {
    addInterpolatedGrid(out, width, height, randomCoarseGrid(width, height, cell, hashKeys(key, o)), amplitude, true);
    power += amplitude * amplitude;
    amplitude *= 0.5;
    cell /= 2;
  }
  // Interpolated value noise has about half the nodes' variance between nodes.
  const scale = 1 / Math.sqrt(0.5 * power);
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}
