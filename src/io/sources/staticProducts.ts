import { existsSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { getGdal, type Dataset } from '../gdal.js';
import { epsgWkt } from './georef.js';
import { absolute, looksLikeHdf5 } from './hdf5Products.js';
import { licsbasGeoTransform } from './licsbas.js';
import { arrayShape, attrString, openMultidim } from './mdim.js';
import { mintpyGrid } from './mintpy.js';
import { isNetcdfInput, parseNetcdfInput } from './netcdf.js';
import { hdf5Subdataset, netcdfSubdataset, writeStackVrt, type StackBand } from './stackVrt.js';
import type { ResolvedStatic, StaticReader } from './types.js';

type Group = Dataset['root'];

/** `FILE.h5:NAME`: one dataset of an HDF5 file (`cum.h5:coh_avg`, `geometryGeo.h5:height`). */
export function parseHdf5Dataset(input: string): { file: string; dataset: string | null } {
  const m = /^(.*\.(?:h5|he5|hdf5)):([^/\\:]+)$/i.exec(input);
  if (m && !existsSync(input) && existsSync(m[1])) return { file: m[1], dataset: m[2] };
  return { file: input, dataset: null };
}

/** The grid of an HDF5 product: MintPy root attributes, else LiCSBAS corner datasets. */
function hdf5Grid(root: Group, what: string): { geoTransform: number[]; srsWkt: string | null } {
  if (attrString(root, 'X_FIRST') !== null || attrString(root, 'FILE_TYPE') !== null) return mintpyGrid(root, what);
  if (root.arrays.names.includes('corner_lat')) return { geoTransform: licsbasGeoTransform(root, what), srsWkt: epsgWkt(4326) };
  throw new UserError(
    `${what} has neither MintPy's grid attributes (X_FIRST, Y_FIRST, X_STEP, Y_STEP) nor LiCSBAS's corner_lat/corner_lon, so its grid is unknown. ` +
      'Give a geocoded MintPy or LiCSBAS file, or a GeoTIFF.',
  );
}

/** MintPy velocity files are in m/year (UNIT attribute): read as mm/yr, like the displacement. */
function mintpyScale(root: Group): number {
  const unit = (attrString(root, 'UNIT') ?? '').toLowerCase().replace(/\s/g, '');
  return ['m/year', 'm/yr', 'm/y'].includes(unit) ? 1000 : 1;
}

/** `--static FILE.h5` (every 2-D dataset a named layer) or `--static FILE.h5:NAME` (that dataset). */
const hdf5StaticReader: StaticReader = {
  name: 'HDF5 static layers',
  claims: (input) => {
    const { file } = parseHdf5Dataset(input);
    return looksLikeHdf5(file);
  },
  resolve: async (input): Promise<ResolvedStatic> => {
    const { file, dataset } = parseHdf5Dataset(input);
    const what = `static file '${file}'`;
    const ds = openMultidim(file, 'static file');
    try {
      const root = ds.root;
      const flat = root.arrays.names.filter((n) => arrayShape(root.arrays.get(n)).length === 2);
      let names: string[];
      if (dataset !== null) {
        if (!root.arrays.names.includes(dataset)) throw new UserError(`${what} has no dataset '${dataset}'; its 2-D datasets are ${flat.join(', ') || 'none'}. Give one as ${file}:NAME.`);
        if (!flat.includes(dataset)) throw new UserError(`${what}: dataset '${dataset}' is not a 2-D layer (shape ${arrayShape(root.arrays.get(dataset)).join(' x ') || 'scalar'}); its 2-D datasets are ${flat.join(', ') || 'none'}.`);
        names = [dataset];
      } else {
        names = flat;
        if (names.length === 0) throw new UserError(`${what} has no 2-D dataset to use as a static layer. Give a file such as velocity.h5 or geometryGeo.h5.`);
      }
      const shape = arrayShape(root.arrays.get(names[0]));
      const grid = hdf5Grid(root, what);
      const scale = mintpyScale(root);
      const bands: StackBand[] = names.map((n) => {
        const s = arrayShape(root.arrays.get(n));
        if (s[0] !== shape[0] || s[1] !== shape[1]) throw new UserError(`${what}: dataset '${n}' is ${s[1]} x ${s[0]}, '${names[0]}' ${shape[1]} x ${shape[0]}; give the layers one at a time as ${file}:NAME.`);
        return { source: hdf5Subdataset(absolute(file), n), sourceBand: 1, description: n, scale: /velocity/i.test(n) ? scale : 1, sourceNodata: null };
      });
      const vrt = writeStackVrt('static_hdf5', { width: shape[1], height: shape[0], geoTransform: grid.geoTransform, srsWkt: grid.srsWkt, bands });
      return { input, path: vrt.path, dispose: vrt.dispose };
    } finally {
      ds.close();
    }
  },
};

/** `--static NETCDF:"f.nc":var` or `--static f.nc` (every 2-D variable a named layer). */
const netcdfStaticReader: StaticReader = {
  name: 'netCDF static layers',
  claims: isNetcdfInput,
  resolve: async (input): Promise<ResolvedStatic> => {
    const { file, variable } = parseNetcdfInput(input);
    if (!existsSync(file)) throw new UserError(`static file '${file}' does not exist. Check the path.`);
    const md = openMultidim(file, 'static file');
    const g = getGdal();
    try {
      const root = md.root;
      const flat = root.arrays.names.filter((n) => arrayShape(root.arrays.get(n)).length === 2);
      const names = variable !== null ? [variable] : flat;
      if (variable !== null && !flat.includes(variable)) throw new UserError(`static file '${file}' has no 2-D variable '${variable}'; its 2-D variables are ${flat.join(', ') || 'none'}.`);
      if (names.length === 0) throw new UserError(`static file '${file}' has no 2-D variable to use as a static layer.`);
      let width = 0, height = 0;
      let gt: number[] | null = null, srsWkt: string | null = null;
      const bands: StackBand[] = names.map((n) => {
        const source = netcdfSubdataset(absolute(file), n);
        const c = g.open(source);
        try {
          if (!gt) {
            width = c.rasterSize.x;
            height = c.rasterSize.y;
            gt = c.geoTransform ? [...c.geoTransform] : null;
            srsWkt = c.srs?.toWKT() ?? null;
            if (!srsWkt) {
              const units = [root.arrays.names.find((a) => /^(lat|latitude)$/i.test(a)), root.arrays.names.find((a) => /^(lon|longitude)$/i.test(a))];
              if (units[0] && units[1]) srsWkt = epsgWkt(4326);
            }
          } else if (c.rasterSize.x !== width || c.rasterSize.y !== height) {
            throw new UserError(`static file '${file}': variable '${n}' is on another grid than '${names[0]}'; give the layers one at a time as NETCDF:"${file}":VAR.`);
          }
          return { source, sourceBand: 1, description: n, scale: 1, sourceNodata: c.bands.get(1).noDataValue ?? null };
        } finally {
          c.close();
        }
      });
      const vrt = writeStackVrt('static_netcdf', { width, height, geoTransform: gt, srsWkt, bands });
      return { input, path: vrt.path, dispose: vrt.dispose };
    } finally {
      md.close();
    }
  },
};

/** Static readers for the product families, before the plain-raster pass-through. */
export const PRODUCT_STATIC_READERS: readonly StaticReader[] = [hdf5StaticReader, netcdfStaticReader];
