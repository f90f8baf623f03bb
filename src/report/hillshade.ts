/**
 * Hillshade of a height grid (Horn's 3x3 gradient, the formula of GDAL's
 * gdaldem hillshade), light from the north-west (azimuth 315°) at 45° altitude.
 * Returns the illumination 0..1 per cell; a missing (NaN) cell, or a missing
 * neighbour, is lit as flat ground so gaps do not draw cliffs.
 * `cellX`, `cellY` are the ground sizes of a cell in the units of the heights (metres).
 */
export function hillshade(heights: Float32Array, width: number, height: number, cellX: number, cellY: number, azimuthDeg = 315, altitudeDeg = 45): Float32Array {
  const out = new Float32Array(width * height);
  const zenith = ((90 - altitudeDeg) * Math.PI) / 180;
  const azimuth = (((360 - azimuthDeg + 90) % 360) * Math.PI) / 180;
  const flat = Math.cos(zenith);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const centre = heights[y * width + x];
      if (!Number.isFinite(centre)) {
        out[y * width + x] = flat;
        continue;
      }
      const at = (dx: number, dy: number) => {
        const xx = Math.min(width - 1, Math.max(0, x + dx)), yy = Math.min(height - 1, Math.max(0, y + dy));
        const v = heights[yy * width + xx];
        return Number.isFinite(v) ? v : centre;
      };
      const a = at(-1, -1), b = at(0, -1), c = at(1, -1);
      const d = at(-1, 0), f = at(1, 0);
      const g = at(-1, 1), h = at(0, 1), i = at(1, 1);
      const dzdx = (c + 2 * f + i - (a + 2 * d + g)) / (8 * cellX);
      const dzdy = (g + 2 * h + i - (a + 2 * b + c)) / (8 * cellY);
      const slope = Math.atan(Math.hypot(dzdx, dzdy));
      let aspect = 0;
      if (dzdx !== 0) {
        aspect = Math.atan2(dzdy, -dzdx);
        if (aspect < 0) aspect += 2 * Math.PI;
      } else if (dzdy > 0) aspect = Math.PI / 2;
      else if (dzdy < 0) aspect = (3 * Math.PI) / 2;
      const shade = Math.cos(zenith) * Math.cos(slope) + Math.sin(zenith) * Math.sin(slope) * Math.cos(azimuth - aspect);
      out[y * width + x] = Math.max(0, shade);
    }
  }
  return out;
}
