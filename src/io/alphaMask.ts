import { getGdal, GMF_ALPHA, type Dataset } from './gdal.js';
import type { RasterFacts } from './rasterFacts.js';

/**
 * GDAL uses an alpha band as the mask only of grey + alpha (2 bands) and RGBA
 * (4 bands) rasters. A displacement stack exported with an alpha band after
 * its dates would have that alpha ignored, and its alpha-0 pixels clustered
 * as data. The reader applies such an alpha itself: alpha 0 is missing.
 *
 * Returns, for the window, 1 where alpha is 0 (missing), or null when there is
 * no alpha band or GDAL already applies it through the mask.
 */
export async function readAlphaZeros(ds: Dataset, facts: RasterFacts, w: { x0: number; y0: number; width: number; height: number }): Promise<Uint8Array | null> {
  if (facts.alphaBand === null || facts.maskFlags.every((f) => f & GMF_ALPHA)) return null;
  const g = getGdal();
  const alpha = (await ds.bands.get(facts.alphaBand).pixels.readAsync(w.x0, w.y0, w.width, w.height, undefined, { type: g.GDT_Float32 })) as Float32Array;
  return Uint8Array.from(alpha, (v) => (v === 0 ? 1 : 0));
}
