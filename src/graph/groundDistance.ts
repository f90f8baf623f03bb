import type { NeighbourOffsets } from './offsets.js';

/** Where the raster's pixels sit on the ground: enough to turn pixel offsets into metres. */
export interface GridGeometry {
  /** GDAL order [x0, dx, rx, y0, ry, dy]: x = x0 + col*dx + row*rx, y = y0 + col*ry + row*dy (pixel corners). */
  geoTransform: number[];
  /** True when coordinates are longitude/latitude in degrees (then distances are geodesic on WGS84). */
  geographic: boolean;
  /** Metres per linear unit of a projected CRS (1 for metres, 0.3048 for international feet); ignored when geographic. */
  metresPerUnit: number;
}

/** WGS84 semi-major axis in metres. */
const WGS84_SEMI_MAJOR_AXIS = 6378137;
/** WGS84 flattening. */
const WGS84_FLATTENING = 1 / 298.257223563;
const WGS84_ECCENTRICITY_SQUARED = WGS84_FLATTENING * (2 - WGS84_FLATTENING);
const RADIANS_PER_DEGREE = Math.PI / 180;

/**
 * Checks that a grid can be turned into ground distances, so the caller can report a bad
 * scene once, up front, rather than from inside a tile.
 *
 * @throws RangeError when the geotransform is not six finite numbers, is degenerate, the unit
 *   scale is not positive, or a geographic grid is rotated (its latitude would then vary along a row)
 */
export function assertGridGeometry(grid: GridGeometry): void {
  const gt = grid.geoTransform;
  if (gt.length !== 6 || !gt.every(Number.isFinite)) {
    throw new RangeError(`geoTransform must be six finite numbers [x0, dx, rx, y0, ry, dy], got [${gt.join(', ')}]`);
  }
  if (gt[1] * gt[5] - gt[2] * gt[4] === 0) {
    throw new RangeError(`geoTransform [${gt.join(', ')}] is degenerate: pixels have zero area`);
  }
  if (grid.geographic) {
    if (gt[2] !== 0 || gt[4] !== 0) {
      throw new RangeError(
        `a geographic (lon/lat) grid must be north-up, but its geoTransform has rotation terms ` +
          `rx=${gt[2]}, ry=${gt[4]}; warp it to a north-up grid first`,
      );
    }
  } else if (!(grid.metresPerUnit > 0) || !Number.isFinite(grid.metresPerUnit)) {
    throw new RangeError(`metresPerUnit must be a positive number for a projected grid, got ${grid.metresPerUnit}`);
  }
}

/**
 * Ground distance in metres from a pixel centre in global row `row` to each offset neighbour.
 *
 * Projected grids: the geotransform maps the offset to CRS units, scaled by `metresPerUnit`
 * (the same for every row). Geographic grids: the local ellipsoidal approximation to the
 * WGS84 geodesic, with the meridional radius M and prime-vertical radius N taken at the
 * mid-latitude of the two centres: dNorth = M·dLat, dEast = N·cos(lat)·dLon. Over pixel-scale
 * offsets its relative error is of order (d / R)², far below a millimetre; it still captures
 * that at 78° N a degree of longitude is about a fifth of a degree of latitude.
 *
 * @param grid - the raster's geometry (see {@link assertGridGeometry})
 * @param row - global row index of the pixel (only matters for geographic grids)
 * @param offsets - the neighbour window
 * @returns one distance per offset, in window order
 */
export function groundDistancesForRow(grid: GridGeometry, row: number, offsets: NeighbourOffsets): Float64Array {
  assertGridGeometry(grid);
  const gt = grid.geoTransform;
  const count = offsets.dx.length;
  const distances = new Float64Array(count);
  if (!grid.geographic) {
    for (let k = 0; k < count; k++) {
      const dx = offsets.dx[k];
      const dy = offsets.dy[k];
      const east = gt[1] * dx + gt[2] * dy;
      const north = gt[4] * dx + gt[5] * dy;
      distances[k] = Math.hypot(east, north) * grid.metresPerUnit;
    }
    return distances;
  }
  const centreLatitude = gt[3] + gt[5] * (row + 0.5);
  for (let k = 0; k < count; k++) {
    const deltaLonDegrees = gt[1] * offsets.dx[k];
    const deltaLatDegrees = gt[5] * offsets.dy[k];
    // Evaluating the radii at the midpoint keeps the distance symmetric between the two pixels.
    const midLatitude = (centreLatitude + deltaLatDegrees / 2) * RADIANS_PER_DEGREE;
    const sinLat = Math.sin(midLatitude);
    const w = 1 - WGS84_ECCENTRICITY_SQUARED * sinLat * sinLat;
    const primeVerticalRadius = WGS84_SEMI_MAJOR_AXIS / Math.sqrt(w);
    const meridionalRadius = (primeVerticalRadius * (1 - WGS84_ECCENTRICITY_SQUARED)) / w;
    const north = meridionalRadius * deltaLatDegrees * RADIANS_PER_DEGREE;
    const east = primeVerticalRadius * Math.cos(midLatitude) * deltaLonDegrees * RADIANS_PER_DEGREE;
    distances[k] = Math.hypot(east, north);
  }
  return distances;
}

/** Ground size of a pixel in global row `row`, metres: its east-west and north-south extent. */
export function pixelSizeAtRow(grid: GridGeometry, row: number): [number, number] {
  const d = groundDistancesForRow(grid, row, { dx: Int32Array.of(1, 0), dy: Int32Array.of(0, 1) });
  return [d[0], d[1]];
}
