import type { Window } from '../../io/readWindow.js';

/** Core windows of `tileSize` covering the raster, row-major. */
export function tileGrid(width: number, height: number, tileSize: number): Window[] {
  const tiles: Window[] = [];
  for (let y0 = 0; y0 < height; y0 += tileSize) {
    for (let x0 = 0; x0 < width; x0 += tileSize) {
      tiles.push({ x0, y0, width: Math.min(tileSize, width - x0), height: Math.min(tileSize, height - y0) });
    }
  }
  return tiles;
}

/**
 * How the passes cut the raster into tiles.
 *
 * A tile is READ as the cell [c*T, (c+1)*T) x [r*T, (r+1)*T) of a grid aligned with the
 * file's blocks (when T is a multiple of the block size), so every block is decoded once.
 * Its halo on the left and top comes from the strips kept from the tiles read before it,
 * not from the file. For that to work without reading ahead into the next tile row, the
 * tile's OUTPUT (its core) is its cell moved up and left by the halo h: the core's halo
 * then ends exactly at the cell's right and bottom edges. The cores still partition the
 * raster (the first row/column is h narrower, the last h wider), and since results never
 * depend on the tiling, the labels are the same bits.
 *
 * When 2h > T (the strips would come from more than one neighbour) or h = 0 the cores are
 * the cells themselves and each tile's window is read whole (halo and all).
 */
export interface TileLayout {
  width: number;
  height: number;
  tileSize: number;
  halo: number;
  /** Cores are the cells moved up-left by the halo; windows are assembled from cells and strips. */
  shifted: boolean;
  cols: number;
  rows: number;
  /** Output cores, row-major: tile r * cols + c. */
  tiles: Window[];
}

/** Where tile `index` of a layout reads and what it produces. */
export interface TileGeometry {
  col: number;
  row: number;
  core: Window;
  /** The core grown by the halo, clipped at the raster's edges: what the tile's job needs. */
  window: Window;
  /** The block-aligned cell read from the file; the rest of the window comes from strips. */
  cell: Window;
}

function edges(size: number, tileSize: number, shift: number): number[] {
  const n = Math.max(1, Math.ceil(size / tileSize));
  const e = [0];
  for (let i = 1; i < n; i++) e.push(i * tileSize - shift);
  e.push(size);
  return e;
}

export function tileLayout(width: number, height: number, tileSize: number, halo: number): TileLayout {
  const shifted = halo > 0 && 2 * halo <= tileSize;
  const shift = shifted ? halo : 0;
  const xs = edges(width, tileSize, shift);
  const ys = edges(height, tileSize, shift);
  const tiles: Window[] = [];
  if (width > 0 && height > 0) {
    for (let r = 0; r + 1 < ys.length; r++) {
      for (let c = 0; c + 1 < xs.length; c++) tiles.push({ x0: xs[c], y0: ys[r], width: xs[c + 1] - xs[c], height: ys[r + 1] - ys[r] });
    }
  }
  return { width, height, tileSize, halo, shifted, cols: xs.length - 1, rows: ys.length - 1, tiles };
}

export function tileGeometry(layout: TileLayout, index: number): TileGeometry {
  const { tileSize: T, halo: h, width: W, height: H } = layout;
  const col = index % layout.cols, row = Math.floor(index / layout.cols);
  const core = layout.tiles[index];
  const cell = { x0: col * T, y0: row * T, width: Math.min(W, (col + 1) * T) - col * T, height: Math.min(H, (row + 1) * T) - row * T };
  const x0 = Math.max(0, core.x0 - h), y0 = Math.max(0, core.y0 - h);
  const x1 = Math.min(W, core.x0 + core.width + h), y1 = Math.min(H, core.y0 + core.height + h);
  return { col, row, core, window: { x0, y0, width: x1 - x0, height: y1 - y0 }, cell };
}
