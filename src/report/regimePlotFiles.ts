import { regimePlotSpec, renderSvg, staticPlotSpec } from './regimePlots.js';
import { plottedClusters, staticLayerNames, timeAxis } from './reportSidecar.js';
import type { StatsSidecar } from './statsSidecar.js';
import { svgToPng } from './svgToPng.js';

/** The regime plots (and static-layer plots, when the scene has static layers), as SVG and PNG. */
export interface RegimePlots {
  clustersSvg: string;
  clustersPng: Uint8Array;
  staticSvg: string | null;
  staticPng: Uint8Array | null;
}

/**
 * Draws the regime plots from the clusters of `sidecar` (not its timings), their PNG text
 * in `fontFiles` (the system's fonts when empty).
 */
export async function drawRegimePlotFiles(sidecar: StatsSidecar, fontFiles: string[]): Promise<RegimePlots> {
  const clusters = plottedClusters(sidecar);
  const clustersSvg = await renderSvg(regimePlotSpec(clusters, timeAxis(sidecar)));
  const layers = staticLayerNames(sidecar);
  const staticSvg = layers.length > 0 ? await renderSvg(staticPlotSpec(clusters, layers)) : null;
  return { clustersSvg, clustersPng: svgToPng(clustersSvg, fontFiles, 2), staticSvg, staticPng: staticSvg ? svgToPng(staticSvg, fontFiles, 2) : null };
}
