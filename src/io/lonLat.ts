import proj4 from 'proj4';

/** Converts projected or geographic coordinates of a CRS (given as a PROJ string) to lon/lat (WGS84). */
export function toLonLat(proj4String: string): (x: number, y: number) => [number, number] {
  const convert = proj4(proj4String, 'WGS84');
  return (x, y) => convert.forward([x, y]) as [number, number];
}

/** Extent in lon/lat of a grid: the corners and edge midpoints, transformed. */
export function lonLatExtent(
  proj4String: string,
  geoTransform: number[],
  width: number,
  height: number,
): { west: number; south: number; east: number; north: number } {
  const f = toLonLat(proj4String);
  let west = Infinity, south = Infinity, east = -Infinity, north = -Infinity;
  for (const fx of [0, 0.5, 1]) {
    for (const fy of [0, 0.5, 1]) {
      const px = fx * width, py = fy * height;
      const x = geoTransform[0] + px * geoTransform[1] + py * geoTransform[2];
      const y = geoTransform[3] + px * geoTransform[4] + py * geoTransform[5];
      const [lon, lat] = f(x, y);
      west = Math.min(west, lon); east = Math.max(east, lon);
      south = Math.min(south, lat); north = Math.max(north, lat);
    }
  }
  return { west, south, east, north };
}
