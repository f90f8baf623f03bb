import { pointReader } from '../points/pointReader.js';
import { gdalRasterReader } from './gdalRaster.js';
import { licsbasReader } from './licsbas.js';
import { mintpyReader } from './mintpy.js';
import { netcdfReader } from './netcdf.js';
import { singleDateReader } from './singleDate.js';
import type { SourceReader } from './types.js';

/**
 * The product readers `openSceneSource` asks, in order; the first whose `claims`
 * is true resolves the input. Cheap, specific claims come first; the GDAL raster
 * reader takes whatever is left, so it stays last.
 */
export const SCENE_READERS: readonly SourceReader[] = [
  pointReader, // EGMS, InSAR Norway and other point CSVs: claimed by name, before the rasters
  mintpyReader,
  licsbasReader,
  netcdfReader,
  singleDateReader,
  gdalRasterReader,
];
