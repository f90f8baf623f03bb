import gdal from 'gdal-async';

/** Every pixel of band `b` (1-based) of a raster, with its grid. */
export function readBand(path: string, b = 1) {
  const ds = gdal.open(path);
  const { x: width, y: height } = ds.rasterSize;
  const band = ds.bands.get(b);
  const data = band.pixels.read(0, 0, width, height);
  const out = {
    width, height, data,
    geoTransform: ds.geoTransform,
    epsg: ds.srs?.getAuthorityCode(null) ?? null,
    nodata: band.noDataValue,
    description: band.description,
    bandCount: ds.bands.count(),
    descriptions: Array.from({ length: ds.bands.count() }, (_v, i) => ds.bands.get(i + 1).description),
  };
  ds.close();
  return out;
}

/** All bands of a float raster as one band-sequential array. */
export function readAllBands(path: string): Float32Array[] {
  const ds = gdal.open(path);
  const { x: w, y: h } = ds.rasterSize;
  const out = Array.from({ length: ds.bands.count() }, (_v, i) => ds.bands.get(i + 1).pixels.read(0, 0, w, h) as Float32Array);
  ds.close();
  return out;
}
