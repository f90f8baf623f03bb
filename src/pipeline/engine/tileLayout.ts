import { readRectInto, type Window } from '../../io/readWindow.js';
import type { Scene } from '../../io/scene.js';

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
 * A tile is READ as the cell [c*Tw, (c+1)*Tw) x [r*Th, (r+1)*Th) of a grid aligned with the
 * file's blocks (when the cell is a multiple of the block size), so every block is decoded
 * once. Cells are T x T (the tile size), except for files stored in strips as wide as the
 * raster (see {@link cellShape}).
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
  /** The cells' width and height (T x T, or full-width cells over strips). */
  cellWidth: number;
  cellHeight: number;
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

/**
 * The cell of a raster whose blocks are `block` (the file's, or its sources'): T x T, but
 * where the blocks are strips as wide as the raster (GDAL's default for untiled GeoTIFFs)
 * and the raster is wider than T, cells span the whole width with about as many pixels as
 * a T x T cell (at least 2 halos; whole strips unless they are taller). A T-wide cell would decode
 * every strip once per cell of its row (and a row of cells of a long stack does not stay
 * in GDAL's block cache): 6x the decoding on a folder of 2048-wide single-date files.
 */
export function cellShape(width: number, height: number, tileSize: number, halo: number, block: { width: number; height: number }): { width: number; height: number } {
  // One block holding the whole raster stays cached whatever the cells: those keep T x T.
  if (!(block.width >= width && width > tileSize && block.height >= 1 && block.height < height)) return { width: tileSize, height: tileSize };
  const rows = Math.max(Math.ceil((tileSize * tileSize) / width), 2 * halo, 1);
  // Whole strips, unless they are taller than two cells (GDAL's cache then keeps a strip for the cells after the first).
  const cellRows = block.height <= 2 * rows ? Math.ceil(rows / block.height) * block.height : rows;
  return { width, height: Math.min(cellRows, Math.max(height, 1)) };
}

export function tileLayout(width: number, height: number, tileSize: number, halo: number, cell = { width: tileSize, height: tileSize }): TileLayout {
  const shifted = halo > 0 && 2 * halo <= Math.min(cell.width, cell.height);
  const shift = shifted ? halo : 0;
  const xs = edges(width, cell.width, shift);
  const ys = edges(height, cell.height, shift);
  const tiles: Window[] = [];
  if (width > 0 && height > 0) {
    for (let r = 0; r + 1 < ys.length; r++) {
      for (let c = 0; c + 1 < xs.length; c++) tiles.push({ x0: xs[c], y0: ys[r], width: xs[c + 1] - xs[c], height: ys[r + 1] - ys[r] });
    }
  }
  return { width, height, tileSize, cellWidth: cell.width, cellHeight: cell.height, halo, shifted, cols: xs.length - 1, rows: ys.length - 1, tiles };
}

/** What tells two layouts apart (size, cells, halo, shift): windows cached under one serve the other only when equal. */
export function layoutKeyOf(layout: TileLayout): string {
  return `${layout.width}x${layout.height}/${layout.cellWidth}x${layout.cellHeight}/${layout.halo}/${layout.shifted}`;
}

export function tileGeometry(layout: TileLayout, index: number): TileGeometry {
  const { cellWidth: Tw, cellHeight: Th, halo: h, width: W, height: H } = layout;
  const col = index % layout.cols, row = Math.floor(index / layout.cols);
  const core = layout.tiles[index];
  const cell = { x0: col * Tw, y0: row * Th, width: Math.min(W, (col + 1) * Tw) - col * Tw, height: Math.min(H, (row + 1) * Th) - row * Th };
  const x0 = Math.max(0, core.x0 - h), y0 = Math.max(0, core.y0 - h);
  const x1 = Math.min(W, core.x0 + core.width + h), y1 = Math.min(H, core.y0 + core.height + h);
  return { col, row, core, window: { x0, y0, width: x1 - x0, height: y1 - y0 }, cell };
}

/** A strip of a window kept for the next tile: `rect` of every band, band after band, row-major. */
interface Strip {
  /** Tile that kept it. */
  from: number;
  rect: Window;
  data: Float32Array;
}

/**
 * Builds each tile's window from its block-aligned cell (read by the caller) and the
 * halo strips of the tiles read before it, so no block of the file is decoded twice
 * (see {@link TileLayout}). After assembling tile i it keeps i's right strip (for the tile
 * to its right) and bottom strip (for the tile below); a strip whose tile was not
 * assembled just before (the first tile of a shard, a subset of tiles) is read from the
 * file instead. Memory: one right strip and one bottom strip per tile column, i.e.
 * 2 * halo rows across the raster: 2h * width * bands values.
 */
export class WindowAssembler {
  private right: Strip | null = null;
  private readonly below = new Map<number, Strip>();
  /** Strips already put into a window, whose buffers can be reused. */
  private readonly spare: Float32Array[] = [];

  constructor(
    private readonly scene: Scene,
    private readonly layout: TileLayout,
    private readonly nBands: number,
  ) {}

  /**
   * Fills the halo strips of tile `index`'s window in `target` (its cell is already
   * there) and keeps the strips later tiles need. Call in the order tiles are read.
   * `withHandle` lends a dataset handle, only for strips nobody kept.
   */
  async assemble(index: number, target: Float32Array, withHandle: <T>(read: (handle: number) => Promise<T>) => Promise<T>): Promise<void> {
    const { layout } = this;
    if (!layout.shifted) return;
    const g = tileGeometry(layout, index);
    const frame = g.window;
    const h2 = g.cell.x0 - frame.x0; // 2h, or 0 in the first column
    const v2 = g.cell.y0 - frame.y0;
    if (h2 > 0) {
      const rect = { x0: frame.x0, y0: frame.y0, width: h2, height: frame.height };
      const kept = this.right;
      if (kept && kept.from === index - 1 && sameRect(kept.rect, rect)) this.put(kept, target, frame);
      else await withHandle((handle) => this.readStrip(rect, target, frame, handle));
    }
    if (this.right) this.spare.push(this.right.data);
    if (v2 > 0) {
      const rect = { x0: frame.x0, y0: frame.y0, width: frame.width, height: v2 };
      const kept = this.below.get(g.col);
      if (kept && kept.from === index - layout.cols && sameRect(kept.rect, rect)) this.put(kept, target, frame);
      else await withHandle((handle) => this.readStrip(rect, target, frame, handle));
    }
    this.right = null;
    if (g.col + 1 < layout.cols) {
      const next = tileGeometry(layout, index + 1);
      const width = next.cell.x0 - next.window.x0;
      this.right = this.take(index, { x0: frame.x0 + frame.width - width, y0: frame.y0, width, height: frame.height }, target, frame);
    }
    const above = this.below.get(g.col);
    if (above) this.spare.push(above.data);
    this.below.delete(g.col);
    if (g.row + 1 < layout.rows) {
      const next = tileGeometry(layout, index + layout.cols);
      const height = next.cell.y0 - next.window.y0;
      this.below.set(g.col, this.take(index, { x0: frame.x0, y0: frame.y0 + frame.height - height, width: frame.width, height }, target, frame));
    }
  }

  private async readStrip(rect: Window, target: Float32Array, frame: Window, handle: number): Promise<void> {
    await readRectInto(this.scene, rect, target, frame, handle);
  }

  /** Copies `rect` of every band out of a window laid out on `frame`. */
  private take(from: number, rect: Window, source: Float32Array, frame: Window): Strip {
    const plane = frame.width * frame.height;
    const size = rect.width * rect.height;
    const i = this.spare.findIndex((a) => a.length === size * this.nBands);
    const data = i >= 0 ? this.spare.splice(i, 1)[0] : new Float32Array(size * this.nBands);
    for (let b = 0; b < this.nBands; b++) {
      for (let r = 0; r < rect.height; r++) {
        const at = b * plane + (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
        copyRow(source, at, data, b * size + r * rect.width, rect.width);
      }
    }
    return { from, rect, data };
  }

  /** Writes a kept strip into a window laid out on `frame`. */
  private put(strip: Strip, target: Float32Array, frame: Window): void {
    const { rect, data } = strip;
    const plane = frame.width * frame.height;
    const size = rect.width * rect.height;
    for (let b = 0; b < this.nBands; b++) {
      for (let r = 0; r < rect.height; r++) {
        const at = b * plane + (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
        copyRow(data, b * size + r * rect.width, target, at, rect.width);
      }
    }
  }
}

/** Narrower rows than this are copied value by value: a subarray per row of a 2h-wide strip costs more than its copy. */
const SET_FROM = 64;

/** Copies n values from `from` at `a` to `to` at `b`. */
function copyRow(from: Float32Array, a: number, to: Float32Array, b: number, n: number): void {
  if (n >= SET_FROM) to.set(from.subarray(a, a + n), b);
  else for (let i = 0; i < n; i++) to[b + i] = from[a + i];
}

function sameRect(a: Window, b: Window): boolean {
  return a.x0 === b.x0 && a.y0 === b.y0 && a.width === b.width && a.height === b.height;
}
