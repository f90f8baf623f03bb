import { rmSync } from 'node:fs';
import { getGdal } from './gdal.js';
import type { GridSpec } from './gridSpec.js';
import { commitOutputs, discardTemporary, temporaryPathFor } from './atomicOutput.js';
import { pamDescriptionsXml, writePam } from './pamSidecar.js';
import type { Window } from './readWindow.js';
import { TempRaster } from './tempRaster.js';

export interface FloatStackOptions {
  /** Dataset metadata items (parameters that made the file). */
  metadata?: Record<string, string>;
  /** Per-band metadata items (e.g. DATE). */
  bandMetadata?: Record<string, string>[];
}

/**
 * Writes a Float32 multiband GeoTIFF window by window: NaN nodata, band
 * descriptions embedded in the file (GDAL_METADATA tag), tiled, DEFLATE with
 * the floating-point predictor. gdal-async cannot set band descriptions, so they
 * reach the file through a PAM sidecar on the temporary and one translate.
 */
export class FloatStackWriter {
  private readonly temp: TempRaster;
  private done = false;
  constructor(
    readonly finalPath: string,
    readonly grid: GridSpec,
    readonly bandNames: string[],
    readonly options: FloatStackOptions = {},
  ) {
    const g = getGdal();
    this.temp = new TempRaster(finalPath, grid, bandNames.length, g.GDT_Float32);
    for (let b = 1; b <= bandNames.length; b++) this.temp.ds.bands.get(b).noDataValue = NaN;
    if (options.metadata) this.temp.ds.setMetadata(options.metadata);
  }

  /** Band-sequential window data, one plane per band. */
  writeWindow(w: Window, data: Float32Array): Promise<void> {
    return this.temp.writeWindow(w, data, this.bandNames.length);
  }

  /** One whole band (0-based). */
  async writeBand(b: number, data: Float32Array): Promise<void> {
    await this.temp.ds.bands.get(b + 1).pixels.writeAsync(0, 0, this.grid.width, this.grid.height, data);
  }

  /** Finishes the file and renames it into place. */
  async finish(): Promise<void> {
    writePam(`${this.temp.path}.aux.xml`, pamDescriptionsXml(this.bandNames, this.options.bandMetadata));
    const out = temporaryPathFor(this.finalPath, '.tif');
    try {
      await this.temp.translateTo(out, [
        '-of', 'GTiff', '-co', 'TILED=YES', '-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3',
        '-co', 'BIGTIFF=IF_SAFER', '-co', 'NUM_THREADS=ALL_CPUS',
      ]);
      rmSync(`${out}.aux.xml`, { force: true });
      this.temp.discard();
      commitOutputs([{ tmp: out, final: this.finalPath }]);
      this.done = true;
    } finally {
      if (!this.done) discardTemporary(out);
    }
  }

  abort(): void {
    if (!this.done) this.temp.discard();
  }
}
