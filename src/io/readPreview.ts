import { getGdal, openRaster } from './gdal.js';
import { toLonLat } from './lonLat.js';

/** One band read at a reduced size (a quick-look), NaN where the band has no data. */
export interface PreviewBand {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Reads band `band` (1-based) of a raster resampled to `width` x `height`.
 * GDAL picks the overview closest to the requested size, so a COG is read at
 * reduced resolution rather than in full. `nearest` keeps class values (use it
 * for labels; the COG's MODE overviews already hold class values), `average`
 * suits continuous layers such as heights. Nodata becomes NaN.
 */
export async function readBandPreview(path: string, band: number, width: number, height: number, resampling: 'nearest' | 'average'): Promise<PreviewBand> {
  const g = getGdal();
  const ds = openRaster(path, 'raster');
  try {
    const b = ds.bands.get(band);
    const noData = b.noDataValue;
    const { x, y } = ds.rasterSize;
    const data = (await b.pixels.readAsync(0, 0, x, y, undefined, {
      buffer_width: width,
      buffer_height: height,
      type: g.GDT_Float32,
      resampling: resampling === 'nearest' ? g.GRA_NearestNeighbor : g.GRA_Average,
    })) as Float32Array;
    if (noData !== null && !Number.isNaN(noData)) {
      const nd = Math.fround(noData);
      for (let i = 0; i < data.length; i++) if (data[i] === nd) data[i] = NaN;
    }
    return { width, height, data };
  } finally {
    ds.close();
  }
}

/** Pixel (column, row) of a raster to lon/lat, or null when the raster has no georeferencing. */
export function pixelToLonLatFor(geoTransform: number[] | null, srsWkt: string | null): ((col: number, row: number) => [number, number]) | null {
  if (!geoTransform || !srsWkt) return null;
  // proj4 with PROJ strings keeps x/y = east/north order (GDAL's EPSG:4326 is lat/lon).
  const toLonLatOf = toLonLat(getGdal().SpatialReference.fromWKT(srsWkt).toProj4());
  const gt = geoTransform;
  return (col, row) => toLonLatOf(gt[0] + col * gt[1] + row * gt[2], gt[3] + col * gt[4] + row * gt[5]);
}
