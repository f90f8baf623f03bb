import { extname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { arrayNames, isHdf5File, openMultidim } from './mdim.js';

/** File name endings HDF5 products use (MintPy .h5, HDF-EOS5 .he5). */
const HDF5_EXTENSIONS = ['.h5', '.he5', '.hdf5', '.hdf'];

/** A local HDF5 file by name and signature (cheap: a few bytes). */
export function looksLikeHdf5(input: string): boolean {
  return HDF5_EXTENSIONS.includes(extname(input).toLowerCase()) && existsSync(input) && isHdf5File(input);
}

/** The names of the root datasets of a local HDF5 file, or [] when it does not open. */
export function rootDatasets(input: string): string[] {
  try {
    const ds = openMultidim(input, 'file');
    try {
      return arrayNames(ds.root);
    } finally {
      ds.close();
    }
  } catch {
    return [];
  }
}

/** The absolute path GDAL source names and VRTs use (a VRT in /vsimem/ has no folder to be relative to). */
export function absolute(path: string): string {
  return resolve(path);
}
