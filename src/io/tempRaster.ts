import { existsSync } from 'node:fs';
import { getGdal, type Dataset } from './gdal.js';
import { writeFailure } from './ioFailures.js';
import type { GridSpec } from './gridSpec.js';
import { discardTemporary, temporaryPathFor } from './atomicOutput.js';
import type { Window } from './readWindow.js';

/**
 * An uncompressed tiled GeoTIFF under a temporary name beside the final output,
 * written window by window and then translated into its final form (compressed
 * GeoTIFF or COG) under a second temporary name. Both are removed on failure.
 */
export class TempRaster {
  readonly path: string;
  readonly ds: Dataset;
  constructor(readonly finalPath: string, grid: GridSpec, bands: number, dataType: string) {
    const g = getGdal();
    this.path = temporaryPathFor(finalPath, '.tif');
    try {
      this.ds = g.drivers.get('GTiff').create(this.path, grid.width, grid.height, bands, dataType, [
        'TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'BIGTIFF=IF_SAFER', 'INTERLEAVE=BAND',
      ]);
    } catch (err) {
      discardTemporary(this.path);
      throw writeFailure(finalPath, err);
    }
    if (grid.geoTransform) this.ds.geoTransform = grid.geoTransform;
    if (grid.srsWkt) this.ds.srs = g.SpatialReference.fromWKT(grid.srsWkt);
  }

  /** Writes band-sequential data for one window (`planes` consecutive planes of w*h). */
  async writeWindow(w: Window, data: ArrayLike<number> & { subarray(a: number, b: number): unknown }, planes: number): Promise<void> {
    const plane = w.width * w.height;
    for (let b = 0; b < planes; b++) {
      const view = data.subarray(b * plane, (b + 1) * plane) as Float32Array | Uint8Array;
      await this.ds.bands.get(b + 1).pixels.writeAsync(w.x0, w.y0, w.width, w.height, view).catch((err) => {
        throw writeFailure(this.finalPath, err);
      });
    }
  }

  /** Closes the temporary and translates it to `destination` with `args`; returns nothing until the copy is on disk. */
  async translateTo(destination: string, args: string[]): Promise<void> {
    const g = getGdal();
    try {
      await this.ds.flushAsync();
      this.ds.close();
      const src = await g.openAsync(this.path);
      try {
        const out = await g.translateAsync(destination, src, args);
        out.close();
      } finally {
        src.close();
      }
    } catch (err) {
      // A full disk or a file size limit shows up here, as a GDAL write or read-back error.
      throw writeFailure(this.finalPath, err);
    }
  }

  discard(): void {
    try {
      this.ds.close();
    } catch {
      /* already closed */
    }
    discardTemporary(this.path);
  }
}

export function auxOf(path: string): string | null {
  return existsSync(`${path}.aux.xml`) ? `${path}.aux.xml` : null;
}
