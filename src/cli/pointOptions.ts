import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { CELL_STATS, SERIES_REFERENCES, type CellStat, type SeriesReference } from '../points/grid.js';
import type { PointSourceOptions } from '../io/sources/types.js';

const GROUP = 'Point products (EGMS, InSAR Norway CSVs):';

/** Options of every command that may grid point CSVs. */
export function withPointOptions(y: Argv): Argv {
  return y
    .option('x-column', { type: 'string', requiresArg: true, describe: 'easting or longitude column [default: easting (EGMS), else longitude]', group: GROUP })
    .option('y-column', { type: 'string', requiresArg: true, describe: 'northing or latitude column [default: northing (EGMS), else latitude]', group: GROUP })
    .option('points-crs', { type: 'string', requiresArg: true, describe: 'CRS of the coordinate columns [default: EPSG:3035 for EGMS easting/northing, EPSG:4326 for lat/lon]', group: GROUP })
    .option('cell-size', { type: 'number', requiresArg: true, describe: 'grid cell edge in metres [default: from the point spacing]', group: GROUP })
    .option('grid-crs', { type: 'string', requiresArg: true, describe: "CRS of the grid [default: UTM zone of the points' centre]", group: GROUP })
    .option('cell-stat', { choices: CELL_STATS, default: 'mean', describe: 'statistic of the points of a cell', group: GROUP })
    .option('reference', { choices: SERIES_REFERENCES, default: 'first', describe: "refer each point's series to its first date, or keep it as in the file", group: GROUP })
    .option('static-columns', { type: 'string', requiresArg: true, describe: 'static attributes to grid: a,b,c or none [default: height, mean_velocity, temporal_coherence, amplitude_dispersion/quality, rmse present]', group: GROUP });
}

/** `--points-out FILE.gpkg|FILE.csv` of the commands that write labels. */
export function withPointsOutOption(y: Argv): Argv {
  return y.option('points-out', { type: 'string', requiresArg: true, describe: 'labelled points to write with a point input: FILE.gpkg (with FILE.qml) or FILE.csv [default: OUT.points.gpkg]', group: GROUP });
}

/** The point options of parsed arguments. */
export function pointOptionsFrom(args: Record<string, unknown>): PointSourceOptions {
  const cellSize = args['cell-size'] as number | undefined;
  if (cellSize !== undefined && !(cellSize > 0)) throw new UsageError(`--cell-size ${cellSize}: expected a positive number of metres, e.g. --cell-size 50.`);
  const statics = args['static-columns'] as string | undefined;
  return {
    xColumn: args['x-column'] as string | undefined,
    yColumn: args['y-column'] as string | undefined,
    pointsCrs: args['points-crs'] as string | undefined,
    cellSize,
    gridCrs: args['grid-crs'] as string | undefined,
    cellStat: (args['cell-stat'] as CellStat | undefined) ?? 'mean',
    reference: (args.reference as SeriesReference | undefined) ?? 'first',
    pointsOut: pointsOutFrom(args),
    staticColumns: statics === undefined ? undefined : statics.trim().toLowerCase() === 'none' ? 'none' : statics.split(',').map((s) => s.trim()).filter(Boolean),
  };
}

/** `--points-out`, checked. */
export function pointsOutFrom(args: Record<string, unknown>): string | undefined {
  const out = args['points-out'] as string | undefined;
  if (out !== undefined && !/\.(gpkg|csv)$/i.test(out)) throw new UsageError(`--points-out '${out}': expected a FILE.gpkg (GeoPackage, with a QGIS style beside it) or FILE.csv.`);
  return out;
}
