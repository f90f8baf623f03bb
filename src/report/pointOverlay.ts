import { NO_REGIME, type PointsOnMap } from '../points/mapPoints.js';

/** Fill of a point whose cell is not a node: the grey of the points' QGIS style. */
export const POINT_WITHOUT_REGIME: [number, number, number] = [160, 160, 160];
/** The dark rim that sets each dot off from the (paler) cells of its own regime. */
export const POINT_RIM: [number, number, number] = [40, 40, 40];

/**
 * The radius of the dots in pixels, from 1 (many points) to 3 (few): together
 * the discs cover about an eighth of the map, so sparse points stand out and
 * dense ones do not bury the cells.
 */
export function dotRadius(points: number, width: number, height: number): number {
  if (points === 0) return 3;
  const r = Math.sqrt((width * height) / (8 * Math.PI * points));
  return Math.min(3, Math.max(1, Math.round(r * 2) / 2));
}

/**
 * The points as an RGBA layer of `width` x `height` pixels (the drawn map's size),
 * transparent between the dots: a disc in the colour of each point's regime (grey
 * without one) inside a one-pixel dark rim (faint when the dots are small). All rims are drawn before any fill, so
 * crowded dots merge into one outlined patch; points without a regime are filled
 * first, so a point with one is never hidden under them.
 */
export function pointOverlay(points: PointsOnMap, colours: [number, number, number][], width: number, height: number): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  const r = dotRadius(points.labels.length, width, height);
  const n = points.labels.length;
  const colourOf = (i: number) => (points.labels[i] === NO_REGIME ? undefined : colours[points.labels[i]]);
  // Small dots are crowded ones: a faint rim, or the rims alone would darken the map.
  const rimAlpha = r >= 2 ? 255 : 110;
  const disc = (i: number, radius: number, rgb: [number, number, number], alpha = 255) => {
    const cx = points.x[i] * width, cy = points.y[i] * height;
    const x0 = Math.max(0, Math.floor(cx - radius)), x1 = Math.min(width - 1, Math.floor(cx + radius));
    const y0 = Math.max(0, Math.floor(cy - radius)), y1 = Math.min(height - 1, Math.floor(cy + radius));
    for (let py = y0; py <= y1; py++) {
      for (let px = x0; px <= x1; px++) {
        const dx = px + 0.5 - cx, dy = py + 0.5 - cy;
        if (dx * dx + dy * dy <= radius * radius) rgba.set([rgb[0], rgb[1], rgb[2], alpha], (py * width + px) * 4);
      }
    }
  };
  for (let i = 0; i < n; i++) disc(i, r + 1, POINT_RIM, rimAlpha);
  for (let i = 0; i < n; i++) if (!colourOf(i)) disc(i, r, POINT_WITHOUT_REGIME);
  for (let i = 0; i < n; i++) {
    const c = colourOf(i);
    if (c) disc(i, r, c);
  }
  return rgba;
}
