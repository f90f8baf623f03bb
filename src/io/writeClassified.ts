import { rmSync } from 'node:fs';
import { getGdal } from './gdal.js';
import type { GridSpec } from './gridSpec.js';
import { commitOutputs, discardTemporary, temporaryPathFor } from './atomicOutput.js';
import { pamXml, writePam, type PamBand } from './pamSidecar.js';
import type { Window } from './readWindow.js';
import { TempRaster } from './tempRaster.js';

export const LABEL_NODATA = 255;

export interface ClassifiedSpec {
  grid: GridSpec;
  /** Colour of each label 0..k-1. */
  colours: [number, number, number][];
  /** Dataset metadata: the run's parameters. */
  metadata: Record<string, string>;
}

/**
 * Writes a classified raster tile by tile (Byte, nodata 255, the input's grid),
 * then makes it a Cloud Optimized GeoTIFF (DEFLATE, MODE overviews so overview
 * pixels are class values) and writes the PAM `.aux.xml` (description, category
 * names, RAT) beside it. Both appear at their final paths only when complete.
 */
export class ClassifiedWriter {
  private readonly temp: TempRaster;
  private done = false;
  constructor(readonly finalPath: string, readonly spec: ClassifiedSpec) {
    const g = getGdal();
    this.temp = new TempRaster(finalPath, spec.grid, 1, g.GDT_Byte);
    const band = this.temp.ds.bands.get(1);
    band.noDataValue = LABEL_NODATA;
    const table = new g.ColorTable(g.GPI_RGB);
    for (let i = 0; i < 256; i++) {
      const c = spec.colours[i];
      table.set(i, c ? { c1: c[0], c2: c[1], c3: c[2], c4: 255 } : { c1: 0, c2: 0, c3: 0, c4: 0 });
    }
    band.colorTable = table;
    this.temp.ds.setMetadata(spec.metadata);
  }

  writeWindow(w: Window, labels: Uint8Array): Promise<void> {
    return this.temp.writeWindow(w, labels, 1);
  }

  /** Makes the COG, writes its `.aux.xml`, and renames both into place. */
  async finish(pam: PamBand): Promise<void> {
    const cog = temporaryPathFor(this.finalPath, '.tif');
    const aux = temporaryPathFor(`${this.finalPath}.aux.xml`);
    try {
      await this.temp.translateTo(cog, [
        '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'OVERVIEW_RESAMPLING=MODE', '-co', 'BLOCKSIZE=512',
        '-co', 'BIGTIFF=IF_SAFER', '-co', 'NUM_THREADS=ALL_CPUS',
      ]);
      rmSync(`${cog}.aux.xml`, { force: true });
      this.temp.discard();
      writePam(aux, pamXml(pam));
      commitOutputs([
        { tmp: cog, final: this.finalPath },
        { tmp: aux, final: `${this.finalPath}.aux.xml` },
      ]);
      this.done = true;
    } finally {
      if (!this.done) {
        discardTemporary(cog);
        discardTemporary(aux);
      }
    }
  }

  abort(): void {
    if (!this.done) this.temp.discard();
  }
}
