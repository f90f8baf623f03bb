/**
 * The square-cell grid points are gridded onto. The origin is a multiple of the
 * cell size, so two runs with the same CRS and cell size put their cells on the
 * same lines whatever the extent of their points (a model's cells stay the cells
 * of a later download).
 */

/** A north-up grid of square cells: cell (col, row) covers [x0 + col*size, x0 + (col+1)*size) x (y0 - (row+1)*size, y0 - row*size]. */
export interface PointGrid {
  /** CRS of the grid, as GDAL takes it (e.g. EPSG:32634). */
  crs: string;
  cellSize: number;
  /** Upper-left corner. */
  originX: number;
  originY: number;
  width: number;
  height: number;
}

/** The grid recorded in a model and its outputs (with how the values were made). */
export interface PointGridRecord {
  crs: string;
  cellSize: number;
  originX: number;
  originY: number;
  width: number;
  height: number;
  cellStat: CellStat;
  reference: SeriesReference;
}

export type CellStat = 'mean' | 'median';
export type SeriesReference = 'first' | 'none';
export const CELL_STATS: CellStat[] = ['mean', 'median'];
export const SERIES_REFERENCES: SeriesReference[] = ['first', 'none'];

/** The smallest aligned grid holding every point of `bounds`. */
export function gridCovering(bounds: { minX: number; minY: number; maxX: number; maxY: number }, cellSize: number, crs: string): PointGrid {
  const col0 = Math.floor(bounds.minX / cellSize);
  const col1 = Math.floor(bounds.maxX / cellSize);
  // A row holds y in (top - size, top]: the top edge at or above the northernmost point, the bottom edge below the southernmost.
  const rowTop = Math.ceil(bounds.maxY / cellSize);
  const rowBottom = Math.ceil(bounds.minY / cellSize) - 1;
  return { crs, cellSize, originX: col0 * cellSize, originY: rowTop * cellSize, width: col1 - col0 + 1, height: rowTop - rowBottom };
}

/** Row-major cell index of (x, y), or -1 outside the grid. */
export function cellIndex(grid: PointGrid, x: number, y: number): number {
  const col = Math.floor((x - grid.originX) / grid.cellSize);
  const row = Math.floor((grid.originY - y) / grid.cellSize);
  if (col < 0 || row < 0 || col >= grid.width || row >= grid.height) return -1;
  return row * grid.width + col;
}

/** GDAL geotransform of the grid. */
export function gridGeoTransform(grid: PointGrid): number[] {
  return [grid.originX, grid.cellSize, 0, grid.originY, 0, -grid.cellSize];
}

/**
 * The UTM zone (WGS 84, EPSG:326NN north / 327NN south) of a lon/lat, with the
 * exceptions of south-western Norway (32V) and Svalbard (31X..37X), where our
 * users are.
 */
export function utmEpsg(lon: number, lat: number): number {
  let zone = Math.floor((lon + 180) / 6) + 1;
  if (lat >= 56 && lat < 64 && lon >= 3 && lon < 12) zone = 32;
  if (lat >= 72 && lat < 84) {
    if (lon >= 0 && lon < 9) zone = 31;
    else if (lon >= 9 && lon < 21) zone = 33;
    else if (lon >= 21 && lon < 33) zone = 35;
    else if (lon >= 33 && lon < 42) zone = 37;
  }
  zone = Math.min(60, Math.max(1, zone));
  return (lat >= 0 ? 32600 : 32700) + zone;
}

const NICE = [1, 2, 2.5, 5, 10];

/**
 * The cell size a point spacing suggests: the nearest (on a log scale) of 1, 2,
 * 2.5 and 5 times a power of ten, in metres. Nearest, not next above: the
 * spacing of a regular product (EGMS L3, 100 m) measured on the ground comes out
 * a fraction of a percent off and must stay 100.
 */
export function niceCellSize(spacing: number): number {
  if (!(spacing > 0) || !Number.isFinite(spacing)) return 100;
  const p = 10 ** Math.floor(Math.log10(spacing));
  const f = Math.log(spacing / p);
  let best = NICE[0];
  for (const n of NICE) if (Math.abs(Math.log(n) - f) < Math.abs(Math.log(best) - f)) best = n;
  return Number((best * p).toPrecision(6));
}
