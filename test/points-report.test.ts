import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { MapPointChoice } from '../src/points/mapPoints.js';
import { regimeColour } from '../src/report/palette.js';
import { POINT_WITHOUT_REGIME } from '../src/report/pointOverlay.js';
import { mapPlacement, quickLookMapSvg } from '../src/report/quickLookMap.js';
import { svgToPng } from '../src/report/svgToPng.js';
import { decodePng, type Pixels } from './helpers/pngPixels.js';
import { egmsL2bCsv, synthPointCloud, zipArchive, type PointCloud } from './helpers/pointFixtures.js';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

const ON_SCENE_GRID = ['--grid-crs', 'EPSG:25833', '--cell-size', '40'];
const METHOD = ['--k', '4', '--seed', '3', '--quiet'];
let dir: string;
let cloud: PointCloud;

/**
 * Where each input point falls on a run's map (a PNG pixel), where the centre of its
 * cell falls, and its cell's label: from the run's own label raster and sidecar.
 */
function pointsOnTheMap(stem: string) {
  const labels = readBand(`${stem}.tif`);
  const gt = labels.geoTransform!;
  const sidecar = JSON.parse(readFileSync(`${stem}.stats.json`, 'utf8'));
  const sc = sidecar.inputs.scene;
  const place = mapPlacement([sc.width * sc.pixelSizeMetres[0], sc.height * sc.pixelSizeMetres[1]]);
  const onMap = (col: number, row: number) => [place.x + Math.floor((col / labels.width) * place.width), place.y + Math.floor((row / labels.height) * place.height)];
  return cloud.points.map((p) => {
    // The points' UTM 33 coordinates are on the grid's CRS (EPSG:25833): a fractional cell column and row.
    const col = (p.e - gt[0]) / gt[1], row = (p.n - gt[3]) / gt[5];
    const [x, y] = onMap(col, row);
    const [cellX, cellY] = onMap(Math.floor(col) + 0.5, Math.floor(row) + 0.5);
    // The scale bar (lower left, a third of the width) and the north arrow (upper right) are drawn over the map.
    const underScaleBar = y > place.y + place.height - 40 && x < place.x + place.width * 0.45;
    const underNorthArrow = Math.hypot(x - (place.x + place.width - 26), y - (place.y + 26)) < 24;
    return { x, y, cellX, cellY, covered: underScaleBar || underNorthArrow, label: (labels.data as Uint8Array)[Math.floor(row) * labels.width + Math.floor(col)] };
  });
}

const fillOf = (label: number) => (label === 255 ? POINT_WITHOUT_REGIME : regimeColour(label));

/**
 * The points no dot of another colour comes near (4 px: a dot's radius is at most 3),
 * so the pixel under their centre can only show their own fill (rims go under every fill).
 */
function unobstructed<T extends { x: number; y: number; label: number }>(points: T[]): T[] {
  return points.filter((p) => points.every((q) => fillOf(q.label) === fillOf(p.label) || Math.hypot(p.x - q.x, p.y - q.y) > 4));
}

/** The points whose cell centre no dot covers (a dot and its rim reach at most 4 px from the point), outside the scale bar and north arrow. */
function cellsClearOfDots<T extends { x: number; y: number; cellX: number; cellY: number; covered: boolean }>(points: T[]): T[] {
  return points.filter((p) => !p.covered && points.every((q) => Math.hypot(p.cellX - q.x, p.cellY - q.y) > 5));
}

const minChannel = (v: number) => Math.min(v >> 16, (v >> 8) & 255, v & 255);
const rgbAt = (png: Pixels, x: number, y: number) => png.rgb[y * png.width + x];
const packed = ([r, g, b]: number[]) => (r << 16) | (g << 8) | b;

beforeAll(async () => {
  dir = tempDir('sc-points-report-');
  cloud = synthPointCloud({ preset: 'lyngen', width: 36, height: 30, nDates: 16, pixelSize: 40 }, 21);
  const zip = join(dir, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.zip');
  writeFileSync(zip, zipArchive([{ name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', data: Buffer.from(egmsL2bCsv(cloud)) }]));
  const points = await runCli('run', zip, '--out', join(dir, 'points.tif'), ...ON_SCENE_GRID, ...METHOD);
  expect(points.code, points.stderr).toBe(0);
  // The same cells as a raster scene (grid writes the stack and the static layers the point run clusters).
  const grid = await runCli('grid', zip, '--out', join(dir, 'grid'), ...ON_SCENE_GRID, '--quiet');
  expect(grid.code, grid.stderr).toBe(0);
  const raster = await runCli('run', join(dir, 'grid', 'displacement.tif'), '--static', join(dir, 'grid', 'static.tif'), '--out', join(dir, 'raster.tif'), ...METHOD);
  expect(raster.code, raster.stderr).toBe(0);
}, 120_000);

describe("the report's map shows a point run's points", () => {
  test('each input point is a dot in its regime colour (grey without one) on the map, and the caption says how many', () => {
    const png = decodePng(join(dir, 'points.map.png'));
    const shown = unobstructed(pointsOnTheMap(join(dir, 'points'))).filter((p) => !p.covered);
    expect(shown.length).toBeGreaterThan(cloud.points.length / 2);
    expect(new Set(shown.map((p) => p.label)).size).toBeGreaterThan(4); // several regimes, and points without one, among the points checked
    expect(shown.some((p) => p.label === 255)).toBe(true);
    for (const p of shown) expect(rgbAt(png, p.x, p.y).toString(16), `point at ${p.x},${p.y} (label ${p.label})`).toBe(packed(fillOf(p.label)).toString(16));
    // Under the dots the cells are paler: every channel of a cell's own pixels at least 140 (45 % of the colour, 55 % white).
    const cells = cellsClearOfDots(pointsOnTheMap(join(dir, 'points')));
    expect(cells.length).toBeGreaterThan(100);
    for (const p of cells) expect(minChannel(rgbAt(png, p.cellX, p.cellY)), `cell centre ${p.cellX},${p.cellY}`).toBeGreaterThanOrEqual(140);
    const html = readFileSync(join(dir, 'points.report.html'), 'utf8');
    expect(html).toContain(`<span id="map-points">The dots are all ${cloud.points.length.toLocaleString('en-GB')} input points`);
  });

  test("a raster run's map has no point layer: where the points would be, each pixel is its cell's colour, and the caption has no dots", () => {
    const png = decodePng(join(dir, 'raster.map.png'));
    const places = pointsOnTheMap(join(dir, 'raster')).filter((p) => !p.covered);
    const likeTheirCell = places.filter((p) => rgbAt(png, p.x, p.y) === rgbAt(png, p.cellX, p.cellY)).length;
    expect(likeTheirCell / places.length).toBeGreaterThan(0.97); // a cell centre under the scale bar's label, or a rounding at a cell's edge
    // The cells in their full (shaded) colours: every regime colour has a channel below 140, whatever the light.
    const cells = cellsClearOfDots(places).filter((p) => p.label !== 255);
    expect(cells.length).toBeGreaterThan(100);
    for (const p of cells) expect(minChannel(rgbAt(png, p.cellX, p.cellY))).toBeLessThan(140);
    expect(readFileSync(join(dir, 'raster.report.html'), 'utf8')).not.toContain('id="map-points"');
  });

  test('very many points are thinned to at most 20,000, by a fixed, even choice, and the legend says so', () => {
    const total = 120_000;
    const a = new MapPointChoice(total), b = new MapPointChoice(total);
    const kept = Array.from({ length: total }, (_v, i) => i).filter((i) => a.keeps(i));
    expect(Array.from({ length: total }, (_v, i) => i).filter((i) => b.keeps(i))).toEqual(kept);
    expect(a.chosen).toBe(20_000);
    expect(kept).toHaveLength(20_000);
    // Even over the input: each sixth of the points gives about a sixth of the dots.
    for (let s = 0; s < 6; s++) {
      const inSixth = kept.filter((i) => Math.floor((i * 6) / total) === s).length;
      expect(Math.abs(inSixth - 20_000 / 6)).toBeLessThan(200);
    }
    // Every 6th point would be 20,000 too, but in stripes on a row-ordered product (EGMS L3): the hash choice is not.
    expect(kept.filter((i) => i % 6 === 0).length).toBeLessThan(4_000);
    const few = new MapPointChoice(500);
    expect(Array.from({ length: 500 }, (_v, i) => few.keeps(i)).every(Boolean)).toBe(true);

    const n = kept.length;
    const map = quickLookMapSvg({
      labels: { width: 4, height: 4, data: new Float32Array(16).fill(0) },
      heights: null,
      colours: [regimeColour(0), regimeColour(1)],
      legend: [{ name: '0: a', colour: '#cc6677' }, { name: '1: b', colour: '#332288' }],
      groundSizeMetres: [4000, 4000],
      upBearingDeg: null,
      title: 't',
      subtitle: 's',
      points: { x: Float32Array.from(kept, (i) => (i % 400) / 400), y: Float32Array.from(kept, (i) => Math.floor(i / 400) / 300), labels: new Uint8Array(n).fill(1), total },
    });
    expect(map.svg).toContain('dots: 20,000 of 120,000 input points<');
    expect(map.svg).toContain('(a fixed hash choice); cells paler');
    expect(map.svg).toContain('id="map-points"');
    const png = decodePng(svgToPng(map.svg, []));
    const place = mapPlacement([4000, 4000]);
    const indigo = packed(regimeColour(1));
    let dots = 0;
    for (let y = place.y; y < place.y + place.height; y++) for (let x = place.x; x < place.x + place.width; x++) if (rgbAt(png, x, y) === indigo) dots++;
    expect(dots / (place.width * place.height)).toBeGreaterThan(0.05); // thinned points still cover the map, as small dots
  });
});
