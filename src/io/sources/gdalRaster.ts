import { openRaster } from '../gdal.js';
import type { ResolvedSource, SourceReader } from './types.js';

/**
 * The catch-all reader: a raster GDAL opens as it is (today's dated multiband
 * GeoTIFF, a VRT, a /vsi path...). It resolves to the input itself; `openScene`
 * then reads its grid, CRS and band dates as it always has.
 */
export const gdalRasterReader: SourceReader = {
  name: 'GeoTIFF stack',
  claims: () => true,
  resolve: async (input) => {
    const ds = openRaster(input, 'scene');
    const driver = ds.driver.description;
    ds.close();
    const resolved: ResolvedSource = {
      input,
      path: input,
      statics: [],
      provenance: {
        product: driver === 'GTiff' ? 'GeoTIFF stack' : `${driver} raster`,
        inputs: [input],
        gridFrom: "the raster's geotransform",
        crsFrom: "the raster's CRS",
        datesFrom: 'band descriptions or metadata',
        units: 'mm (as stored; band scale and offset applied)',
        referenceDate: null,
        referencePoint: null,
        sign: 'as stored',
        notes: [],
      },
      dispose: () => {},
    };
    return resolved;
  },
};
