/**
 * The neighbour window of a pixel as a fixed, ordered list of (dx, dy) offsets.
 *
 * The order is part of the contract: it is the order in which neighbour
 * contributions are summed, and the offset's position is the salt of the
 * neighbour-sampling hash. Changing it changes every result.
 */
export interface NeighbourOffsets {
  /** Column offsets, in window order. */
  dx: Int32Array;
  /** Row offsets (positive = down, i.e. increasing row), in window order. */
  dy: Int32Array;
}

/**
 * The candidate-neighbour window, row-major (dy ascending, then dx ascending), centre excluded.
 *
 * Radius 1 gives the von Neumann (connectivity 4) or Moore (connectivity 8) neighbourhood;
 * a radius above 1 gives the disc dx² + dy² <= r² and ignores connectivity.
 *
 * @param radius - window radius in pixels, a positive integer
 * @param connectivity - 4 or 8; only used when radius is 1
 * @throws RangeError when the radius is not a positive integer or connectivity is not 4 or 8
 */
export function neighbourOffsets(radius: number, connectivity: 4 | 8): NeighbourOffsets {
  if (!Number.isInteger(radius) || radius < 1) {
    throw new RangeError(`neighbour radius must be a positive integer number of pixels, got ${radius}`);
  }
  if (connectivity !== 4 && connectivity !== 8) {
    throw new RangeError(`connectivity must be 4 or 8, got ${String(connectivity)}`);
  }
  // At radius 1 the disc rule gives the 4-neighbourhood, so connectivity 8 is the one special case.
  const includesCorners = radius === 1 && connectivity === 8;
  const dxList: number[] = [];
  const dyList: number[] = [];
  const radiusSquared = radius * radius;
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      if (dx === 0 && dy === 0) continue;
      if (includesCorners || dx * dx + dy * dy <= radiusSquared) {
        dxList.push(dx);
        dyList.push(dy);
      }
    }
  }
  return { dx: Int32Array.from(dxList), dy: Int32Array.from(dyList) };
}
