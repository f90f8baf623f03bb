import { pointReader } from '../../io/points/pointReader.js';
import type { Scene } from '../../io/scene.js';
import type { SourceOverrides } from '../../io/sources/types.js';
import type { Reporter } from '../../reporter.js';
import type { ModelFile } from '../modelFile.js';
import type { OutputPaths } from './outputPaths.js';
import type { RunSummary } from './predictAndWrite.js';

/**
 * With a point input, `run` and `predict` also write the labelled points:
 * OUT.points.gpkg and OUT.points.qml (a categorized QGIS style, which QGIS takes
 * up when it opens the GeoPackage), or the `--points-out` file. Added to the
 * run's outputs, so they are checked before work starts and listed in the sidecar.
 */
export function withPointOutputs(paths: OutputPaths, scenePath: string, source: SourceOverrides | undefined): OutputPaths {
  if (!pointReader.claims(scenePath)) return paths;
  const chosen = source?.points?.pointsOut;
  const stem = paths.raster.replace(/\.tiff?$/i, '');
  const points = chosen ?? `${stem}.points.gpkg`;
  const qml = /\.gpkg$/i.test(points) ? points.replace(/\.gpkg$/i, '.qml') : undefined;
  return { ...paths, points, ...(qml ? { pointsQml: qml } : {}) };
}

/** Writes the labelled points of a run on a point scene (nothing for a raster scene); adds nothing to the summary otherwise. */
export async function writePointOutputs(scene: Scene, summary: RunSummary, paths: OutputPaths, reporter: Reporter): Promise<RunSummary> {
  if (!scene.points || !paths.points) return summary;
  const t0 = performance.now();
  reporter.info(`writing ${scene.points.points} labelled points to ${paths.points}`);
  await scene.points.writeLabelledPoints({
    labels: paths.raster,
    out: paths.points,
    qml: paths.pointsQml ?? null,
    regimes: summary.clusters.map((c) => ({ label: c.label, name: c.name, rgb: c.rgb })),
  });
  summary.timings.writePoints = Number(((performance.now() - t0) / 1000).toFixed(3));
  return { ...summary, outputs: { ...summary.outputs, points: paths.points, ...(paths.pointsQml ? { pointsQml: paths.pointsQml } : {}) } };
}

/** A model fitted on points grids new points onto its cells: its grid becomes the target of `predict`. */
export function sourceWithModelGrid(source: SourceOverrides, model: ModelFile): SourceOverrides {
  if (!model.pointGrid) return source;
  return { ...source, points: { ...source.points, targetGrid: model.pointGrid } };
}
