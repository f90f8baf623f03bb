/**
 * The typical spacing of the points, from which the default cell size comes:
 * the side of the square that holds one point on average where there are
 * points (100 m for EGMS L3's 100 m grid; for scattered PS points, the cell that
 * holds about one point). "Where there are points" is measured by occupancy of a
 * grid of a few times that size, so empty land does not make dense towns look
 * sparse; a first, coarse occupancy gives the size of the second. Memory is the
 * occupancy bitmap (at most `maxCells` bytes), whatever the number of points.
 */

/** Calls `visit` with every point's (x, y) in metres (a projected CRS). */
export type PointVisitor = (visit: (x: number, y: number) => void) => void;

export interface Extent {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Cells of `cellSize` over `extent` holding at least one point. */
export function occupiedCells(points: PointVisitor, extent: Extent, cellSize: number): number {
  const w = Math.max(1, Math.ceil((extent.maxX - extent.minX) / cellSize) + 1);
  const h = Math.max(1, Math.ceil((extent.maxY - extent.minY) / cellSize) + 1);
  const bitmap = new Uint8Array(w * h);
  let occupied = 0;
  points((x, y) => {
    const i = Math.floor((y - extent.minY) / cellSize) * w + Math.floor((x - extent.minX) / cellSize);
    if (bitmap[i] === 0) {
      bitmap[i] = 1;
      occupied++;
    }
  });
  return occupied;
}

/**
 * The spacing of `n` points (metres), or null for fewer than two points or no
 * extent. Occupancy only measures the spacing with cells a few spacings wide
 * (finer cells hold one point each and just return their own size), so the
 * cell grows to three times the last estimate until the estimate settles.
 */
export function pointSpacing(points: PointVisitor, extent: Extent, n: number, maxCells = 16 * 1024 * 1024): number | null {
  const width = extent.maxX - extent.minX, height = extent.maxY - extent.minY;
  if (n < 2 || !(width > 0 || height > 0)) return null;
  const floor = Math.sqrt((Math.max(width, 1) * Math.max(height, 1)) / maxCells);
  let cell = Math.max(floor, Math.max(width, height) / 256);
  let spacing = Infinity;
  for (let round = 0; round < 12; round++) {
    const next = Math.sqrt((occupiedCells(points, extent, cell) * cell * cell) / n);
    const settled = next < cell / 2 && Math.abs(next - spacing) < 0.03 * next;
    spacing = next;
    if (settled) break;
    cell = Math.max(floor, 3 * next);
  }
  return spacing;
}
