import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { BandAccumulator, planBands, referToFirstDate, valuesPerSlice } from '../../points/cellAccumulator.js';
import type { ColumnOverrides } from '../../points/columns.js';
import { cellIndex, gridCovering, niceCellSize, utmEpsg, type CellStat, type PointGrid, type PointGridRecord, type SeriesReference } from '../../points/grid.js';
import { parseLineNumbers } from '../../points/lineNumbers.js';
import { NOT_A_NUMBER } from '../../points/parseNumber.js';
import { pointSpacing } from '../../points/spacing.js';
import { RecordReader, RecordWriter } from './binaryFiles.js';
import { streamCsvRows } from './csvStream.js';
import { GriddedRaster, STRIP_ROWS } from './griddedRasters.js';
import { fromLonLatConverter, pointCrs, type PointCrs } from './pointCrs.js';
import { lineError, scanPoints, type PointScan } from './scanPoints.js';

/** How points become cells (the command line's point options). */
export interface GriddingOptions {
  columns: ColumnOverrides;
  /** `--cell-size` metres; default from the point spacing. */
  cellSize?: number;
  /** `--grid-crs`; default the UTM zone of the points' centre. */
  gridCrs?: string;
  cellStat: CellStat;
  reference: SeriesReference;
  /** A saved model's grid: its CRS and cell size (so its cells), its reference and statistic. */
  targetGrid?: PointGridRecord;
  /** Memory for one band of grid rows (bytes). */
  bandBudgetBytes?: number;
  /** Write the layers here, DEFLATE-compressed (`grid --out`), instead of uncompressed in the scratch folder. */
  outputs?: { displacement: string; statics: string; count: string };
  info?(message: string): void;
}

/** Points gridded into files in the scratch folder. */
export interface GriddedPoints {
  scan: PointScan;
  grid: PointGrid;
  gridSrsWkt: string;
  record: PointGridRecord;
  displacement: string;
  statics: string | null;
  count: string;
  /** Each point's cell (Int32, -1 never happens: the grid covers every point), in file order. */
  cellsPath: string;
  /** Each point's coordinates on the grid CRS (x, y Float64), in file order. */
  gridXyPath: string;
  /** Date values that were empty or NaN, over all points. */
  missingValues: number;
  /** Points whose series had no value at all. */
  emptySeries: number;
  cellSizeFrom: string;
  gridCrsFrom: string;
  /** Cells with at least one point. */
  occupiedCells: number;
  dispose(): void;
}

const DEFAULT_BAND_BUDGET = 96 * 1024 * 1024;
const MAX_CELLS = 2 ** 31 - 1;

/** A scan placed on the grid CRS: the points' extent there, their spacing, the cell size and where each choice came from. */
export interface PlacedPoints {
  scan: PointScan;
  gridCrs: PointCrs;
  crs: string;
  crsFrom: string;
  extent: { minX: number; minY: number; maxX: number; maxY: number };
  /** Side of the square holding one point on average where there are points, metres. */
  spacing: number | null;
  cellSize: number;
  cellSizeFrom: string;
  /** Grid coordinates of every point, in file order (16 bytes a point). */
  gridXyPath: string;
}

/**
 * Passes 1-2: the scan, then every point on the grid CRS (default: the UTM zone
 * of the points' centre), its extent and spacing there, and the cell size
 * (default: the spacing, rounded to 1, 2, 2.5 or 5 x 10^n m).
 */
export async function placePoints(scan: PointScan, options: Pick<GriddingOptions, 'cellSize' | 'gridCrs' | 'targetGrid'>): Promise<PlacedPoints> {
  const t = options.targetGrid;
  const centreLon = (scan.lonLat.west + scan.lonLat.east) / 2, centreLat = (scan.lonLat.south + scan.lonLat.north) / 2;
  const crs = t ? t.crs : options.gridCrs ?? `EPSG:${utmEpsg(centreLon, centreLat)}`;
  const crsFrom = t ? 'the model (--model)' : options.gridCrs ? '--grid-crs' : `UTM zone of the points' centre (lon ${centreLon.toFixed(3)}, lat ${centreLat.toFixed(3)})`;
  const gridCrs = pointCrs(crs, options.gridCrs ? '--grid-crs' : 'the grid CRS');
  if (gridCrs.geographic) throw new UserError(`--grid-crs ${crs} is geographic (degrees); cells are square in metres: give a projected CRS such as EPSG:25833.`);
  const project = fromLonLatConverter(gridCrs);
  const reader = new RecordReader(scan.lonLatPath, 16);
  const gridXyPath = join(scan.scratch, 'grid.f64');
  const writer = new RecordWriter(gridXyPath, 16);
  const xy: [number, number] = [0, 0];
  const extent = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  try {
    for (let at = reader.next(); at >= 0; at = reader.next()) {
      xy[0] = reader.f64[at / 8];
      xy[1] = reader.f64[at / 8 + 1];
      const [x, y] = project(xy);
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new UserError(`'${scan.input}': a point at lon ${xy[0].toFixed(5)}, lat ${xy[1].toFixed(5)} cannot be placed on the grid CRS ${crs}. Choose a grid CRS that covers the points (--grid-crs).`);
      }
      if (x < extent.minX) extent.minX = x;
      if (x > extent.maxX) extent.maxX = x;
      if (y < extent.minY) extent.minY = y;
      if (y > extent.maxY) extent.maxY = y;
      const w = writer.next() / 8;
      writer.f64[w] = x;
      writer.f64[w + 1] = y;
      writer.commit();
    }
  } finally {
    reader.close();
    writer.close();
  }
  const spacing = pointSpacing((visit) => {
    const r = new RecordReader(gridXyPath, 16);
    for (let at = r.next(); at >= 0; at = r.next()) visit(r.f64[at / 8], r.f64[at / 8 + 1]);
    r.close();
  }, extent, scan.points);
  const cellSize = t ? t.cellSize : options.cellSize ?? niceCellSize(spacing ?? NaN);
  const cellSizeFrom = t
    ? 'the model (--model)'
    : options.cellSize
      ? '--cell-size'
      : spacing
        ? `point spacing (one point per ${spacing.toFixed(1)} m square where there are points, rounded to ${cellSize} m)`
        : 'default (too few points to measure their spacing)';
  if (!(cellSize > 0)) throw new UserError(`--cell-size ${cellSize}: expected a positive number of metres.`);
  return { scan, gridCrs, crs, crsFrom, extent, spacing, cellSize, cellSizeFrom, gridXyPath };
}

/**
 * Grids point CSVs: cell means (or medians) of every date and static
 * attribute, and point counts, under bounded memory whatever the number of
 * points and dates. Passes: (1) scan, keeping lon/lat; (2) lon/lat to grid
 * coordinates, for the extent and spacing; (3) each point's cell and the points
 * per grid row; (4) the values, spilled as binary rows into bands of grid rows
 * sized to a memory budget; (5) band by band, the cell statistics, written as
 * rows of the output rasters.
 */
export async function gridPoints(input: string, options: GriddingOptions): Promise<GriddedPoints> {
  const scan = await scanPoints(input, options.columns, options.info);
  try {
    return await gridScanned(await placePoints(scan, options), options);
  } catch (err) {
    scan.dispose();
    throw err;
  }
}

async function gridScanned(placed: PlacedPoints, options: GriddingOptions): Promise<GriddedPoints> {
  const { scan, gridCrs } = placed;
  const reference = options.targetGrid?.reference ?? options.reference;
  const cellStat = options.targetGrid?.cellStat ?? options.cellStat;
  const grid = gridCovering(placed.extent, placed.cellSize, placed.crs);
  if (grid.width * grid.height > MAX_CELLS) {
    const e = placed.extent;
    throw new UserError(
      `'${scan.input}': ${grid.width} x ${grid.height} cells of ${grid.cellSize} m are too many for one grid (the points span ${((e.maxX - e.minX) / 1000).toFixed(1)} x ${((e.maxY - e.minY) / 1000).toFixed(1)} km). ` +
        'Give a larger --cell-size, or fewer files at once.',
    );
  }
  const record: PointGridRecord = { ...grid, cellStat, reference };
  options.info?.(
    `gridding ${scan.points} points onto ${grid.width} x ${grid.height} cells of ${grid.cellSize} m (${placed.crs}; ${cellStat} per cell, series referred to ${reference === 'first' ? 'their first date' : 'nothing (as in the file)'})`,
  );
  const cellsPath = join(scan.scratch, 'cells.i32');
  const pointsPerRow = countRows(placed, grid, cellsPath);
  const nDates = scan.dates.length, nStatics = scan.staticNames.length, nValues = nDates + nStatics;
  const compress = options.outputs !== undefined;
  const bands = planBands(pointsPerRow, grid.width, nValues, cellStat, options.bandBudgetBytes ?? DEFAULT_BAND_BUDGET, compress ? STRIP_ROWS : 1);
  const spilled = await spillRows(scan, grid, cellsPath, bands, reference);
  const displacement = options.outputs?.displacement ?? join(scan.scratch, 'displacement.tif');
  const statics = nStatics > 0 ? options.outputs?.statics ?? join(scan.scratch, 'static.tif') : null;
  const count = options.outputs?.count ?? join(scan.scratch, 'count.tif');
  const rasters = {
    displacement: new GriddedRaster(displacement, grid, scan.dates, gridCrs.wkt, 'Float32', compress),
    statics: statics ? new GriddedRaster(statics, grid, scan.staticNames, gridCrs.wkt, 'Float32', compress) : null,
    count: new GriddedRaster(count, grid, ['count'], gridCrs.wkt, 'Int32', compress),
  };
  let occupied = 0;
  const budget = options.bandBudgetBytes ?? DEFAULT_BAND_BUDGET;
  const plans = bands.map(([r0, r1]) => {
    let points = 0;
    for (let r = r0; r < r1; r++) points += pointsPerRow[r];
    const cells = (r1 - r0) * grid.width;
    return { r0, r1, cells, slice: valuesPerSlice(cells, points, nValues, cellStat, budget) };
  });
  const acc = new BandAccumulator(Math.max(...plans.map((p) => p.cells)), Math.max(...plans.map((p) => p.cells * p.slice)), cellStat);
  try {
    for (let k = 0; k < plans.length; k++) {
      const { r0: row0, r1: row1, cells, slice } = plans[k];
      const rows = row1 - row0;
      // All values in one read of the band's rows, or (a very wide grid with a long series) a slice of them per read.
      for (let j0 = 0; j0 < nValues; j0 += slice) {
        const n = Math.min(slice, nValues - j0);
        acc.reset(cells, n);
        const reader = new RecordReader(spilled.paths[k], 4 * (1 + nValues));
        for (let at = reader.next(); at >= 0; at = reader.next()) acc.add(reader.i32[at / 4], reader.f32, at / 4 + 1 + j0);
        reader.close();
        const planes = acc.finish();
        for (let j = j0; j < j0 + n; j++) {
          const plane = planes.subarray((j - j0) * cells, (j - j0 + 1) * cells);
          if (j < nDates) rasters.displacement.writeRows(j, row0, rows, plane);
          else rasters.statics!.writeRows(j - nDates, row0, rows, plane);
        }
      }
      rasters.count.writeRows(0, row0, rows, acc.pointCounts);
      for (let c = 0; c < cells; c++) if (acc.pointCounts[c] > 0) occupied++;
    }
    const metadata = {
      SMOOTHCLUSTER_POINTS_PRODUCT: scan.layout,
      SMOOTHCLUSTER_POINTS_CELL_STAT: cellStat,
      SMOOTHCLUSTER_POINTS_REFERENCE: reference,
      SMOOTHCLUSTER_POINTS_CELL_SIZE: String(grid.cellSize),
    };
    rasters.displacement.finish(metadata);
    rasters.statics?.finish(metadata);
    rasters.count.finish(metadata);
  } catch (err) {
    rasters.displacement.abort();
    rasters.statics?.abort();
    rasters.count.abort();
    throw err;
  }
  return {
    scan,
    grid,
    gridSrsWkt: gridCrs.wkt,
    record,
    displacement,
    statics,
    count,
    cellsPath,
    gridXyPath: placed.gridXyPath,
    missingValues: spilled.missing,
    emptySeries: spilled.empty,
    cellSizeFrom: placed.cellSizeFrom,
    gridCrsFrom: placed.crsFrom,
    occupiedCells: occupied,
    dispose: scan.dispose,
  };
}

/** Pass 3: each point's cell (written for pass 4 and the point join) and the points in each grid row. */
function countRows(placed: PlacedPoints, grid: PointGrid, cellsPath: string): Uint32Array {
  const reader = new RecordReader(placed.gridXyPath, 16);
  const writer = new RecordWriter(cellsPath, 4);
  const perRow = new Uint32Array(grid.height);
  for (let at = reader.next(); at >= 0; at = reader.next()) {
    const cell = cellOnGrid(grid, reader.f64[at / 8], reader.f64[at / 8 + 1]);
    perRow[Math.floor(cell / grid.width)]++;
    writer.i32[writer.next() / 4] = cell;
    writer.commit();
  }
  reader.close();
  writer.close();
  return perRow;
}

/** Pass 4: the CSVs again, each point's values (referred, float32) spilled into its band's file with its cell in the band. */
async function spillRows(scan: PointScan, grid: PointGrid, cellsPath: string, bands: [number, number][], reference: SeriesReference) {
  const nDates = scan.dates.length, nStatics = scan.staticNames.length, nValues = nDates + nStatics;
  const recordBytes = 4 * (1 + nValues);
  const bandOfRow = new Int32Array(grid.height);
  bands.forEach(([r0, r1], k) => bandOfRow.fill(k, r0, r1));
  const bufferBytes = Math.max(recordBytes, Math.min(1 << 18, Math.floor((64 << 20) / bands.length)));
  const paths = bands.map((_b, k) => join(scan.scratch, `band-${k}.rows`));
  const writers = paths.map((p) => new RecordWriter(p, recordBytes, bufferBytes));
  const cells = new RecordReader(cellsPath, 4);
  const values = new Float64Array(nValues);
  let missing = 0, empty = 0;
  try {
    for (const s of scan.files) {
      const c = s.columns;
      const nFields = c.header.length;
      const slots = new Int32Array(nFields).fill(-1);
      c.dateColumns.forEach((col, j) => (slots[col] = j));
      c.staticColumns.forEach((col, k) => (slots[col] = nDates + k));
      let separator = 0x2c;
      await streamCsvRows(
        s.file,
        (header) => {
          separator = header.separator;
        },
        () => {},
        (b, start, end, line) => {
          const fields = parseLineNumbers(b, start, end, separator, slots, values);
          if (fields !== nFields) {
            throw lineError(s.file, line, `${fields} fields, expected ${nFields} as in the header`, 'Each row needs one value per column (an empty field for a missing one); the file may be cut or damaged.');
          }
          for (let j = 0; j < nValues; j++) {
            const v = values[j];
            if (v === NOT_A_NUMBER) {
              const col = j < nDates ? c.dateColumns[j] : c.staticColumns[j - nDates];
              throw notANumber(s, line, c.header[col], fieldOfLine(b, start, end, separator, col));
            }
            if (v !== v && j < nDates) missing++;
          }
          if (reference === 'first' ? referToFirstDate(values, nDates) < 0 : allMissing(values, nDates)) empty++;
          const cell = cells.i32[cells.next() / 4];
          const k = bandOfRow[Math.floor(cell / grid.width)];
          const w = writers[k];
          const at = w.next() / 4;
          w.i32[at] = cell - bands[k][0] * grid.width;
          for (let j = 0; j < nValues; j++) w.f32[at + 1 + j] = values[j];
          w.commit();
        },
      );
    }
  } finally {
    cells.close();
    for (const w of writers) w.close();
  }
  return { paths, missing, empty };
}

/** The cell of a point of the grid's extent; a point a rounding error outside its edge cell is in it. */
function cellOnGrid(grid: PointGrid, x: number, y: number): number {
  const cell = cellIndex(grid, x, y);
  if (cell >= 0) return cell;
  const col = Math.min(grid.width - 1, Math.max(0, Math.floor((x - grid.originX) / grid.cellSize)));
  const row = Math.min(grid.height - 1, Math.max(0, Math.floor((grid.originY - y) / grid.cellSize)));
  return row * grid.width + col;
}

function allMissing(values: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) if (values[j] === values[j]) return false;
  return true;
}

/** The text of field `col` of a line (for a message; rare, so it may allocate). */
function fieldOfLine(b: Uint8Array, s: number, e: number, separator: number, col: number): string {
  const fields = Buffer.from(b.subarray(s, e)).toString('latin1').replace(/\r$/, '').split(String.fromCharCode(separator));
  return (fields[col] ?? '').replace(/^"|"$/g, '');
}

function notANumber(s: PointScan['files'][number], line: number, column: string, text: string): UserError {
  return lineError(s.file, line, `column '${column}' is '${text}', expected a number (or an empty field / NaN for a missing value)`, 'Fix or remove the row.');
}
