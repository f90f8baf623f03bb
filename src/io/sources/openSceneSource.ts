import { UserError } from '../../errors.js';
import { applySourceOverrides } from './overrides.js';
import { SCENE_READERS } from './readers.js';
import type { ResolvedSource, SourceOptions, SourceReader } from './types.js';

/**
 * Turns a SCENE argument into a GDAL-openable stack: the first reader of `readers`
 * that claims `input` resolves it, then `--crs` / `--dates` are applied. The caller
 * owns the result and calls `dispose()` when done with it (`openSourceScene` also
 * refuses a scene with a grid but no CRS).
 */
export async function openSceneSource(input: string, options: SourceOptions = {}, readers: readonly SourceReader[] = SCENE_READERS): Promise<ResolvedSource> {
  const reader = readers.find((r) => r.claims(input));
  if (!reader) throw new UserError(`scene '${input}' is not a product smoothcluster reads; expected a raster stack, an HDF5/netCDF product or a glob of single-date rasters.`);
  const resolved = await reader.resolve(input, options);
  let overridden: ResolvedSource = resolved;
  try {
    overridden = applySourceOverrides(resolved, options);
    return overridden;
  } catch (err) {
    overridden.dispose();
    resolved.dispose();
    throw err;
  }
}
