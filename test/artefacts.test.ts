/**
 * The files people look at after a run (issue 4, points 1-4): the QGIS style,
 * the regime plots, the quick-look map and the HTML report. Each is checked for
 * content against what GDAL reads back from the classified COG and against the
 * statistics sidecar; the report is opened in a real browser (Debian's chromium).
 */
import gdal from 'gdal-async';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { drawRegimePlotsAside } from '../src/pipeline/outputs/plotsAside.js';
import { drawRegimePlotFiles } from '../src/report/regimePlotFiles.js';
import type { StatsSidecar } from '../src/report/statsSidecar.js';
import { findPlotFontFiles } from '../src/io/fonts.js';
import { silentReporter } from '../src/reporter.js';
import { colourCounts, decodePng, hexOf, pngHeaderSize, rgbOfHex, type Pixels } from './helpers/pngPixels.js';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

const W = 90, H = 72;
const PYTHON = '/usr/bin/python3';
const CHROMIUM = '/usr/bin/chromium';

interface Sidecar {
  validPixels: number;
  inputs: { scene: { width: number; height: number; pixelSizeMetres: number[]; dayOffsets: number[] } };
  outputs: Record<string, string>;
  clusters: {
    label: number; name: string; colour: string; count: number; share: number;
    displacement: { mean: (number | null)[]; std: (number | null)[] };
    static: Record<string, unknown>;
  }[];
}

let dir: string, scene: string, statics: string, plainStdout: string;
/** A run with static layers (hillshade from 'height', static plots) and one without (grey background). */
const runs = { withStatics: { stem: '', k: 4 }, plain: { stem: '', k: 5 } };
const sidecarOf = (stem: string) => JSON.parse(readFileSync(`${stem}.stats.json`, 'utf8')) as Sidecar;

beforeAll(async () => {
  dir = tempDir('sc-artefacts-');
  const { files } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: W, height: H, nDates: 30, seed: 7 }, false, silentReporter);
  ({ displacement: scene, static: statics } = files);
  for (const name of ['a', 'b']) mkdirSync(join(dir, name));
  runs.withStatics.stem = join(dir, 'a', 'regimes');
  runs.plain.stem = join(dir, 'b', 'plain');
  const a = await runCli('run', scene, '--static', statics, '--out', `${runs.withStatics.stem}.tif`, '--k', runs.withStatics.k, '--quiet');
  expect(a.code, a.stderr).toBe(0);
  const b = await runCli('run', scene, '--out', `${runs.plain.stem}.tif`, '--k', runs.plain.k, '--quiet');
  expect(b.code, b.stderr).toBe(0);
  plainStdout = b.stdout;
});

/** The QML and the RAT as independent readers see them: Python's expat parser and GDAL's Python bindings. */
function readStyleAndRat(stem: string) {
  const script = `
import json, sys
import xml.etree.ElementTree as ET
from osgeo import gdal
root = ET.parse(sys.argv[1]).getroot()
r = root.find('pipe/rasterrenderer')
ds = gdal.Open(sys.argv[2])
band = ds.GetRasterBand(1)
rat = band.GetDefaultRAT()
cols = [rat.GetNameOfCol(i) for i in range(rat.GetColumnCount())]
print(json.dumps({
  'root': root.tag,
  'renderer': dict(r.attrib),
  'entries': [dict(e.attrib) for e in r.findall('colorPalette/paletteEntry')],
  'transparent': [dict(e.attrib) for e in r.findall('rasterTransparency/singleValuePixelList/pixelListEntry')],
  'rat': [{cols[i]: rat.GetValueAsString(row, i) for i in range(len(cols))} for row in range(rat.GetRowCount())],
}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, `${stem}.qml`, `${stem}.tif`], { encoding: 'utf8' })) as {
    root: string;
    renderer: Record<string, string>;
    entries: Record<string, string>[];
    transparent: Record<string, string>[];
    rat: Record<string, string>[];
  };
}

/** Colour table and category names of the COG, read back through gdal-async. */
function cogStyle(path: string) {
  const ds = gdal.open(path);
  const band = ds.bands.get(1);
  const table = band.colorTable!;
  const colours = Array.from({ length: table.count() }, (_v, i) => {
    const c = table.get(i);
    return hexOf((c.c1 << 16) | (c.c2 << 8) | c.c3);
  });
  const out = { colours, categoryNames: band.categoryNames, nodata: band.noDataValue };
  ds.close();
  return out;
}

describe('OUT.qml: QGIS opens the partition styled', () => {
  it.each(Object.entries(runs))('%s: one paletted entry per regime, colours of the COG colour table, labels = category names, nodata transparent', (_name, run) => {
    const { root, renderer, entries, transparent } = readStyleAndRat(run.stem);
    const cog = cogStyle(`${run.stem}.tif`);
    const sidecar = sidecarOf(run.stem);
    expect(root).toBe('qgis');
    expect(renderer).toMatchObject({ type: 'paletted', band: '1', nodataColor: '' });
    expect(entries).toHaveLength(run.k);
    expect(entries.map((e) => Number(e.value))).toEqual(sidecar.clusters.map((c) => c.label));
    expect(entries.map((e) => e.color)).toEqual(cog.colours.slice(0, run.k));
    expect(entries.map((e) => e.color)).toEqual(sidecar.clusters.map((c) => c.colour));
    expect(new Set(entries.map((e) => e.color)).size).toBe(run.k);
    expect(entries.map((e) => e.label)).toEqual(cog.categoryNames.slice(0, run.k));
    expect(entries.map((e) => e.label)).toEqual(sidecar.clusters.map((c) => c.name));
    for (const e of entries) expect(e.alpha).toBe('255');
    // nodata: the COG's nodata value is listed as fully transparent
    expect(cog.nodata).toBe(255);
    expect(transparent).toEqual([{ min: '255', max: '255', percentTransparent: '100' }]);
  });

  it('the RAT read back through GDAL agrees with the QML, the sidecar and the label raster', () => {
    const run = runs.withStatics;
    const { entries, rat } = readStyleAndRat(run.stem);
    const sidecar = sidecarOf(run.stem);
    const labels = readBand(`${run.stem}.tif`);
    const histogram = new Array(run.k).fill(0);
    for (const v of labels.data) if (v !== 255) histogram[v]++;
    expect(rat).toHaveLength(run.k);
    rat.forEach((row, i) => {
      expect(Number(row.Value)).toBe(Number(entries[i].value));
      expect([row.Red, row.Green, row.Blue].map(Number)).toEqual(rgbOfHex(entries[i].color));
      expect(row.Name).toBe(entries[i].label);
      expect(Number(row.Count)).toBe(sidecar.clusters[i].count);
      expect(Number(row.Count)).toBe(histogram[i]);
    });
  });
});

/** Text of every element with `class` in an SVG. */
const svgTexts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<g class="${cls}"[^>]*>(.*?)</g>`, 'g'))].flatMap((m) => [...m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]));
const svgSize = (svg: string) => {
  const m = /^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"[^>]*\sheight="(\d+(?:\.\d+)?)"/.exec(svg)!;
  return { width: Number(m[1]), height: Number(m[2]) };
};
const unminus = (s: string) => Number(s.replace(/\u2212/g, '-').replace(/,/g, ''));

describe('regime plots', () => {
  it.each(Object.entries(runs))('%s: one panel per regime titled with its size, its mean curve in its colour, a shared y axis covering every ±1 std band', (_name, run) => {
    const svg = readFileSync(`${run.stem}.clusters.svg`, 'utf8');
    const sidecar = sidecarOf(run.stem);
    const titles = svgTexts(svg, 'mark-text role-title-text').filter((t) => / px\)$/.test(t));
    expect(titles).toHaveLength(run.k);
    sidecar.clusters.forEach((c, i) => {
      expect(titles[i].startsWith(c.name)).toBe(true);
      expect(unminus(/n = ([\d,]+) px/.exec(titles[i])![1])).toBe(c.count);
    });
    // One line per panel, in the regime's colour, with a vertex at every date the regime has data.
    const lines = [...svg.matchAll(/<g class="mark-line role-mark[^"]*"[^>]*><path aria-label="[^"]*regime: ([^"]*)"[^>]*\sd="([^"]*)"[^>]*\sstroke="([^"]*)"/g)];
    expect(lines.map((l) => [l[1], l[3]])).toEqual(sidecar.clusters.map((c) => [c.name, c.colour]));
    lines.forEach((l, i) => expect(l[2].split(/[ML]/).filter(Boolean)).toHaveLength(sidecar.clusters[i].displacement.mean.filter((v) => v !== null).length));
    // Shared y: every y axis has the same domain, and it holds every band.
    const yAxes = [...new Set([...svg.matchAll(/aria-label="Y-axis titled 'displacement \(mm\)' for a linear scale with values from (\S+) to (\S+)"/g)].map((m) => `${m[1]}..${m[2]}`))];
    expect(yAxes).toHaveLength(1);
    const [lo, hi] = yAxes[0].split('..').map(unminus);
    const bands = sidecar.clusters.flatMap((c) => c.displacement.mean.flatMap((m, d) => (m === null ? [] : [m - (c.displacement.std[d] ?? 0), m + (c.displacement.std[d] ?? 0)])));
    expect(lo).toBeLessThanOrEqual(Math.min(...bands));
    expect(hi).toBeGreaterThanOrEqual(Math.max(...bands));
    // x: days since the first acquisition
    expect(svg).toMatch(/X-axis titled 'days since first acquisition \(\d{4}-\d\d-\d\d\)' for a linear scale with values from 0 to/);
    // The PNG is the SVG drawn at twice the size.
    const size = svgSize(svg);
    expect(pngHeaderSize(readFileSync(`${run.stem}.clusters.png`))).toEqual({ width: Math.round(size.width * 2), height: Math.round(size.height * 2) });
  });

  it('are drawn on their own thread exactly as on the calling thread, and a failure there is reported', async () => {
    const sidecar = JSON.parse(readFileSync(`${runs.withStatics.stem}.stats.json`, 'utf8')) as StatsSidecar;
    const fonts = findPlotFontFiles();
    const [aside, here] = [await drawRegimePlotsAside(sidecar, fonts), await drawRegimePlotFiles(sidecar, fonts)];
    expect(aside.clustersSvg).toBe(here.clustersSvg);
    expect(aside.staticSvg).toBe(here.staticSvg);
    expect(Buffer.from(aside.clustersPng).equals(Buffer.from(here.clustersPng))).toBe(true);
    expect(Buffer.from(aside.staticPng!).equals(Buffer.from(here.staticPng!))).toBe(true);
    // What the run wrote is what either thread draws.
    expect(readFileSync(`${runs.withStatics.stem}.clusters.svg`, 'utf8')).toBe(here.clustersSvg);
    // A sidecar without clusters fails in the worker: the error comes back, saying where it happened.
    const failed = await drawRegimePlotsAside({ ...sidecar, clusters: null } as unknown as StatsSidecar, fonts).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).stack).toMatch(/\(in the plot worker\)/);
  });

  it('draws the static layers by regime when the run has them, and nothing otherwise', () => {
    const run = runs.withStatics;
    const sidecar = sidecarOf(run.stem);
    const layers = Object.keys(sidecar.clusters[0].static);
    expect(layers.length).toBeGreaterThan(1);
    const svg = readFileSync(`${run.stem}.static.svg`, 'utf8');
    expect(svgTexts(svg, 'mark-text role-title-text').filter((t) => layers.includes(t))).toEqual(layers);
    // one mean dot per regime and layer, in the regime colours
    const dots = [...svg.matchAll(/aria-roledescription="point"[^>]*\sfill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    expect(dots).toHaveLength(layers.length * run.k);
    expect(new Set(dots)).toEqual(new Set(sidecar.clusters.map((c) => c.colour)));
    const size = svgSize(svg);
    expect(pngHeaderSize(readFileSync(`${run.stem}.static.png`))).toEqual({ width: Math.round(size.width * 2), height: Math.round(size.height * 2) });
    expect(sidecar.outputs.staticSvg).toBe(`${run.stem}.static.svg`);
    expect(existsSync(`${runs.plain.stem}.static.svg`)).toBe(false);
    expect(existsSync(`${runs.plain.stem}.static.png`)).toBe(false);
    expect(sidecarOf(runs.plain.stem).outputs.staticSvg).toBeUndefined();
    // the summary lists what was written, and only that
    expect(plainStdout).toContain(`${runs.plain.stem}.report.html`);
    expect(plainStdout).not.toContain('static.svg');
  });
});

/** Bounding box of the map: the columns and rows that are mostly partition or no-data grey. */
function mapRegion(pixels: Pixels, isMapPixel: (v: number) => boolean) {
  const colHits = new Array(pixels.width).fill(0), rowHits = new Array(pixels.height).fill(0);
  for (let y = 0; y < pixels.height; y++) {
    for (let x = 0; x < pixels.width; x++) {
      if (isMapPixel(pixels.rgb[y * pixels.width + x])) { colHits[x]++; rowHits[y]++; }
    }
  }
  // Legend swatches are 16 px tall: a map column holds far more map pixels.
  const cols = colHits.flatMap((n, x) => (n > 150 ? [x] : []));
  const rows = rowHits.flatMap((n, y) => (n > 150 ? [y] : []));
  return { x0: cols[0], x1: cols[cols.length - 1], y0: rows[0], y1: rows[rows.length - 1] };
}

describe('OUT.map.png: the quick-look map', () => {
  it('without static layers: the partition in the palette over grey, in the scene\'s shape, with each regime\'s share of the map', () => {
    const run = runs.plain;
    const sidecar = sidecarOf(run.stem);
    const pixels = decodePng(`${run.stem}.map.png`);
    const counts = colourCounts(pixels);
    const palette = sidecar.clusters.map((c) => parseInt(c.colour.slice(1), 16));
    for (const p of palette) expect(counts.get(p) ?? 0).toBeGreaterThan(16 * 16); // more than its legend swatch
    expect(counts.size).toBeGreaterThan(run.k + 2); // text, frame, scale bar and arrow too
    // The grey of pixels without a regime: the most frequent grey other than the white page and black
    // (other greys are anti-aliased text); the shares below show it is where the scene has no regime.
    const greys = [...counts.entries()].filter(([v]) => v !== 0xffffff && v !== 0 && (v >> 16) === ((v >> 8) & 255) && (v >> 16) === (v & 255));
    const grey = greys.sort((a, b) => b[1] - a[1])[0][0];
    const region = mapRegion(pixels, (v) => v === grey || palette.includes(v));
    const [px, py] = sidecar.inputs.scene.pixelSizeMetres;
    const groundAspect = (W * px) / (H * py);
    expect((region.x1 - region.x0 + 1) / (region.y1 - region.y0 + 1)).toBeCloseTo(groundAspect, 1);
    // Shares on the map match the sidecar's (the map shows the whole partition).
    const inMap = new Map<number, number>();
    for (let y = region.y0; y <= region.y1; y++) for (let x = region.x0; x <= region.x1; x++) {
      const v = pixels.rgb[y * pixels.width + x];
      inMap.set(v, (inMap.get(v) ?? 0) + 1);
    }
    const mapArea = (region.x1 - region.x0 + 1) * (region.y1 - region.y0 + 1);
    // Pixel by pixel, the map is the label raster the right way up (scale bar and north arrow cover a little).
    const labels = readBand(`${run.stem}.tif`);
    let agree = 0;
    for (let y = region.y0; y <= region.y1; y++) for (let x = region.x0; x <= region.x1; x++) {
      const col = Math.floor(((x - region.x0 + 0.5) * W) / (region.x1 - region.x0 + 1));
      const row = Math.floor(((y - region.y0 + 0.5) * H) / (region.y1 - region.y0 + 1));
      const label = labels.data[row * W + col];
      if (pixels.rgb[y * pixels.width + x] === (label === 255 ? grey : palette[label])) agree++;
    }
    expect(agree / mapArea).toBeGreaterThan(0.93);
    sidecar.clusters.forEach((c, i) => expect(Math.abs((inMap.get(palette[i]) ?? 0) / mapArea - c.count / (W * H))).toBeLessThan(0.02));
    expect(Math.abs((inMap.get(grey) ?? 0) / mapArea - (1 - sidecar.validPixels / (W * H)))).toBeLessThan(0.02);
  });

  it('with a height layer: the regime colours shaded by a hillshade, the legend in the exact palette', () => {
    const run = runs.withStatics;
    const sidecar = sidecarOf(run.stem);
    const pixels = decodePng(`${run.stem}.map.png`);
    const counts = colourCounts(pixels);
    const palette = sidecar.clusters.map((c) => rgbOfHex(c.colour));
    for (const [r, g, b] of palette) expect(counts.get((r << 16) | (g << 8) | b) ?? 0).toBeGreaterThanOrEqual(16 * 16 - 40); // legend swatch
    expect(counts.size).toBeGreaterThan(200); // relief: many shades
    // Each map pixel of a regime is its colour times a light factor; tally pixels by the regime they show.
    const shaded = (v: number, [r, g, b]: number[]) => {
      const p = [v >> 16, (v >> 8) & 255, v & 255];
      const light = (p[0] * r + p[1] * g + p[2] * b) / (r * r + g * g + b * b);
      return light > 0.3 && light < 1.2 && Math.abs(p[0] - light * r) <= 2 && Math.abs(p[1] - light * g) <= 2 && Math.abs(p[2] - light * b) <= 2 && !(p[0] === p[1] && p[1] === p[2]);
    };
    const shown = palette.map(() => 0);
    for (const [v, n] of counts) palette.forEach((c, i) => { if (shaded(v, c)) shown[i] += n; });
    const total = shown.reduce((a, b) => a + b, 0);
    sidecar.clusters.forEach((c, i) => expect(Math.abs(shown[i] / total - c.count / sidecar.validPixels)).toBeLessThan(0.03));
  });
});

describe('OUT.report.html in headless Chromium', () => {
  it('loads offline with no console errors or failed requests, and shows the map, the plots and the regime table', async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} not found: install Debian's chromium (scripts/setup.sh does)`).toBe(true);
    const run = runs.withStatics;
    const sidecar = sidecarOf(run.stem);
    const html = readFileSync(`${run.stem}.report.html`, 'utf8');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//); // nothing fetched from the network
    const url = pathToFileURL(`${run.stem}.report.html`).href;
    const context = await chromium.launchPersistentContext(tempDir('sc-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems: string[] = [], requests: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(url, { waitUntil: 'load' });
      const images = await page.$$eval('figure img', (imgs) => imgs.map((i) => {
        const box = (i as HTMLImageElement).getBoundingClientRect();
        return { id: i.parentElement!.id, complete: (i as HTMLImageElement).complete, natural: (i as HTMLImageElement).naturalWidth, width: box.width, height: box.height };
      }));
      expect(images.map((i) => i.id)).toEqual(['map', 'regime-plot', 'static-plot']);
      for (const img of images) {
        expect(img.complete).toBe(true);
        expect(img.natural).toBeGreaterThan(0);
        expect(img.width * img.height).toBeGreaterThan(100 * 100);
      }
      const rows = await page.$$eval('table.clusters tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())));
      expect(rows.map((r) => r[2])).toEqual(sidecar.clusters.map((c) => c.name));
      expect(rows.map((r) => Number(r[3].replace(/,/g, '')))).toEqual(sidecar.clusters.map((c) => c.count));
      expect(await page.textContent('body')).toContain(`${W} × ${H} pixels`);

      // What the browser drew: the map and the plots in the regime colours.
      const palette = sidecar.clusters.map((c) => parseInt(c.colour.slice(1), 16));
      const map = colourCounts(decodePng(await page.locator('#map img').screenshot()));
      for (const p of palette) expect(map.get(p) ?? 0).toBeGreaterThan(100);
      const plot = decodePng(await page.locator('#regime-plot img').screenshot());
      const near = (v: number, p: number) => [16, 8, 0].every((s) => Math.abs(((v >> s) & 255) - ((p >> s) & 255)) <= 12);
      for (const p of palette) expect(plot.rgb.filter((v) => near(v, p)).length).toBeGreaterThan(50);
      const page1 = decodePng(await page.screenshot({ fullPage: true }));
      expect(colourCounts(page1).size).toBeGreaterThan(100);

      expect(problems).toEqual([]);
      expect(requests.filter((r) => r !== url && !r.startsWith('data:'))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('outputs are checked before the run and respect --overwrite', () => {
  it('refuses to replace an existing OUT.qml without --overwrite, before writing anything, and replaces it with --overwrite', async () => {
    const out = join(tempDir('sc-artefacts-ow-'), 'again');
    writeFileSync(`${out}.qml`, 'precious');
    const refused = await runCli('run', scene, '--out', `${out}.tif`, '--k', 3, '--quiet');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`'${out}.qml' already exists`);
    expect(existsSync(`${out}.tif`)).toBe(false);
    expect(readFileSync(`${out}.qml`, 'utf8')).toBe('precious');
    const replaced = await runCli('run', scene, '--out', `${out}.tif`, '--k', 3, '--quiet', '--overwrite');
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readStyleAndRat(out).entries).toHaveLength(3);
  });

  it('predict writes the same artefacts for the model it applies', async () => {
    const d = tempDir('sc-artefacts-predict-');
    expect((await runCli('fit', scene, '--static', statics, '--model-out', join(d, 'm.json'), '--k', 3, '--quiet')).code).toBe(0);
    const p = await runCli('predict', scene, '--static', statics, '--model', join(d, 'm.json'), '--out', join(d, 'p.tif'), '--quiet');
    expect(p.code, p.stderr).toBe(0);
    const { entries } = readStyleAndRat(join(d, 'p'));
    expect(entries.map((e) => e.label)).toEqual(cogStyle(join(d, 'p.tif')).categoryNames.slice(0, 3));
    for (const f of ['clusters.svg', 'clusters.png', 'static.svg', 'static.png', 'map.png', 'report.html']) expect(existsSync(join(d, `p.${f}`))).toBe(true);
    expect(readFileSync(join(d, 'p.report.html'), 'utf8')).toContain('<code>predict</code>');
  });
});
