/**
 * The predict pass and what it writes: every tile labelled into the classified COG, the
 * per-cluster sums gathered on the way, then the RAT, the statistics sidecar and the
 * artefacts drawn from it.
 */
import { writeFileSync } from 'node:fs';
import { ClusterStatsAccumulator } from '../../cluster/clusterStats.js';
import type { KMeansModel } from '../../cluster/nearestCentre.js';
import type { FeatureScaler } from '../../cluster/scaler.js';
import { commitOutputs, temporaryPathFor } from '../../io/atomicOutput.js';
import { gdalVersions } from '../../io/gdal.js';
import type { Window } from '../../io/readWindow.js';
import { ClassifiedWriter } from '../../io/writeClassified.js';
import { summariseClusters, type ClusterSummary } from '../../report/clusterSummary.js';
import { buildSidecar } from './sidecar.js';
import { regimeColour } from '../../report/palette.js';
import type { Reporter } from '../../reporter.js';
import { VERSION } from '../../version.js';
import { modelFromFile, type ModelFile } from '../modelFile.js';
import { writtenOutputs, type OutputPaths } from './outputPaths.js';
import { formatPassProfile, passSetup, type RunContext } from '../session.js';
import type { TilePassSetup } from '../engine/tileJob.js';
import { passTiles, runTilePass } from '../engine/tilePass.js';
import { drawRegimePlots, readMapRelief, writeRunArtefacts } from './writeArtefacts.js';
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

export interface PredictResult {
  stats: ClusterStatsAccumulator;
  validPixels: number;
  /** Sum of squared distances of every labelled pixel to its centre (scaled units). */
  sumSquaredDistance: number;
}

/**
 * The predict pass: smooth, scale and label every tile (in the worker pool), hand each
 * label tile to `writeLabels` in tile order, and gather per-cluster statistics of the
 * original values. Sums are added tile by tile in tile order, so they are the same for
 * any thread count. `tiles` (default: all) restricts the pass to some tiles (a shard).
 */
export async function predictPass(
  ctx: RunContext,
  model: KMeansModel,
  scaler: FeatureScaler,
  reporter: Reporter,
  writeLabels: (core: Window, labels: Uint8Array) => Promise<void>,
  tiles: Window[] = ctx.tiles,
): Promise<PredictResult> {
  const between = ctx.session.sincePassEnded();
  const stats = new ClusterStatsAccumulator(model.k, ctx.nDates, ctx.nStatic);
  let validPixels = 0;
  let sumSquaredDistance = 0;
  const setup: TilePassSetup = { ...passSetup(ctx, 'predict'), predict: { model, scaler } };
  const profile = await runTilePass(ctx, setup, passTiles(ctx, tiles), {
    label: 'predict pass',
    reporter,
    ordered: true,
    // The windows the sample pass decoded come back from its cache, not from the file.
    windows: ctx.session.cacheToRead(ctx.layout, ctx.nDates + ctx.nStatic, ctx.nFeatures),
    onResult: async (tile, r) => {
      validPixels += r.nodes;
      sumSquaredDistance += r.sumSquaredDistance!;
      stats.addPartial(r.stats!);
      await writeLabels(tile.core, r.labels!);
    },
  });
  if (ctx.options.execution.profile) {
    if (between !== null) reporter.info(`profile: between the passes (fit, model): ${(between / 1000).toFixed(2)} s`);
    reporter.info(formatPassProfile(profile));
  }
  return { stats, validPixels, sumSquaredDistance };
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
  const fullInertia = result.validPixels > 0 ? result.sumSquaredDistance / result.validPixels : NaN;
  const sidecarWith = (t: Record<string, number>) =>
    buildSidecar({
      ctx,
      model: modelFile,
      clusters,
      validPixels: result.validPixels,
      fullInertia,
      timings: t,
      outputs: { ...writtenOutputs(paths, scene.staticNames.length > 0) },
      software: { smoothcluster: VERSION, node: process.version, ...gdalVersions() },
      command,
    });
  const t0 = performance.now();
  const raster = writer
    .finish({
      description: `smoothcluster regimes (k=${modelFile.k})`,
      categoryNames: clusters.map((c) => c.name),
      rat: {
        extraColumns: ['velocity_mm_yr', 'share', 'area_km2'],
        rows: clusters.map((c) => ({ value: c.label, count: c.count, rgb: c.rgb, name: c.name, extra: [c.velocity, c.share, c.areaKm2] })),
      },
    })
    .then(() => {
      timings.writeRaster = seconds(t0);
    });
  raster.catch(() => undefined); // awaited below: a failure meanwhile must not count as unhandled
  // GDAL writes the COG on its own threads: meanwhile the map's relief is read and the plots,
  // which need the clusters only, are drawn (on a large scene on a thread of their own; awaited with the map, below).
  const relief = readMapRelief(ctx);
  relief.catch(() => undefined);
  const plots = drawRegimePlots(ctx, sidecarWith({ ...timings }), reporter);
  plots.catch(() => undefined);
  try {
    await Promise.all([raster, relief]);
  } catch (err) {
    await plots.catch(() => undefined); // its worker ends before the error is reported
    throw err;
  }
  timings.total = Number(Object.entries(timings).filter(([k]) => k !== 'total').reduce((a, [, v]) => a + v, 0).toFixed(3));
  const sidecar = sidecarWith(timings);
  const tmp = temporaryPathFor(paths.stats);
  writeFileSync(tmp, toReadableJson(sidecar));
  commitOutputs([{ tmp, final: paths.stats }]);
  // QGIS style, map and HTML report, drawn from the sidecar and the finished COG.
  await writeRunArtefacts(ctx, paths, sidecar, plots, await relief);
  return { outputs: writtenOutputs(paths, scene.staticNames.length > 0), clusters, validPixels: result.validPixels, testInertia: modelFile.quality.testInertia, timings, sidecar };
}
