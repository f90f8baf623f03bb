import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian's Python (python3-gdal, python3-h5py, python3-netcdf4), not whatever python3 is first on PATH. */
export const PYTHON = '/usr/bin/python3';
const WRITER = fileURLToPath(new URL('./writeProducts.py', import.meta.url));

function python(args: string[]): string {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} not found: install Debian's python3, python3-gdal, python3-h5py and python3-netcdf4 (scripts/setup.sh does)`);
  return execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export type ProductLayout = 'mintpy' | 'licsbas' | 'netcdf' | 'netcdf-projected' | 'single';

/**
 * Writes a scene (dated GeoTIFF in mm + static layers) in a product's documented layout
 * with h5py / netCDF4 / GDAL (see writeProducts.py), into `outDir`.
 */
export function writeProduct(layout: ProductLayout, displacement: string, statics: string, outDir: string, ...extra: string[]): void {
  python([WRITER, layout, displacement, statics, outDir, ...extra]);
}

/** Runs a Python snippet (h5py, netCDF4, numpy, osgeo) to write or alter a fixture. */
export function runPython(code: string): string {
  return python(['-c', code]);
}
