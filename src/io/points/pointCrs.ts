import proj4 from 'proj4';
import { UserError } from '../../errors.js';
import { getGdal } from '../gdal.js';

/** A CRS given by a user or a layout, as GDAL reads it and proj4 converts with. */
export interface PointCrs {
  text: string;
  wkt: string;
  proj4: string;
  geographic: boolean;
  /** The lon/lat box where coordinates of this CRS make sense (EPSG's area of use where we know it). */
  area: { west: number; south: number; east: number; north: number };
}

/** Areas of use of the CRSs the products document (EPSG registry). */
const KNOWN_AREAS: Record<string, PointCrs['area']> = {
  'EPSG:3035': { west: -35.58, south: 24.6, east: 44.83, north: 84.73 },
};

/** Reads a CRS (EPSG:NNNN, WKT, PROJ); a UserError naming `option` when GDAL cannot. */
export function pointCrs(text: string, option: string): PointCrs {
  let srs;
  try {
    srs = getGdal().SpatialReference.fromUserInput(text);
  } catch {
    throw new UserError(`${option} '${text}' is not a CRS GDAL knows; give EPSG:NNNN (e.g. EPSG:25833), WKT or a PROJ string.`);
  }
  const geographic = srs.isGeographic();
  return {
    text,
    wkt: srs.toWKT(),
    proj4: srs.toProj4(),
    geographic,
    area: KNOWN_AREAS[text.toUpperCase()] ?? { west: -180, south: -90, east: 180, north: 90 },
  };
}

/** Converts coordinates of `crs` to lon/lat (degrees, WGS 84) in place, pair by pair. */
export function toLonLatConverter(crs: PointCrs): (xy: [number, number]) => [number, number] {
  if (crs.geographic && /\+proj=longlat/.test(crs.proj4)) return (xy) => xy;
  const convert = proj4(crs.proj4, 'WGS84');
  return (xy) => convert.forward(xy) as [number, number];
}

/** Converts lon/lat (WGS 84) to coordinates of `crs`. */
export function fromLonLatConverter(crs: PointCrs): (xy: [number, number]) => [number, number] {
  if (crs.geographic && /\+proj=longlat/.test(crs.proj4)) return (xy) => xy;
  const convert = proj4('WGS84', crs.proj4);
  return (xy) => convert.forward(xy) as [number, number];
}
