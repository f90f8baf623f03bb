import type { ResolvedSource, SourceOptions, SourceReader } from '../sources/types.js';
import { gridPoints, type GriddedPoints } from './gridPoints.js';
import { writeLabelledPoints } from './labelledPoints.js';
import { readPointsOnMap } from './pointsOnMap.js';
import { looksLikePoints } from './pointFiles.js';

/** The gridding options a reader call carries (defaults: mean per cell, series referred to their first date). */
export function griddingOptionsOf(options: SourceOptions) {
  const p = options.points ?? {};
  return {
    columns: { xColumn: p.xColumn, yColumn: p.yColumn, pointsCrs: p.pointsCrs, staticColumns: p.staticColumns },
    cellSize: p.cellSize,
    gridCrs: p.gridCrs,
    cellStat: p.cellStat ?? 'mean',
    reference: p.reference ?? 'first',
    targetGrid: p.targetGrid,
    info: options.info,
  } as const;
}

/** Where the description of a gridded point source came from. */
export function pointProvenance(g: GriddedPoints): ResolvedSource['provenance'] {
  const { scan, grid, record } = g;
  const notes = [
    `${scan.points} points (${scan.geometry.description}) gridded onto ${grid.width} x ${grid.height} cells of ${grid.cellSize} m, ${g.occupiedCells} with points; ${record.cellStat} of the points per cell`,
    record.reference === 'first'
      ? "each point's series referred to its first date with a value (--reference first)"
      : 'series as in the file (--reference none)',
  ];
  if (g.missingValues > 0) notes.push(`${g.missingValues} empty or NaN date values counted as missing`);
  if (g.emptySeries > 0) notes.push(`${g.emptySeries} points have no value at any date`);
  return {
    product: scan.layout,
    inputs: scan.files.map((f) => f.file.label),
    gridFrom: `points gridded: cell size ${grid.cellSize} m from ${g.cellSizeFrom}, origin a multiple of the cell size`,
    crsFrom: `grid ${grid.crs} from ${g.gridCrsFrom}; points in ${scan.crs.text} (${scan.crsFrom})`,
    datesFrom: 'date columns (YYYYMMDD / YYYY-MM-DD names)',
    units: 'mm (as stored)',
    referenceDate: record.reference === 'first' ? scan.dates[0] : null,
    referencePoint: null,
    sign: scan.geometry.sign,
    notes,
  };
}

/** Resolves point CSVs: grids them into a dated stack (plus statics) in TMPDIR and keeps the way back to the points. */
export async function resolvePoints(input: string, options: SourceOptions): Promise<ResolvedSource> {
  const gridded = await gridPoints(input, griddingOptionsOf(options));
  if (gridded.missingValues > 0) {
    const total = gridded.scan.points * gridded.scan.dates.length;
    options.warn?.(
      `'${input}': ${gridded.missingValues} of ${total} date values are empty or NaN; they count as missing dates (--max-missing decides which cells are used).`,
    );
  }
  let disposed = false;
  return {
    input,
    path: gridded.displacement,
    statics: gridded.statics ? [gridded.statics] : [],
    provenance: pointProvenance(gridded),
    dispose() {
      if (disposed) return;
      disposed = true;
      gridded.dispose();
    },
    points: {
      grid: gridded.record,
      points: gridded.scan.points,
      writeLabelledPoints: (request) => writeLabelledPoints(gridded, request),
      pointsOnMap: (request) => readPointsOnMap(gridded, request),
    },
  };
}

/** EGMS (L2a, L2b, L3), InSAR Norway and other point CSVs (.csv, .csv.gz, .zip of CSVs, globs, @lists). */
export const pointReader: SourceReader = {
  name: 'points',
  claims: looksLikePoints,
  resolve: resolvePoints,
};
