import { getGdal } from '../gdal.js';

/** WKT of an EPSG code, or null when GDAL does not know it. */
export function epsgWkt(code: number): string | null {
  try {
    return getGdal().SpatialReference.fromEPSG(code).toWKT();
  } catch {
    return null;
  }
}

/** MintPy's UTM_ZONE ('33N', '33S', '33') as an EPSG code of WGS 84 / UTM, or null. */
export function utmZoneEpsg(zone: string, latitude: number | null): number | null {
  const m = /^\s*(\d{1,2})\s*([A-Za-z]?)\s*$/.exec(zone);
  if (!m) return null;
  const n = Number(m[1]);
  if (n < 1 || n > 60) return null;
  const letter = m[2].toUpperCase();
  // Hemisphere: an explicit N/S, a MGRS latitude band (C..M south, N..X north), else the latitude.
  const south = letter === 'S' ? true : letter === 'N' ? false : letter ? letter < 'N' : latitude !== null ? latitude < 0 : false;
  return (south ? 32700 : 32600) + n;
}
