/**
 * Which column of a point CSV is what, found by pattern from the header (field
 * names vary between product releases) and overridable from the command line.
 */
import { UserError } from '../errors.js';

/** The product layouts recognised; 'points' is any other CSV with coordinate and date columns. */
export type PointLayout = 'EGMS L2a' | 'EGMS L2b' | 'EGMS L3' | 'InSAR Norway' | 'points';

/** Column overrides from the command line. */
export interface ColumnOverrides {
  /** `--x-column`: easting or longitude column name. */
  xColumn?: string;
  /** `--y-column`: northing or latitude column name. */
  yColumn?: string;
  /** `--points-crs`: the CRS of the coordinate columns (EPSG:NNNN, WKT or PROJ). */
  pointsCrs?: string;
  /** `--static-columns a,b` (names), or 'none'; absent = the products' usual attributes that are present. */
  staticColumns?: string[] | 'none';
}

/** The columns used from one file. */
export interface PointColumns {
  layout: PointLayout;
  header: string[];
  x: number;
  y: number;
  /** CRS of x/y as the user or the layout gives it. */
  crs: string;
  crsFrom: string;
  /** True when x/y are longitude/latitude in degrees. */
  lonLat: boolean;
  /** Column of the point id, or -1. */
  id: number;
  /** Date columns in time order, and their ISO dates. */
  dateColumns: number[];
  dates: string[];
  /** Static attribute columns and their names (as in the header). */
  staticColumns: number[];
  staticNames: string[];
  /** `mean_velocity` column (copied onto the labelled points), or -1. */
  velocity: number;
  /** InSAR Norway `track` column, or -1. */
  track: number;
  /** `los_east` column (its sign tells ascending from descending), or -1. */
  losEast: number;
}

/** Static attributes taken by default, in this order: the first name of each group present is used. */
export const DEFAULT_STATIC_GROUPS: string[][] = [
  ['height_ortho', 'height'],
  ['mean_velocity'],
  ['temporal_coherence'],
  ['amplitude_dispersion', 'amplitude_quality'],
  ['rmse_ts', 'rmse'],
];

const DATE_COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const DATE_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The ISO date a column name stands for (`YYYYMMDD` or `YYYY-MM-DD`), or null. */
export function columnDate(name: string): string | null {
  const m = DATE_COMPACT.exec(name) ?? DATE_ISO.exec(name);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCDate() !== d) return null;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** The layout a file is in, from its name first (EGMS names its level) and then its columns. */
export function recogniseLayout(fileName: string, header: string[]): PointLayout {
  const base = fileName.split('/').pop() ?? fileName;
  const m = /EGMS_(L2a|L2b|L3)_/i.exec(base);
  if (m) {
    const level = m[1].toUpperCase();
    return level === 'L3' ? 'EGMS L3' : level === 'L2A' ? 'EGMS L2a' : 'EGMS L2b';
  }
  const names = new Set(header.map((h) => h.toLowerCase()));
  if (names.has('track') && names.has('mode') && names.has('burst')) return 'InSAR Norway';
  if (names.has('mp_type') && names.has('easting')) return 'EGMS L2b';
  if (names.has('easting') && names.has('northing') && !names.has('latitude') && names.has('rmse_ts')) return 'EGMS L3';
  return 'points';
}

/** Finds the columns of a header; a UserError names the file and what is missing. */
export function detectColumns(file: string, header: string[], overrides: ColumnOverrides = {}): PointColumns {
  const lower = header.map((h) => h.trim().toLowerCase());
  const find = (name: string) => lower.indexOf(name.toLowerCase());
  const layout = recogniseLayout(file, header);
  const named = (option: string, name: string) => {
    const i = find(name);
    if (i < 0) throw new UserError(`${option} '${name}': '${file}' has no such column; its columns are ${listColumns(header)}.`);
    return i;
  };
  let x: number, y: number, crs: string, crsFrom: string, lonLat: boolean;
  if (overrides.xColumn || overrides.yColumn) {
    if (!overrides.xColumn || !overrides.yColumn) throw new UserError('--x-column and --y-column go together: give both, e.g. --x-column easting --y-column northing.');
    x = named('--x-column', overrides.xColumn);
    y = named('--y-column', overrides.yColumn);
    lonLat = /^(lon|longitude|long)$/i.test(overrides.xColumn);
    crs = overrides.pointsCrs ?? (lonLat ? 'EPSG:4326' : '');
    if (!crs) throw new UserError(`--x-column '${overrides.xColumn}': the CRS of these coordinates is unknown; give it with --points-crs (e.g. --points-crs EPSG:25833).`);
    crsFrom = overrides.pointsCrs ? '--points-crs' : 'longitude/latitude columns (EPSG:4326)';
  } else if (find('easting') >= 0 && find('northing') >= 0 && (layout.startsWith('EGMS') || overrides.pointsCrs)) {
    x = find('easting');
    y = find('northing');
    lonLat = false;
    crs = overrides.pointsCrs ?? 'EPSG:3035';
    crsFrom = overrides.pointsCrs ? '--points-crs' : 'easting/northing columns, ETRS89-LAEA (EPSG:3035) as EGMS documents';
  } else if ((find('longitude') >= 0 || find('lon') >= 0) && (find('latitude') >= 0 || find('lat') >= 0)) {
    x = find('longitude') >= 0 ? find('longitude') : find('lon');
    y = find('latitude') >= 0 ? find('latitude') : find('lat');
    lonLat = true;
    crs = overrides.pointsCrs ?? 'EPSG:4326';
    crsFrom = overrides.pointsCrs ? '--points-crs' : 'latitude/longitude columns (EPSG:4326)';
  } else {
    throw new UserError(
      `'${file}' has no coordinate columns: expected easting/northing (EGMS) or latitude/longitude; its columns are ${listColumns(header)}. ` +
        'Name them with --x-column and --y-column (and --points-crs).',
    );
  }
  const dated = lower.map((name, i) => ({ i, date: columnDate(name) })).filter((d): d is { i: number; date: string } => d.date !== null);
  if (dated.length === 0) {
    throw new UserError(`'${file}' has no date columns: expected one column per acquisition named YYYYMMDD or YYYY-MM-DD; its columns are ${listColumns(header)}.`);
  }
  dated.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (let k = 1; k < dated.length; k++) {
    if (dated[k].date === dated[k - 1].date) {
      throw new UserError(`'${file}': columns '${header[dated[k - 1].i]}' and '${header[dated[k].i]}' are the same date ${dated[k].date}; expected one column per date.`);
    }
  }
  const statics = staticColumnsOf(file, header, lower, overrides.staticColumns, new Set([x, y]));
  return {
    layout,
    header,
    x,
    y,
    crs,
    crsFrom,
    lonLat,
    id: find('pid') >= 0 ? find('pid') : find('id'),
    dateColumns: dated.map((d) => d.i),
    dates: dated.map((d) => d.date),
    staticColumns: statics,
    staticNames: statics.map((i) => header[i].trim()),
    velocity: find('mean_velocity'),
    track: find('track'),
    losEast: find('los_east'),
  };
}

function staticColumnsOf(file: string, header: string[], lower: string[], chosen: ColumnOverrides['staticColumns'], coordinates: Set<number>): number[] {
  if (chosen === 'none') return [];
  if (chosen) {
    return chosen.map((name) => {
      const i = lower.indexOf(name.trim().toLowerCase());
      if (i < 0) throw new UserError(`--static-columns '${name}': '${file}' has no such column; its columns are ${listColumns(header)}.`);
      if (coordinates.has(i)) throw new UserError(`--static-columns '${name}' is a coordinate column; choose attributes such as height or mean_velocity.`);
      return i;
    });
  }
  const found: number[] = [];
  for (const group of DEFAULT_STATIC_GROUPS) {
    const i = group.map((n) => lower.indexOf(n)).find((k) => k >= 0);
    if (i !== undefined) found.push(i);
  }
  return found;
}

function listColumns(header: string[]): string {
  const nonDates = header.filter((h) => !columnDate(h.trim()));
  const dates = header.length - nonDates.length;
  const shown = nonDates.slice(0, 30).map((h) => `'${h}'`).join(', ');
  return `${shown}${nonDates.length > 30 ? ', ...' : ''}${dates ? ` and ${dates} date columns` : ''}`;
}
