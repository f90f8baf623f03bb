import { openRaster } from '../gdal.js';
import type { ResolvedSource, SourceReader } from './types.js';
import { removeVsimem, vsimemPath } from './vsimem.js';
import { getGdal } from '../gdal.js';

/**
 * The catch-all reader: a raster GDAL opens as it is (today's dated multiband
 * GeoTIFF, a VRT, a /vsi path...). It resolves to the input itself, and `openScene`
 * reads its grid, CRS and band dates as it always has; a south-up raster (positive
 * y pixel size, as some exports are) is turned north-up through a warped VRT on the
 * same pixels (nearest neighbour: an exact flip).
 */
export const gdalRasterReader: SourceReader = {
  name: 'GeoTIFF stack',
  claims: () => true,
  resolve: async (input) => {
    const ds = openRaster(input, 'scene');
    const driver = ds.driver.description;
    const gt = ds.geoTransform;
    const southUp = gt !== null && gt[5] > 0 && gt[2] === 0 && gt[4] === 0 && ds.srs !== null;
    let path = input;
    let dispose = () => {};
    const notes: string[] = [];
    if (southUp) {
      const { x: w, y: h } = ds.rasterSize;
      path = vsimemPath('northup');
      getGdal().warp(path, null, [ds], ['-of', 'VRT', '-te', String(gt[0]), String(gt[3]), String(gt[0] + w * gt[1]), String(gt[3] + h * gt[5]), '-tr', String(gt[1]), String(gt[5]), '-r', 'near']).close();
      const vrt = path;
      dispose = () => removeVsimem(vrt);
      notes.push('south-up raster turned north-up (nearest neighbour on the same pixels)');
    }
    ds.close();
    const resolved: ResolvedSource = {
      input,
      path,
      statics: [],
      provenance: {
        product: driver === 'GTiff' ? 'GeoTIFF stack' : `${driver} raster`,
        inputs: [input],
        gridFrom: southUp ? "the raster's geotransform, turned north-up" : "the raster's geotransform",
        crsFrom: "the raster's CRS",
        datesFrom: 'band descriptions or metadata',
        units: 'mm (as stored; band scale and offset applied)',
        referenceDate: null,
        referencePoint: null,
        sign: 'as stored',
        notes,
      },
      dispose,
    };
    return resolved;
  },
};
