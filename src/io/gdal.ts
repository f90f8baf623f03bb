import gdal from 'gdal-async';
import { existsSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { UserError } from '../errors.js';
import { assertTiffComplete, assertTiffNameMatches, unreadableRasterError } from './openProblems.js';

/** GDAL mask flags (GDALGetMaskFlags); gdal-async does not export them. */
export const GMF_ALL_VALID = 0x01;
export const GMF_PER_DATASET = 0x02;
export const GMF_ALPHA = 0x04;
export const GMF_NODATA = 0x08;

// GDAL's configuration is the process's, set once when this module loads: a capped block
// cache (memory must not grow with the raster) and quiet errors (we turn failures into
// UserErrors ourselves). A GDAL_CACHEMAX in the environment is the user's and wins.
if (!process.env.GDAL_CACHEMAX) gdal.config.set('GDAL_CACHEMAX', '256');
gdal.config.set('CPL_LOG', '/dev/null');
gdal.quiet();

/** gdal-async, configured (above) when this module loaded. */
export function getGdal(): typeof gdal {
  return gdal;
}

/**
 * The size of GDAL's block cache in bytes, from GDAL_CACHEMAX as GDAL reads it (a number
 * below 100,000 is megabytes, a larger one bytes, "N%" a share of the machine's memory).
 */
export function blockCacheBytes(): number {
  const value = (getGdal().config.get('GDAL_CACHEMAX') ?? '').trim();
  const share = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (share) return (Number(share[1]) / 100) * totalmem();
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return 64 << 20; // GDAL's own default when unset: 5 % of memory, at least this on our machines
  return n < 100_000 ? n * (1 << 20) : n;
}

export type Dataset = gdal.Dataset;
export type RasterBand = gdal.RasterBand;

/** GDAL virtual paths (/vsizip/, /vsicurl/...) and driver prefixes (NETCDF:"f.nc":var); a local name may contain ':' too. */
function isVirtualPath(path: string): boolean {
  return path.startsWith('/vsi') || (/^[A-Za-z0-9_]+:/.test(path) && !existsSync(path));
}

/** What to check when a GDAL virtual path does not open. */
function virtualPathHint(path: string): string {
  if (/^\/vsi(curl|s3|gs|az|adls|oss|swift|webhdfs)/.test(path)) {
    return 'check the URL or bucket and key, the network, and the credentials GDAL uses (its AWS_*, GS_*, AZURE_* settings).';
  }
  if (/^\/vsi(zip|tar|gzip|7z|rar)/.test(path)) return 'check the archive path and the file name inside it (vsizip paths are /vsizip/ARCHIVE.zip/PATH/IN/ARCHIVE).';
  return 'check the path and that the file is complete.';
}

/**
 * Open a raster for reading, or throw a UserError that names the file, what
 * was expected and what to do. `role` says what the file is for ("scene", "static raster").
 */
export function openRaster(path: string, role: string): Dataset {
  const g = getGdal();
  if (!isVirtualPath(path)) {
    if (!existsSync(path)) {
      throw new UserError(`${role} '${path}' does not exist. Check the path (relative paths start from ${process.cwd()}).`);
    }
    if (statSync(path).isDirectory()) {
      throw new UserError(`${role} '${path}' is a directory; expected a raster file such as a GeoTIFF.`);
    }
  }
  let ds: Dataset;
  try {
    ds = g.open(path, 'r');
  } catch (err) {
    const reason = err instanceof Error ? err.message.trim() : String(err);
    if (!isVirtualPath(path)) throw unreadableRasterError(path, role, reason);
    throw new UserError(
      `${role} '${path}' could not be opened as a raster (GDAL says: ${reason || 'not recognised'}). ` +
        `Expected a GDAL-readable raster such as a GeoTIFF; ${virtualPathHint(path)}`,
    );
  }
  if (ds.bands.count() === 0) {
    ds.close();
    throw new UserError(`${role} '${path}' has no raster bands; expected a raster such as a GeoTIFF, not a vector file.`);
  }
  if (!isVirtualPath(path)) {
    try {
      assertTiffNameMatches(path, role, ds.driver.description);
      if (ds.driver.description === 'GTiff') assertTiffComplete(path, role);
    } catch (err) {
      ds.close();
      throw err;
    }
  }
  return ds;
}

/** Versions recorded in outputs. */
export function gdalVersions(): Record<string, string> {
  const g = getGdal();
  // `bundled` is set by gdal-async at load time but missing from its type declarations.
  const bundled = Reflect.get(g, 'bundled') === true;
  return { gdal: g.version, gdalAsync: bundled ? 'bundled GDAL' : 'system GDAL' };
}
