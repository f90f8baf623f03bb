import { UserError } from '../../errors.js';
import { epsgWkt } from './georef.js';
import { absolute, looksLikeHdf5, rootDatasets } from './hdf5Products.js';
import { findAsciiRuns, openMultidim, readNumbers, timeSeriesShape } from './mdim.js';
import { checkProductDates } from './productDates.js';
import { productStack } from './productStack.js';
import { hdf5Subdataset } from './stackVrt.js';
import type { Provenance, ResolvedSource, SourceReader } from './types.js';

type Group = ReturnType<typeof openMultidim>['root'];

/**
 * LiCSBAS's grid: `corner_lat` / `corner_lon` are the CENTRE of the first pixel and
 * `post_lat` (negative) / `post_lon` the steps, in degrees (EPSG:4326); GDAL's
 * geotransform starts at the pixel's corner, half a step up and left.
 */
export function licsbasGeoTransform(root: Group, what: string): number[] {
  const names = root.arrays.names;
  const need = ['corner_lat', 'corner_lon', 'post_lat', 'post_lon'];
  const missing = need.filter((n) => !names.includes(n));
  if (missing.length) {
    throw new UserError(
      `${what} has no ${missing.join(', ')} dataset${missing.length > 1 ? 's' : ''}, so its grid is unknown. LiCSBAS writes them for geocoded (GEOC) data; ` +
        'give a cum.h5 from a geocoded LiCSBAS run.',
    );
  }
  const [lat, lon, dlat, dlon] = need.map((n) => {
    const v = readNumbers(root.arrays.get(n));
    if (v.length !== 1 || !Number.isFinite(v[0])) throw new UserError(`${what}: '${n}' should hold one number; found ${v.length} values. Check the file.`);
    return v[0];
  });
  if (dlat === 0 || dlon === 0) throw new UserError(`${what}: post_lat ${dlat} / post_lon ${dlon}; a pixel step cannot be 0. Check the file.`);
  return [lon - dlon / 2, dlon, 0, lat - dlat / 2, 0, dlat];
}

/** LiCSBAS `cum.h5` / `cum_filt.h5`: `cum` (date, row, col) in mm, `imdates`, pixel-centre corners, EPSG:4326. */
export const licsbasReader: SourceReader = {
  name: 'LiCSBAS',
  claims: (input) => {
    if (!looksLikeHdf5(input)) return false;
    const names = rootDatasets(input);
    return names.includes('cum') && names.includes('imdates');
  },
  resolve: async (input, options) => {
    const what = `LiCSBAS file '${input}'`;
    const ds = openMultidim(input, 'LiCSBAS file');
    try {
      const root = ds.root;
      const [planes, height, width] = timeSeriesShape(root, 'cum', what);
      const geoTransform = licsbasGeoTransform(root, what);
      const dates = options.dates
        ? Array.from({ length: planes }, (_v, i) => `band ${i + 1}`)
        : checkProductDates(readNumbers(root.arrays.get('imdates')), planes, `${what}, dataset 'imdates',`, 'Give the dates with --dates.');
      // refarea "x1:x2/y1:y2" is only recorded in the provenance: kept when it is found unambiguously.
      const areas = root.arrays.names.includes('refarea') ? findAsciiRuns(input, /(?<![0-9:/])\d{1,5}:\d{1,5}\/\d{1,5}:\d{1,5}(?![0-9:/])/, 23) : [];
      const refarea = areas.length === 1 ? areas[0] : null;
      const provenance: Provenance = {
        product: 'LiCSBAS',
        inputs: [input],
        gridFrom: "datasets corner_lat/corner_lon (centre of the first pixel) and post_lat/post_lon",
        crsFrom: 'LiCSBAS convention (lon/lat degrees, EPSG:4326)',
        datesFrom: options.dates ? '--dates' : "'imdates' dataset",
        units: 'mm (as stored: LiCSBAS cum is in mm)',
        referenceDate: options.dates ? null : dates[0],
        referencePoint: refarea ? `refarea ${refarea} (pixels x1:x2/y1:y2)` : null,
        sign: 'line of sight, positive towards the satellite (LiCSBAS convention)',
        notes: ['cumulative displacement relative to the first date'],
      };
      const source = hdf5Subdataset(absolute(input), 'cum');
      const stack = await productStack('licsbas', source, {
        width,
        height,
        geoTransform,
        srsWkt: epsgWkt(4326),
        bands: dates.map((d, i) => ({ source, sourceBand: i + 1, description: d, scale: 1, sourceNodata: null })),
        metadata: { SMOOTHCLUSTER_PRODUCT: 'LiCSBAS', UNITS: 'mm' },
      }, what, options);
      provenance.notes.push(...stack.notes);
      const resolved: ResolvedSource = { input, path: stack.path, statics: [], provenance, dispose: stack.dispose };
      return resolved;
    } finally {
      ds.close();
    }
  },
};
