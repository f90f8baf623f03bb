/**
 * Regime colours: Paul Tol's "muted" qualitative scheme (colour-blind safe),
 * the same in the colour table, the RAT, the QGIS style and the plots.
 * Past its nine colours (rare: k > 9) further colours are spread around the hue
 * circle by the golden angle, so they stay distinct though not all CVD-safe.
 */
export const TOL_MUTED: [number, number, number][] = [
  [0xcc, 0x66, 0x77], // rose
  [0x33, 0x22, 0x88], // indigo
  [0xdd, 0xcc, 0x77], // sand
  [0x11, 0x77, 0x33], // green
  [0x88, 0xcc, 0xee], // cyan
  [0x88, 0x22, 0x55], // wine
  [0x44, 0xaa, 0x99], // teal
  [0x99, 0x99, 0x33], // olive
  [0xaa, 0x44, 0x99], // purple
];

export function regimeColour(label: number): [number, number, number] {
  if (label < TOL_MUTED.length) return TOL_MUTED[label];
  const hue = (label * 137.508) % 360;
  return hslToRgb(hue, 0.55, 0.5);
}

export function hexColour([r, g, b]: [number, number, number]): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const c = (1 - Math.abs(2 * l - 1)) * s;
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1));
  const m = l - c / 2;
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x];
  return [Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255)];
}
