import proj4 from 'proj4';

/**
 * Real georeferencing for the synthetic grids: centred on the preset's place,
 * in ETRS89 / UTM 33N (the Norwegian products' CRS) or in geographic degrees.
 */

/** EPSG:25833, ETRS89 / UTM zone 33N. ETRS89 and WGS84 differ by < 1 m here, below a pixel. */
export const UTM33_PROJ4 = '+proj=utm +zone=33 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs +type=crs';
/** ETRS89 geographic longitude/latitude, written as EPSG:4326 (the two agree to < 1 m here). */
export const GEOGRAPHIC_PROJ4 = '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs +type=crs';

/** The CRS a synthetic scene can be written in. */
export type SynthCrs = 25833 | 4326;
/** Every CRS a synthetic scene can be written in: the CLI's `--crs` choices. */
export const SYNTH_CRS: SynthCrs[] = [25833, 4326];

/** GRS80 semi-major axis and first eccentricity squared. */
const SEMI_MAJOR = 6378137;
const ECCENTRICITY_SQ = 0.00669438002290;

/** Longitude/latitude (degrees) to UTM 33N easting/northing (metres). */
export function lonLatToUtm33(lon: number, lat: number): [number, number] {
  const [e, n] = proj4(GEOGRAPHIC_PROJ4, UTM33_PROJ4, [lon, lat]);
  return [e, n];
}

/** UTM 33N easting/northing (metres) to longitude/latitude (degrees). */
export function utm33ToLonLat(easting: number, northing: number): [number, number] {
  const [lon, lat] = proj4(UTM33_PROJ4, GEOGRAPHIC_PROJ4, [easting, northing]);
  return [lon, lat];
}

/**
 * Radii of curvature of the ellipsoid at a latitude: meridional (M, metres per
 * radian of latitude) and prime vertical (N; N cos(lat) metres per radian of longitude).
 */
export function radiiOfCurvature(latDeg: number): { meridional: number; primeVertical: number } {
  const s = Math.sin((latDeg * Math.PI) / 180);
  const w = Math.sqrt(1 - ECCENTRICITY_SQ * s * s);
  return {
    meridional: (SEMI_MAJOR * (1 - ECCENTRICITY_SQ)) / (w * w * w),
    primeVertical: SEMI_MAJOR / w,
  };
}

/**
 * A north-up GDAL geotransform of a `width` x `height` grid centred on
 * (lon, lat) whose pixels are `pixelSize` metres on the ground.
 * In UTM the origin snaps to whole pixels (grids that line up with others);
 * in degrees the pixel is pixelSize / M high and pixelSize / (N cos lat) wide,
 * so at 78 N a pixel spans about five times more degrees east than north.
 */
export function centredGeoTransform(
  crs: SynthCrs,
  lon: number,
  lat: number,
  width: number,
  height: number,
  pixelSize: number,
): number[] {
  if (crs === 25833) {
    const [easting, northing] = lonLatToUtm33(lon, lat);
    const originX = Math.round((easting - (width * pixelSize) / 2) / pixelSize) * pixelSize;
    const originY = Math.round((northing + (height * pixelSize) / 2) / pixelSize) * pixelSize;
    return [originX, pixelSize, 0, originY, 0, -pixelSize];
  }
  const { meridional, primeVertical } = radiiOfCurvature(lat);
  const degrees = 180 / Math.PI;
  const pixelLat = (pixelSize / meridional) * degrees;
  const pixelLon = (pixelSize / (primeVertical * Math.cos(lat / degrees))) * degrees;
  return [lon - (width / 2) * pixelLon, pixelLon, 0, lat + (height / 2) * pixelLat, 0, -pixelLat];
}

/** Centre of the grid in the geotransform's own units. */
export function gridCentre(geoTransform: number[], width: number, height: number): [number, number] {
  return [geoTransform[0] + (width / 2) * geoTransform[1], geoTransform[3] + (height / 2) * geoTransform[5]];
}
