import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { commitOutputs, temporaryPathFor } from '../../io/atomicOutput.js';
import { findPlotFontFiles } from '../../io/fonts.js';
import { pixelToLonLatFor, readBandPreview } from '../../io/readPreview.js';
import { LABEL_NODATA } from '../../io/writeClassified.js';
import { MAP_POINTS_MAX } from '../../points/mapPoints.js';
import { renderHtmlReport } from '../../report/htmlReport.js';
import { regimeColour } from '../../report/palette.js';
import { qgisPalettedStyle } from '../../report/qgisStyle.js';
import { mapDisplaySize, quickLookMapSvg } from '../../report/quickLookMap.js';
import { drawRegimePlotFiles, type RegimePlots } from '../../report/regimePlotFiles.js';
import type { StatsSidecar } from '../../report/statsSidecar.js';
import { svgToPng } from '../../report/svgToPng.js';
import type { Reporter } from '../../reporter.js';
import type { OutputPaths } from './outputPaths.js';
import { drawRegimePlotsAside } from './plotsAside.js';
import type { RunContext } from '../session.js';

/** Static layer names taken as heights for the map's hillshade (not a DEM error or height uncertainty). */
const HEIGHT_LAYER = /^(height|elevation|elev|dem|altitude|hgt|z)$|height|elevation/i;
const NOT_HEIGHT = /error|std|uncert|sigma/i;

/** Where the height layer (if any) is read from: the static source's GDAL path and band. */
function heightSource(ctx: RunContext): { name: string; path: string; band: number } | null {
  let offset = 0;
  for (const source of ctx.scene.statics) {
    for (let j = 0; j < source.names.length; j++) {
      const name = ctx.scene.staticNames[offset + j];
      if (HEIGHT_LAYER.test(name) && !NOT_HEIGHT.test(name)) return { name, path: source.readPath, band: source.facts.dataBands[j] };
    }
    offset += source.names.length;
  }
  return null;
}

/** Bearing of the grid's "up" from true north at the scene centre, degrees clockwise. */
function upBearing(ctx: RunContext): number | null {
  const f = ctx.scene.facts;
  const toLonLat = pixelToLonLatFor(f.geoTransform, f.srsWkt);
  if (!toLonLat) return null;
  const cx = f.width / 2, cy = f.height / 2, step = Math.max(1, f.height / 20);
  const [lon0, lat0] = toLonLat(cx, cy);
  const [lon1, lat1] = toLonLat(cx, cy - step);
  return (Math.atan2((lon1 - lon0) * Math.cos((lat0 * Math.PI) / 180), lat1 - lat0) * 180) / Math.PI;
}

/** The grid the map is read on: the scene's ground shape, never more pixels than the raster has (small scenes are enlarged by the drawing, pixel for pixel). */
function mapGrid(ctx: RunContext): { ground: [number, number]; w: number; h: number } {
  const { scene } = ctx;
  const ground: [number, number] = [scene.width * ctx.pixelSizeMetres[0], scene.height * ctx.pixelSizeMetres[1]];
  const display = mapDisplaySize(ground);
  return { ground, w: Math.min(scene.width, display.width), h: Math.min(scene.height, display.height) };
}

/** The map's relief: the height layer (if the scene has one) read on the map's grid. */
export interface MapRelief {
  height: { name: string } | null;
  heights: Float32Array | null;
}

/** Reads the height layer for the map's hillshade: it does not need the outputs, so `run` reads it while the COG is written. */
export async function readMapRelief(ctx: RunContext): Promise<MapRelief> {
  const height = heightSource(ctx);
  const { w, h } = mapGrid(ctx);
  return { height, heights: height ? (await readBandPreview(height.path, height.band, w, h, 'average')).data : null };
}

/**
 * Reads the finished COG (and heights) at reduced resolution and draws the
 * quick-look map; a point scene hands over its points too (at most MAP_POINTS_MAX),
 * each with its cell's label from the COG.
 */
async function quickLookMap(ctx: RunContext, rasterPath: string, sidecar: StatsSidecar, relief: MapRelief) {
  const { scene } = ctx;
  const { ground, w, h } = mapGrid(ctx);
  const labels = await readBandPreview(rasterPath, 1, w, h, 'nearest');
  const { height, heights } = relief;
  const points = scene.points ? scene.points.pointsOnMap({ labels: rasterPath, max: MAP_POINTS_MAX }) : null;
  const sc = sidecar.inputs.scene;
  const when = sc.dates ? `${sc.dates[0]} to ${sc.dates[sc.dates.length - 1]}` : `${sc.dayOffsets.length} bands`;
  const map = quickLookMapSvg({
    labels,
    points,
    heights,
    heightLayer: height?.name,
    colours: sidecar.clusters.map((c) => regimeColour(c.label)),
    legend: sidecar.clusters.map((c) => ({ name: c.name, colour: c.colour })),
    groundSizeMetres: ground,
    upBearingDeg: upBearing(ctx),
    title: `${basename(rasterPath)}: ${sidecar.clusters.length} deformation regimes`,
    subtitle: `${basename(sc.path)}, ${sc.width} × ${sc.height} pixels, ${when}`,
  });
  return { svg: map.svg, points: points && { shown: points.labels.length, total: points.total } };
}

/**
 * Scenes from this many pixels on draw their plots on a thread of their own: below it the COG
 * and the map take less time than that thread's start (it loads Vega again), so the main thread
 * draws them.
 */
const PLOTS_ASIDE_PIXELS = 1024 * 1024;

/**
 * Draws the regime plots: they need the clusters of the sidecar only (not the raster, nor
 * the sidecar's timings), so `run` draws them while GDAL writes the COG. On a large scene
 * with more than one thread they are drawn on a worker thread of their own, while the main
 * thread reads the map's relief and draws the map: the same files either way.
 */
export function drawRegimePlots(ctx: RunContext, sidecar: StatsSidecar, reporter: Reporter): Promise<RegimePlots> {
  const fonts = findPlotFontFiles();
  if (fonts.length === 0) {
    reporter.warn('no DejaVu Sans font found (Debian package fonts-dejavu-core); PNG text uses whatever fonts the system has, if any.');
  }
  const aside = ctx.session.threads > 1 && ctx.scene.width * ctx.scene.height >= PLOTS_ASIDE_PIXELS;
  return aside ? drawRegimePlotsAside(sidecar, fonts) : drawRegimePlotFiles(sidecar, fonts);
}

/**
 * The files people look at, drawn after the raster and the sidecar exist:
 * the QGIS style, the regime (and static-layer) plots as SVG and PNG (being drawn by {@link drawRegimePlots}),
 * the quick-look map (its relief from {@link readMapRelief}) and the self-contained HTML report. All are
 * rendered in memory, written under temporary names and renamed into place together.
 */
export async function writeRunArtefacts(ctx: RunContext, paths: OutputPaths, sidecar: StatsSidecar, drawing: Promise<RegimePlots>, relief: MapRelief): Promise<void> {
  const fonts = findPlotFontFiles(); // drawRegimePlots said so if there are none
  const qml = qgisPalettedStyle(sidecar.clusters.map((c) => ({ value: c.label, rgb: regimeColour(c.label), label: c.name })), LABEL_NODATA);
  // The map is drawn here while the plots are drawn on their thread.
  const map = await quickLookMap(ctx, paths.raster, sidecar, relief);
  const mapPng = svgToPng(map.svg, fonts);
  const plots = await drawing;
  const { clustersSvg, staticSvg } = plots;
  const files: [string, string | Uint8Array][] = [
    [paths.qml, qml],
    [paths.clustersSvg, clustersSvg],
    [paths.clustersPng, plots.clustersPng],
  ];
  if (staticSvg && plots.staticPng && paths.staticSvg && paths.staticPng) files.push([paths.staticSvg, staticSvg], [paths.staticPng, plots.staticPng]);
  files.push([paths.map, mapPng], [paths.report, renderHtmlReport(sidecar, { mapPng, clustersSvg, staticSvg, mapPoints: map.points })]);
  const pairs = files.map(([final, content]) => {
    const tmp = temporaryPathFor(final);
    writeFileSync(tmp, content);
    return { tmp, final };
  });
  commitOutputs(pairs);
}
