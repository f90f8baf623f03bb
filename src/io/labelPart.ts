import { commitOutputs, discardTemporary, temporaryPathFor } from './atomicOutput.js';
import { getGdal, type Dataset } from './gdal.js';
import type { GridSpec } from './gridSpec.js';
import type { Window } from './readWindow.js';
import { LABEL_NODATA } from './writeClassified.js';

/**
 * One shard's labels: a GeoTIFF on the scene grid in which only the shard's
 * tiles are written. SPARSE_OK leaves the other blocks out of the file, so a
 * part costs what its tiles cost, not the whole raster. Written under a local
 * temporary and committed (renamed, or uploaded for a virtual path) at the end.
 */
export class LabelPartWriter {
  private readonly tmp: string;
  private readonly ds: Dataset;
  private done = false;
  constructor(readonly finalPath: string, grid: GridSpec, tileSize: number) {
    const g = getGdal();
    this.tmp = temporaryPathFor(finalPath, '.tif');
    // Blocks that divide the tile size, so each tile fills whole blocks and none is written twice.
    let block = 16;
    for (const b of [512, 256, 128, 64, 32, 16]) if (tileSize % b === 0) { block = b; break; }
    this.ds = g.drivers.get('GTiff').create(this.tmp, grid.width, grid.height, 1, g.GDT_Byte, [
      'TILED=YES', `BLOCKXSIZE=${block}`, `BLOCKYSIZE=${block}`, 'COMPRESS=DEFLATE', 'SPARSE_OK=TRUE', 'BIGTIFF=IF_SAFER',
    ]);
    if (grid.geoTransform) this.ds.geoTransform = grid.geoTransform;
    if (grid.srsWkt) this.ds.srs = g.SpatialReference.fromWKT(grid.srsWkt);
    this.ds.bands.get(1).noDataValue = LABEL_NODATA;
  }

  async writeWindow(w: Window, labels: Uint8Array): Promise<void> {
    await this.ds.bands.get(1).pixels.writeAsync(w.x0, w.y0, w.width, w.height, labels);
  }

  finish(): void {
    this.ds.flush();
    this.ds.close();
    commitOutputs([{ tmp: this.tmp, final: this.finalPath }]);
    this.done = true;
  }

  abort(): void {
    if (this.done) return;
    try {
      this.ds.close();
    } catch {
      /* already closed */
    }
    discardTemporary(this.tmp);
  }
}

/** The labels of one window of a part file. */
export function readLabelWindow(path: string, w: Window): Uint8Array {
  const ds = getGdal().open(path);
  try {
    return ds.bands.get(1).pixels.read(w.x0, w.y0, w.width, w.height) as Uint8Array;
  } finally {
    ds.close();
  }
}
