import type { PointsOnMap } from '../points/mapPoints.js';
import { hillshade } from './hillshade.js';
import { pointOverlay, POINT_RIM, POINT_WITHOUT_REGIME } from './pointOverlay.js';
import { encodePngRgba } from './pngEncode.js';
import { xmlAttribute } from './qgisStyle.js';
import { PLOT_FONT } from './regimePlots.js';

/** Grey of a pixel inside the scene that has no regime (no data, too many gaps). */
export const NO_DATA_GREY: [number, number, number] = [0xd0, 0xd0, 0xd0];

/** What the quick-look map is drawn from; the grids are a reduced-resolution read of the outputs. */
export interface QuickLookInput {
  /** Labels on the preview grid, NaN where a pixel has none. */
  labels: { width: number; height: number; data: Float32Array };
  /** Heights on the same grid (a static layer), or null: then the background is flat grey. */
  heights: Float32Array | null;
  /** Name of the height layer, for the legend. */
  heightLayer?: string;
  /** Colour of each label. */
  colours: [number, number, number][];
  /** Legend rows in label order. */
  legend: { name: string; colour: string }[];
  /** Ground size of the whole scene in metres (east-west, north-south). */
  groundSizeMetres: [number, number];
  /** Bearing of the map's "up" from true north, degrees clockwise; null when not georeferenced. */
  upBearingDeg: number | null;
  /** A point input's points, drawn as dots over paler cells; absent for a raster input. */
  points?: PointsOnMap | null;
  title: string;
  subtitle: string;
}

/** The size of the drawn map: its long side `longSide` px, its shape the scene's ground shape. */
export function mapDisplaySize(groundSizeMetres: [number, number], longSide = 640): { width: number; height: number } {
  const [gx, gy] = groundSizeMetres;
  const s = longSide / Math.max(gx, gy);
  return { width: Math.max(1, Math.round(gx * s)), height: Math.max(1, Math.round(gy * s)) };
}

/** A colour part of the way to white: the cells under a point layer, so the dots in full colour stand out. */
const paler = (v: number) => Math.round(v + (255 - v) * 0.55);

/**
 * The raster layer of the map as RGBA: regime colours, shaded by the
 * hillshade when heights are given; pixels without a regime show the
 * hillshade in grey, or flat grey without heights. Under points, paler.
 */
export function composeMapRaster(input: QuickLookInput): Uint8Array {
  const { width, height, data } = input.labels;
  const rgba = new Uint8Array(width * height * 4);
  const cellX = input.groundSizeMetres[0] / width, cellY = input.groundSizeMetres[1] / height;
  const shade = input.heights ? hillshade(input.heights, width, height, cellX, cellY) : null;
  for (let p = 0; p < width * height; p++) {
    const label = data[p];
    const colour = Number.isFinite(label) ? input.colours[label] : undefined;
    let rgb: number[];
    if (shade) {
      // Multiply by the light: the regime colour stays recognisable, the relief shows through.
      const light = colour ? 0.55 + 0.45 * shade[p] : 0.45 + 0.55 * shade[p];
      rgb = (colour ?? [235, 235, 235]).map((v) => Math.min(255, Math.round(v * light)));
    } else {
      rgb = colour ?? NO_DATA_GREY;
    }
    if (input.points) rgb = rgb.map(paler);
    rgba.set([rgb[0], rgb[1], rgb[2], 255], p * 4);
  }
  return rgba;
}

const MARGIN = 16, TOP = 56;

/** Where the map sits in the drawing (its upper-left corner, below the title) and its size; the legend is to its right. */
export function mapPlacement(groundSizeMetres: [number, number]): { x: number; y: number; width: number; height: number } {
  return { x: MARGIN, y: TOP, ...mapDisplaySize(groundSizeMetres) };
}

/** A round scale-bar length (1, 2 or 5 times a power of ten) no longer than `metres`. */
export function niceLength(metres: number): number {
  const p = 10 ** Math.floor(Math.log10(metres));
  return [5, 2, 1].map((m) => m * p).find((v) => v <= metres) ?? p;
}

const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x}" y="${y}" ${attrs}>${xmlAttribute(s)}</text>`;

function scaleBar(x: number, y: number, metresPerPixel: number, mapWidth: number): string {
  const length = niceLength(mapWidth * metresPerPixel * 0.3);
  const px = length / metresPerPixel;
  const label = length >= 1000 ? `${length / 1000} km` : `${length} m`;
  const segments = [0, 1, 2, 3].map((i) => `<rect x="${(x + (i * px) / 4).toFixed(1)}" y="${y}" width="${(px / 4).toFixed(1)}" height="6" fill="${i % 2 ? 'white' : 'black'}" stroke="black" stroke-width="0.8"/>`);
  return [
    `<rect x="${x - 10}" y="${y - 18}" width="${(px + 20 + label.length * 3).toFixed(1)}" height="30" rx="3" fill="white" fill-opacity="0.85"/>`,
    ...segments,
    text(x, y - 4, '0', 'font-size="10" text-anchor="middle"'),
    text(x + px, y - 4, label, 'font-size="10" text-anchor="middle"'),
  ].join('\n');
}

function northArrow(cx: number, cy: number, upBearingDeg: number): string {
  // The arrow points to true north: rotate against the bearing of the map's up.
  return `<g transform="translate(${cx} ${cy}) rotate(${(-upBearingDeg).toFixed(2)})">
<circle r="20" fill="white" fill-opacity="0.85"/>
<text y="-7" font-size="11" font-weight="bold" text-anchor="middle">N</text>
<path d="M0,-5 L6,15 L0,11 L-6,15 Z" fill="black"/>
</g>`;
}

/** What the legend says of the dots (one or two lines): how many of the input's points are drawn. */
export function pointsNote(points: PointsOnMap): string[] {
  const count = (n: number) => n.toLocaleString('en-GB');
  const shown = points.labels.length;
  if (shown === points.total) return [`dots: all ${count(shown)} input points; cells paler`];
  return [`dots: ${count(shown)} of ${count(points.total)} input points`, '(a fixed hash choice); cells paler'];
}

/**
 * The quick-look map as SVG: the partition (over a hillshade or grey), the
 * input points of a point run as dots in their regime's colour over paler
 * cells, a legend of the regimes, a scale bar and a north arrow. Render it with
 * `svgToPng` at scale 1: the raster layers then keep their pixels.
 */
export function quickLookMapSvg(input: QuickLookInput): { svg: string; width: number; height: number } {
  const { x: mx, y: my, ...display } = mapPlacement(input.groundSizeMetres);
  const raster = encodePngRgba(composeMapRaster(input), input.labels.width, input.labels.height).toString('base64');
  const points = input.points ?? null;
  const margin = MARGIN, top = TOP, legendX = margin + display.width + 24, legendWidth = 300, row = 22;
  const cellGrey = points ? NO_DATA_GREY.map(paler) : NO_DATA_GREY;
  const legendRows: { colour: string; name: string; dot?: boolean }[] = [
    ...input.legend.map((l) => ({ colour: l.colour, name: l.name })),
    { colour: `rgb(${cellGrey.join(',')})`, name: input.heights ? 'no regime (hillshade shows)' : 'no regime (no data or too many gaps)' },
    ...(points ? [{ colour: `rgb(${POINT_WITHOUT_REGIME.join(',')})`, name: 'point without a regime (its cell is not a node)', dot: true }] : []),
  ];
  const notes = [...(points ? pointsNote(points) : []), ...(input.heights ? [`relief: hillshade of '${input.heightLayer ?? 'height'}'`] : [])];
  const legendHeight = 28 + legendRows.length * row + (notes.length > 0 ? notes.length * 18 + 6 : 0);
  const width = legendX + legendWidth + margin;
  const height = top + Math.max(display.height, legendHeight) + margin;
  const legend = legendRows.map((r, i) => {
    const y = my + 28 + i * row;
    const swatch = r.dot
      ? `<circle cx="${legendX + 8}" cy="${y - 4}" r="4" fill="${r.colour}" stroke="rgb(${POINT_RIM.join(',')})" stroke-width="1.5"/>`
      : `<rect x="${legendX}" y="${y - 12}" width="16" height="16" fill="${r.colour}" stroke="#333" stroke-width="0.8"/>`;
    return `${swatch}\n${text(legendX + 24, y + 1, r.name, 'font-size="12"')}`;
  });
  const notesY = my + 28 + legendRows.length * row + 4;
  const overlay = points ? encodePngRgba(pointOverlay(points, input.colours, display.width, display.height), display.width, display.height).toString('base64') : null;
  const image = (id: string, png: string) =>
    `<image id="${id}" x="${mx}" y="${my}" width="${display.width}" height="${display.height}" preserveAspectRatio="none" image-rendering="optimizeSpeed" xlink:href="data:image/png;base64,${png}"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${PLOT_FONT}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(margin, 24, input.title, 'font-size="16" font-weight="bold"'),
    text(margin, 44, input.subtitle, 'font-size="12" fill="#444"'),
    image('map-cells', raster),
    overlay ? image('map-points', overlay) : '',
    `<rect x="${mx}" y="${my}" width="${display.width}" height="${display.height}" fill="none" stroke="#333" stroke-width="1"/>`,
    scaleBar(mx + 18, my + display.height - 16, input.groundSizeMetres[0] / display.width, display.width),
    input.upBearingDeg === null ? '' : northArrow(mx + display.width - 26, my + 26, input.upBearingDeg),
    text(legendX, my + 8, 'Regimes', 'font-size="13" font-weight="bold"'),
    ...legend,
    ...notes.map((n, i) => text(legendX, notesY + i * 18, n, 'font-size="11" fill="#444"')),
    '</svg>',
  ];
  return { svg: parts.filter((p) => p !== '').join('\n'), width, height };
}
