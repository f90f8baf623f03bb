import { writeFileSync } from 'node:fs';
import { commitOutputs, temporaryPathFor } from '../../io/atomicOutput.js';
import { gdalVersions } from '../../io/gdal.js';
import { ClassifiedWriter } from '../../io/writeClassified.js';
import { summariseClusters, type ClusterSummary } from '../../report/clusterSummary.js';
import { buildSidecar } from './sidecar.js';
import { regimeColour } from '../../report/palette.js';
import type { Reporter } from '../../reporter.js';
import { VERSION } from '../../version.js';
import { modelFromFile, type ModelFile } from '../modelFile.js';
import { writtenOutputs, type OutputPaths } from './outputPaths.js';
import { predictPass, type PredictResult } from '../passes/predictPass.js';
import type { RunContext } from '../session.js';
import { writeRunArtefacts } from './writeArtefacts.js';
import type { StatsSidecar } from '../../report/statsSidecar.js';
import { toReadableJson } from '../../report/json.js';

export interface RunSummary {
  outputs: OutputPaths;
  clusters: ClusterSummary[];
  validPixels: number;
  testInertia: number | null;
  timings: Record<string, number>;
  sidecar: StatsSidecar;
}

const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));

/** The classified COG writer of a run: the scene's grid, the palette, the run's parameters in its metadata. */
export function createLabelWriter(ctx: RunContext, modelFile: ModelFile, paths: OutputPaths, command: string): ClassifiedWriter {
  const { scene } = ctx;
  return new ClassifiedWriter(paths.raster, {
    grid: { width: scene.width, height: scene.height, geoTransform: scene.facts.geoTransform, srsWkt: scene.facts.srsWkt },
    colours: Array.from({ length: modelFile.k }, (_v, c) => regimeColour(c)),
    metadata: {
      SMOOTHCLUSTER_VERSION: VERSION,
      SMOOTHCLUSTER_COMMAND: command,
      SMOOTHCLUSTER_K: String(modelFile.k),
      SMOOTHCLUSTER_SEED: String(ctx.options.cluster.seed),
      SMOOTHCLUSTER_HOPS: String(ctx.options.smoothing.hops),
      SMOOTHCLUSTER_ALPHA: String(ctx.options.smoothing.alpha),
      SMOOTHCLUSTER_FEATURES: ctx.featureNames.length > 12 ? `${ctx.featureNames.length} features` : ctx.featureNames.join(','),
      SMOOTHCLUSTER_LABEL_ORDER: modelFile.orderRule,
      ...(scene.provenance ? { SMOOTHCLUSTER_SCENE: scene.path, SMOOTHCLUSTER_PROVENANCE: JSON.stringify(scene.provenance) } : {}),
    },
  });
}

/**
 * The predict pass and every output: the classified COG with its RAT, and the
 * statistics sidecar. Files appear at their final paths only when complete.
 */
export async function predictAndWrite(
  ctx: RunContext,
  modelFile: ModelFile,
  paths: OutputPaths,
  timings: Record<string, number>,
  reporter: Reporter,
  command: string,
): Promise<RunSummary> {
  const { model, scaler } = modelFromFile(modelFile);
  const writer = createLabelWriter(ctx, modelFile, paths, command);
  try {
    const t0 = performance.now();
    reporter.info(`predict pass over ${ctx.tiles.length} tiles`);
    const result = await predictPass(ctx, model, scaler, reporter, (core, labels) => writer.writeWindow(core, labels));
    timings.predictPass = seconds(t0);
    ctx.session.lastPassDone();
    return await finishRunOutputs(ctx, modelFile, paths, writer, result, timings, reporter, command);
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/**
 * Every output once all label tiles are in `writer`: the COG with its RAT and
 * category names, the statistics sidecar, the QGIS style, plots, map and report.
 * `run`, `predict` and `merge` (which gathers tiles and sums from shards) share it.
 */
export async function finishRunOutputs(
  ctx: RunContext,
  modelFile: ModelFile,
  paths: OutputPaths,
  writer: ClassifiedWriter,
  result: PredictResult,
  timings: Record<string, number>,
  reporter: Reporter,
  command: string,
): Promise<RunSummary> {
  const { scene } = ctx;
  const clusters = summariseClusters(result.stats, scene.dayOffsets, scene.dates !== null);
  const t0 = performance.now();
  await writer.finish({
    description: `smoothcluster regimes (k=${modelFile.k})`,
    categoryNames: clusters.map((c) => c.name),
    rat: {
      extraColumns: ['velocity_mm_yr', 'share', 'area_km2'],
      rows: clusters.map((c) => ({ value: c.label, count: c.count, rgb: c.rgb, name: c.name, extra: [c.velocity, c.share, c.areaKm2] })),
    },
  });
  timings.writeRaster = seconds(t0);
  timings.total = Number(Object.entries(timings).filter(([k]) => k !== 'total').reduce((a, [, v]) => a + v, 0).toFixed(3));
  const fullInertia = result.validPixels > 0 ? result.sumSquaredDistance / result.validPixels : NaN;
  const sidecar = buildSidecar({
    ctx,
    model: modelFile,
    clusters,
    validPixels: result.validPixels,
    fullInertia,
    timings,
    outputs: { ...writtenOutputs(paths, scene.staticNames.length > 0) },
    software: { smoothcluster: VERSION, node: process.version, ...gdalVersions() },
    command,
  });
  const tmp = temporaryPathFor(paths.stats);
  writeFileSync(tmp, toReadableJson(sidecar));
  commitOutputs([{ tmp, final: paths.stats }]);
  // QGIS style, plots, map and HTML report, drawn from the sidecar and the finished COG.
  await writeRunArtefacts(ctx, paths, sidecar, reporter);
  return { outputs: writtenOutputs(paths, scene.staticNames.length > 0), clusters, validPixels: result.validPixels, testInertia: modelFile.quality.testInertia, timings, sidecar };
}
