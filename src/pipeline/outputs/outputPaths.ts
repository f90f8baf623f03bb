/**
 * The files one run writes, named from `--out` (e.g. lyngen.tif -> lyngen.tif.aux.xml,
 * lyngen.stats.json, lyngen.qml, lyngen.clusters.svg, lyngen.map.png, lyngen.report.html).
 */
export interface OutputPaths {
  raster: string;
  aux: string;
  stats: string;
  /** QGIS style; QGIS loads `<name>.qml` beside `<name>.tif` by itself. */
  qml: string;
  clustersSvg: string;
  clustersPng: string;
  /** Static-layer plots: written only when the run has static layers. */
  staticSvg?: string;
  staticPng?: string;
  map: string;
  report: string;
  /** Labelled points and their QGIS style: written only with a point input (see pointOutputs.ts). */
  points?: string;
  pointsQml?: string;
}

export function outputPaths(out: string): OutputPaths {
  const stem = out.replace(/\.tiff?$/i, '');
  return {
    raster: out,
    aux: `${out}.aux.xml`,
    stats: `${stem}.stats.json`,
    qml: `${stem}.qml`,
    clustersSvg: `${stem}.clusters.svg`,
    clustersPng: `${stem}.clusters.png`,
    staticSvg: `${stem}.static.svg`,
    staticPng: `${stem}.static.png`,
    map: `${stem}.map.png`,
    report: `${stem}.report.html`,
  };
}

/** The files a run with (or without) static layers writes, by role (as the sidecar and the summary list them). */
export function writtenOutputs(paths: OutputPaths, withStatics: boolean): OutputPaths {
  if (withStatics) return { ...paths };
  const { staticSvg: _svg, staticPng: _png, ...rest } = paths;
  return rest;
}

/** Every file a run with (or without) static layers writes, for the checks before it starts. */
export function outputPathList(paths: OutputPaths, withStatics: boolean): string[] {
  return Object.values(writtenOutputs(paths, withStatics)).filter((p): p is string => p !== undefined);
}
