import { UserError } from '../../errors.js';
import { epsgWkt, utmZoneEpsg } from './georef.js';
import { absolute, looksLikeHdf5, rootDatasets } from './hdf5Products.js';
import { attrNumber, attrString, findAsciiRuns, openMultidim, timeSeriesShape } from './mdim.js';
import { checkProductDates, compactToIso } from './productDates.js';
import { productStack } from './productStack.js';
import { hdf5Subdataset } from './stackVrt.js';
import type { Provenance, ResolvedSource, SourceOptions, SourceReader } from './types.js';
import { lengthUnitToMm } from './units.js';

type Group = ReturnType<typeof openMultidim>['root'];

/** MintPy's geocoding, from the root attributes (X_FIRST/Y_FIRST: the upper-left CORNER of the first pixel). */
export interface MintpyGrid {
  geoTransform: number[];
  srsWkt: string | null;
  gridFrom: string;
  crsFrom: string;
}

/**
 * The grid of a MintPy file; a file in radar coordinates (no X_FIRST) is refused,
 * naming `geocode.py`. `what` names the file in messages.
 */
export function mintpyGrid(root: Group, what: string): MintpyGrid {
  if (attrString(root, 'X_FIRST') === null && attrString(root, 'Y_FIRST') === null) {
    throw new UserError(
      `${what} is in radar coordinates (no X_FIRST/Y_FIRST attributes), so it has no map grid. Geocode it first (MintPy geocode.py, e.g. ` +
        '`geocode.py timeseries.h5 -l inputs/geometryRadar.h5`) and give the geo_*.h5 file.',
    );
  }
  const need = ['X_FIRST', 'Y_FIRST', 'X_STEP', 'Y_STEP'];
  const values = need.map((k) => attrNumber(root, k));
  const missing = need.filter((_k, i) => values[i] === null);
  if (missing.length) {
    throw new UserError(`${what} lacks the MintPy attribute${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (a number each); a geocoded MintPy file has X_FIRST, Y_FIRST, X_STEP and Y_STEP. Check the file, or re-run geocode.py.`);
  }
  const [x0, y0, dx, dy] = values as number[];
  if (dx === 0 || dy === 0) throw new UserError(`${what}: X_STEP ${dx} / Y_STEP ${dy}; a pixel step cannot be 0. Check the attributes.`);
  const epsg = attrNumber(root, 'EPSG');
  const zone = attrString(root, 'UTM_ZONE');
  const xUnit = (attrString(root, 'X_UNIT') ?? '').toLowerCase();
  let srsWkt: string | null = null;
  let crsFrom = 'none found (no EPSG, UTM_ZONE or degree X_UNIT attribute)';
  if (epsg !== null) {
    srsWkt = epsgWkt(epsg);
    if (!srsWkt) throw new UserError(`${what}: EPSG attribute ${epsg} is not a CRS GDAL knows. Give the CRS with --crs.`);
    crsFrom = `root attribute EPSG (${epsg})`;
  } else if (zone !== null) {
    const code = utmZoneEpsg(zone, y0);
    if (code === null) throw new UserError(`${what}: UTM_ZONE '${zone}' is not a UTM zone (1..60 with N or S). Give the CRS with --crs.`);
    srsWkt = epsgWkt(code);
    crsFrom = `root attribute UTM_ZONE (${zone}: EPSG:${code})`;
  } else if (xUnit.startsWith('deg')) {
    srsWkt = epsgWkt(4326);
    crsFrom = `X_UNIT '${xUnit}' (lon/lat, EPSG:4326)`;
  }
  return { geoTransform: [x0, dx, 0, y0, 0, dy], srsWkt, gridFrom: 'root attributes X_FIRST/Y_FIRST (upper-left corner)/X_STEP/Y_STEP', crsFrom };
}

/** MintPy's unit of a dataset family: the UNIT attribute, metres when it is absent (MintPy's own convention for displacement). */
function displacementScale(root: Group, what: string, options: SourceOptions): { scale: number; units: string } {
  const unit = attrString(root, 'UNIT');
  if (unit === null) {
    options.warn?.(`${what} has no UNIT attribute; reading it as metres, MintPy's unit for time series.`);
    return { scale: 1000, units: 'm (no UNIT attribute: MintPy time series are in metres), multiplied by 1000 to mm' };
  }
  const scale = lengthUnitToMm(unit);
  if (scale === null) throw new UserError(`${what} has UNIT '${unit}'; expected a displacement in m, cm or mm. Check that it is a time-series file.`);
  return { scale, units: scale === 1 ? `mm (UNIT '${unit}')` : `${unit} (UNIT attribute), multiplied by ${scale} to mm` };
}

function referencePoint(root: Group): string | null {
  const lat = attrNumber(root, 'REF_LAT'), lon = attrNumber(root, 'REF_LON');
  const y = attrNumber(root, 'REF_Y'), x = attrNumber(root, 'REF_X');
  const parts: string[] = [];
  if (lat !== null && lon !== null) parts.push(`lat ${lat}, lon ${lon}`);
  if (x !== null && y !== null) parts.push(`pixel x ${x}, y ${y}`);
  return parts.length ? parts.join(' (') + (parts.length > 1 ? ')' : '') : null;
}

/**
 * The `date` dataset: `planes` fixed-length YYYYMMDD strings, stored as contiguous ASCII
 * (see `findAsciiRuns`); a run of exactly that many dates that increase.
 */
function mintpyDateStrings(input: string, planes: number, what: string): string[] {
  const date = '(?:19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])';
  const all = findAsciiRuns(input, new RegExp(`(?<![0-9])(?:${date}){${planes}}(?![0-9])`), planes * 8).map((run) =>
    Array.from({ length: planes }, (_v, i) => run.slice(i * 8, i * 8 + 8)),
  );
  // One run is the dataset (its order is checked by the caller); among several, only an increasing one can be.
  const runs = all.length === 1 ? all : all.filter((dates) => dates.every((d, i) => i === 0 || d > dates[i - 1]));
  if (runs.length === 1) return runs[0];
  throw new UserError(
    `${what}: the 'date' dataset (${planes} YYYYMMDD strings) could not be read${runs.length > 1 ? ': several candidate date lists were found' : ''}. ` +
      'Give the dates with --dates (e.g. from MintPy: info.py FILE --date > dates.txt; --dates dates.txt).',
  );
}

/** MintPy `timeseries*.h5` / `geo_timeseries*.h5`: `timeseries` (date, row, col) in metres, `date`, root attributes. */
export const mintpyReader: SourceReader = {
  name: 'MintPy',
  claims: (input) => looksLikeHdf5(input) && rootDatasets(input).includes('timeseries'),
  resolve: async (input, options) => {
    const what = `MintPy file '${input}'`;
    const ds = openMultidim(input, 'MintPy file');
    try {
      const root = ds.root;
      const [planes, height, width] = timeSeriesShape(root, 'timeseries', what);
      const grid = mintpyGrid(root, what);
      const { scale, units } = displacementScale(root, what, options);
      const names = root.arrays.names;
      let dates: string[];
      let datesFrom = "'date' dataset";
      if (options.dates) {
        dates = Array.from({ length: planes }, (_v, i) => `band ${i + 1}`);
        datesFrom = '--dates';
      } else {
        if (!names.includes('date')) {
          throw new UserError(`${what} has no 'date' dataset, so the acquisition dates are unknown. MintPy writes one (YYYYMMDD strings); give the dates with --dates.`);
        }
        dates = checkProductDates(mintpyDateStrings(input, planes, what), planes, `${what}, dataset 'date',`, 'Give the dates with --dates.');
      }
      const refDate = attrString(root, 'REF_DATE');
      const provenance: Provenance = {
        product: 'MintPy',
        inputs: [input],
        gridFrom: grid.gridFrom,
        crsFrom: grid.crsFrom,
        datesFrom,
        units,
        referenceDate: refDate ? compactToIso(refDate) ?? refDate : null,
        referencePoint: referencePoint(root),
        sign: 'line of sight, positive towards the satellite (MintPy convention)',
        notes: [`FILE_TYPE ${attrString(root, 'FILE_TYPE') ?? 'not stated'}`],
      };
      const source = hdf5Subdataset(absolute(input), 'timeseries');
      const stack = await productStack('mintpy', source, {
        width,
        height,
        geoTransform: grid.geoTransform,
        srsWkt: grid.srsWkt,
        bands: dates.map((d, i) => ({ source, sourceBand: i + 1, description: d, scale, sourceNodata: null })),
        metadata: { SMOOTHCLUSTER_PRODUCT: 'MintPy', UNITS: 'mm' },
      }, what, options);
      provenance.notes.push(...stack.notes);
      const resolved: ResolvedSource = { input, path: stack.path, statics: [], provenance, dispose: stack.dispose };
      return resolved;
    } finally {
      ds.close();
    }
  },
};
