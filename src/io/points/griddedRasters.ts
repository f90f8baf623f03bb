import { getGdal, type Dataset } from '../gdal.js';
import { pamDescriptionsXml, writePam } from '../pamSidecar.js';
import { gridGeoTransform, type PointGrid } from '../../points/grid.js';

/**
 * A gridded layer file in the scratch folder: an uncompressed, striped GeoTIFF
 * written band of rows by band of rows (no block is ever written twice), with
 * its band names in a PAM sidecar that every GDAL reader takes up.
 */
export class GriddedRaster {
  private readonly ds: Dataset;
  constructor(readonly path: string, readonly grid: PointGrid, readonly bandNames: string[], srsWkt: string, readonly dataType: 'Float32' | 'Int32') {
    const g = getGdal();
    this.ds = g.drivers.get('GTiff').create(path, grid.width, grid.height, bandNames.length, dataType, ['INTERLEAVE=BAND', 'BIGTIFF=IF_SAFER']);
    this.ds.geoTransform = gridGeoTransform(grid);
    this.ds.srs = g.SpatialReference.fromWKT(srsWkt);
    if (dataType === 'Float32') for (let b = 1; b <= bandNames.length; b++) this.ds.bands.get(b).noDataValue = NaN;
  }

  /** Rows [row0, row0 + rows) of band b (0-based). */
  writeRows(b: number, row0: number, rows: number, data: Float32Array | Int32Array): void {
    this.ds.bands.get(b + 1).pixels.write(0, row0, this.grid.width, rows, data);
  }

  /** Closes the file and names its bands. */
  finish(metadata: Record<string, string> = {}): void {
    if (Object.keys(metadata).length) this.ds.setMetadata(metadata);
    this.ds.flush();
    this.ds.close();
    writePam(`${this.path}.aux.xml`, pamDescriptionsXml(this.bandNames));
  }

  abort(): void {
    try {
      this.ds.close();
    } catch {
      /* already closed */
    }
  }
}
