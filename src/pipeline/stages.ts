import { createHash } from 'node:crypto';
import { BottomKSample } from '../cluster/hashSample.js';
import { UsageError, UserError } from '../errors.js';
import { isFolder, listFolder, readText, writeText } from '../io/anyPath.js';
import { checkOutputsAreNotInputs, checkOutputsWritable } from '../io/atomicOutput.js';
import { isSamplePartFile, readSamplePart, readSamplePartHeader, writeSamplePart, type SampleRows } from '../io/samplePartFile.js';
import { LabelPartWriter, readLabelWindow } from '../io/labelPart.js';
import type { Window } from '../io/readWindow.js';
import type { Reporter } from '../reporter.js';
import type { RunContext } from './session.js';
import { toReadableJson } from '../report/json.js';
import { ClusterStatsAccumulator } from '../cluster/clusterStats.js';
import { withRun } from './session.js';
import { InfiniteTally } from './passes/samplePass.js';
import { fitModel, modelFromFile, modelToFile, type ModelFile } from './modelFile.js';
import { checkModelFitsScene, modelDatesWarning, modelRunOptions, readModelFile } from './savedModel.js';
import type { SourceOverrides } from '../io/sources/types.js';
import type { MethodOptions } from './options.js';
import { outputPathList, outputPaths } from './outputs/outputPaths.js';
import { createLabelWriter, finishRunOutputs, predictPass, type RunSummary } from './outputs/predictAndWrite.js';
import { sourceWithModelGrid, withPointOutputs, writePointOutputs } from './outputs/pointOutputs.js';
import { collectSample, sampleTiles, type TrainingSample } from './passes/samplePass.js';
import { shardTiles, type Shard } from './shards.js';

/**
 * The method split into stages that run as separate processes (docs/DESIGN.md's
 * map and reduce): `sample` per shard, `fit` once, `predict` per shard, `merge`
 * once. Shards are disjoint runs of whole tiles; every stage's result equals what
 * a plain `run` computes for the same tiles, so merged labels are bit-identical.
 */

const SAMPLE_OPTIONS = (o: MethodOptions) => ({
  graph: o.graph,
  smoothing: o.smoothing,
  features: o.features,
  draw: { sampleSize: o.cluster.sampleSize, sampleCells: o.cluster.sampleCells ?? 0, testFraction: o.cluster.testFraction, seed: o.cluster.seed },
  tileSize: o.execution.tileSize,
  source: o.source ?? {},
});

interface SamplePartHeader {
  shard: Shard;
  scene: { path: string; width: number; height: number };
  options: ReturnType<typeof SAMPLE_OPTIONS>;
  featureNames: string[];
  nFeatures: number;
  validPixels: number;
  infinite: { count: number; first: InfiniteTally['first'] };
  drawnFrom: string;
  tiles: number;
}

/** `sample SCENE --shard i/N --out S_i.sample`: the training-sample part of shard i's tiles. */
export async function sampleShard(scenePath: string, shard: Shard, out: string, options: MethodOptions, reporter: Reporter): Promise<{ out: string; tiles: number; trainRows: number; testRows: number; validPixels: number }> {
  checkOutputsWritable([out], options.execution.overwrite);
  return withRun(scenePath, options, reporter, 'nothing', async (ctx, passes) => {
    const { scene } = ctx;
    const all = sampleTiles(ctx).tiles;
    const tiles = shardTiles(all, shard);
    reporter.info(`sample shard ${shard.index}/${shard.count}: ${tiles.length} of ${all.length} tiles`);
    const parts = await collectSample(ctx, passes, tiles);
    const header: SamplePartHeader = {
      shard,
      scene: { path: scene.path, width: scene.width, height: scene.height },
      options: SAMPLE_OPTIONS(ctx.options),
      featureNames: ctx.featureNames,
      nFeatures: ctx.nFeatures,
      validPixels: parts.validPixels,
      infinite: { count: parts.infinite.count, first: parts.infinite.first },
      drawnFrom: parts.drawnFrom,
      tiles: tiles.length,
    };
    const train = parts.train.finish(), test = parts.test.finish();
    writeSamplePart(out, header, train, test);
    return { out, tiles: tiles.length, trainRows: train.n, testRows: test.n, validPixels: parts.validPixels };
  });
}

/** Files given as folders (object-storage prefixes) become the files in them with `suffix`. */
function expandInputs(inputs: string[], suffix: string): string[] {
  return inputs.flatMap((p) => (p.endsWith(suffix) || !isFolder(p) ? [p] : listFolder(p).filter((f) => f.endsWith(suffix))));
}

/**
 * The sample parts named by `fit --samples`: a path that is a sample part is one, whatever
 * its name; a folder gives its `*.sample` files; anything else is refused by name.
 */
function samplePartPaths(inputs: string[]): string[] {
  return inputs.flatMap((p) => {
    if (isSamplePartFile(p)) return [p];
    if (isFolder(p)) return listFolder(p).filter((f) => f.endsWith('.sample'));
    if (p.endsWith('.sample')) return [p]; // read as a part: its own message says what is wrong with it
    throw new UserError(
      `--samples: '${p}' is neither a sample part (a file written by \`smoothcluster sample --shard i/N --out FILE\`) nor a folder of them; give the parts the sample stage wrote, or their folder.`,
    );
  });
}

/** Checks that parts cover shards 0..N-1 exactly once and agree on `key`; names what is wrong. */
function checkShardSet<T extends { shard: Shard }>(what: string, parts: { path: string; header: T }[], agree: (h: T) => unknown): void {
  if (parts.length === 0) throw new UserError(`no ${what} found; give the files (or the folder) the ${what.split(' ')[0]} stage wrote.`);
  const count = parts[0].header.shard.count;
  const seen = new Map<number, string>();
  const reference = JSON.stringify(agree(parts[0].header));
  for (const { path, header } of parts) {
    if (header.shard.count !== count) throw new UserError(`${what} '${path}' is shard ${header.shard.index}/${header.shard.count}, but '${parts[0].path}' is of ${count} shards; give the parts of one run.`);
    if (seen.has(header.shard.index)) throw new UserError(`${what} '${path}' and '${seen.get(header.shard.index)}' are both shard ${header.shard.index}/${count}; give each shard once.`);
    seen.set(header.shard.index, path);
    if (JSON.stringify(agree(header)) !== reference) throw new UserError(`${what} '${path}' was made with other inputs or options than '${parts[0].path}'; give the parts of one run.`);
  }
  const missing = Array.from({ length: count }, (_v, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw new UserError(`${what}: shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count} missing; run ${missing.length > 1 ? 'them' : 'it'} first (a retry of a shard overwrites only its own files).`);
}

function offerRows(into: BottomKSample, r: SampleRows, f: number): void {
  for (let i = 0; i < r.n; i++) into.offer(r.keys[i], r.indices[i], r.data, i * f);
}

/**
 * `fit --samples S_* --model-out M.json`: merges the shards' bottom-k samples
 * (the sample a plain run draws: the smallest hash keys over all nodes) and fits.
 * `cluster` brings the fit settings (k, batch size, warm start, epochs).
 */
export async function fitFromSampleParts(inputs: string[], modelOut: string, cluster: Pick<MethodOptions['cluster'], 'k' | 'batchSize' | 'warmStart' | 'maxEpochs' | 'restarts'>, execution: MethodOptions['execution'], reporter: Reporter): Promise<ModelFile> {
  checkOutputsWritable([modelOut], execution.overwrite, '--model-out');
  const paths = samplePartPaths(inputs);
  // Headers first (cheap checks before any heavy read), then one part at a time into the
  // merged sample: memory holds the merged sample and one part, whatever the shard count.
  const headers = paths.map((path) => ({ path, header: readSamplePartHeader<SamplePartHeader>(path) }));
  checkShardSet('sample part', headers, (h) => ({ scene: h.scene, options: h.options, featureNames: h.featureNames }));
  headers.sort((a, b) => a.header.shard.index - b.header.shard.index);
  const h = headers[0].header;
  const f = h.nFeatures;
  const { sampleSize, sampleCells, testFraction, seed } = h.options.draw;
  // The test sample's capacity, as the sample pass sets it (sampleCapacity).
  const testCapacity = testFraction > 0 ? Math.max(1, Math.round((sampleSize * testFraction) / (1 - testFraction))) : 0;
  const train = new BottomKSample(sampleSize, f);
  const test = new BottomKSample(testCapacity, f);
  const infinite = new InfiniteTally();
  let validPixels = 0;
  for (const { path } of headers) {
    const part = readSamplePart<SamplePartHeader>(path);
    offerRows(train, part.train, f);
    offerRows(test, part.test, f);
    validPixels += part.header.validPixels;
    infinite.count += part.header.infinite.count;
    infinite.first ??= part.header.infinite.first;
  }
  const finished = (b: BottomKSample) => {
    const r = b.finish();
    return { n: r.n, data: r.data };
  };
  const sample: TrainingSample = { train: finished(train), test: finished(test), validPixels, infinite, drawnFrom: h.drawnFrom };
  const options: MethodOptions = {
    graph: h.options.graph,
    smoothing: h.options.smoothing,
    features: h.options.features,
    cluster: { ...cluster, sampleSize, sampleCells, testFraction, seed },
    execution,
    source: h.options.source,
  };
  reporter.info(`fitting k=${cluster.k} on ${sample.train.n} training pixels merged from ${headers.length} shards (${sample.validPixels} valid)`);
  return withRun(h.scene.path, options, reporter, 'nothing', async (ctx) => {
    if (ctx.scene.width !== h.scene.width || ctx.scene.height !== h.scene.height) {
      throw new UserError(`scene '${h.scene.path}' is now ${ctx.scene.width} x ${ctx.scene.height}, but the samples were drawn from a ${h.scene.width} x ${h.scene.height} scene; re-run the sample stage.`);
    }
    const model = modelToFile(ctx, fitModel(ctx, sample, true));
    writeText(modelOut, toReadableJson(model));
    return model;
  });
}

interface PredictPartHeader {
  format: 'smoothcluster-predict-part';
  version: 1;
  shard: Shard;
  /** The scene as predicted; `points`: how many input points a point scene had (merge puts the regimes back on them). */
  scene: { path: string; width: number; height: number; points?: number };
  statics: string[];
  /** `--crs` / `--dates` (and a point model's grid) the scene was read with (merge reopens it the same way). */
  source?: SourceOverrides;
  modelSha256: string;
  model: ModelFile;
  tileSize: number;
  tiles: Window[];
  validPixels: number;
  sumSquaredDistance: number;
  stats: Record<'count' | 'area' | 'dateN' | 'dateSum' | 'dateSumSq' | 'staticN' | 'staticSum' | 'staticSumSq' | 'bbox', number[]>;
}

export const partialOf = (labelPart: string) => `${labelPart}.part.json`;

/**
 * `predict SCENE --model M.json --shard i/N --out P_i.tif`: the labels of shard
 * i's tiles (a sparse GeoTIFF on the scene grid) and their per-cluster sums
 * (`P_i.tif.part.json`, written last: its presence means the shard is complete).
 */
export async function predictShard(
  scenePath: string, modelPath: string, shard: Shard, out: string, execution: MethodOptions['execution'], statics: string[], reporter: Reporter, source: SourceOverrides = {},
): Promise<{ out: string; tiles: number; validPixels: number }> {
  const modelText = readText(modelPath, '--model');
  const model = readModelFile(modelPath);
  // A model fitted on points grids them onto its cells; the part records that, so merge reads the scene the same way.
  const read = sourceWithModelGrid(source, model);
  const options = { ...modelRunOptions(modelPath, scenePath, model, statics, execution), source: read };
  checkOutputsAreNotInputs([out, partialOf(out)], [scenePath, modelPath, ...statics]);
  checkOutputsWritable([out, partialOf(out)], execution.overwrite);
  return withRun(scenePath, options, reporter, 'nothing', async (ctx, passes) => {
    const { scene } = ctx;
    checkModelFitsScene(modelPath, model, ctx);
    const datesDiffer = modelDatesWarning(modelPath, model, ctx);
    if (datesDiffer) reporter.warn(datesDiffer);
    const tiles = shardTiles(ctx.tiles, shard);
    reporter.info(`predict shard ${shard.index}/${shard.count}: ${tiles.length} of ${ctx.tiles.length} tiles`);
    const { model: km, scaler } = modelFromFile(model);
    const writer = new LabelPartWriter(out, { width: scene.width, height: scene.height, geoTransform: scene.facts.geoTransform, srsWkt: scene.facts.srsWkt }, execution.tileSize);
    let result;
    try {
      result = await predictPass(ctx, km, scaler, passes, (core, labels) => writer.writeWindow(core, labels), tiles);
      writer.finish();
    } catch (err) {
      writer.abort();
      throw err;
    }
    const s = result.stats;
    const header: PredictPartHeader = {
      format: 'smoothcluster-predict-part',
      version: 1,
      shard,
      scene: { path: scene.path, width: scene.width, height: scene.height, ...(scene.points ? { points: scene.points.points } : {}) },
      statics,
      source: read,
      modelSha256: createHash('sha256').update(modelText).digest('hex'),
      model,
      tileSize: execution.tileSize,
      tiles,
      validPixels: result.validPixels,
      sumSquaredDistance: result.sumSquaredDistance,
      stats: {
        count: [...s.count], area: [...s.area], dateN: [...s.dateN], dateSum: [...s.dateSum], dateSumSq: [...s.dateSumSq],
        staticN: [...s.staticN], staticSum: [...s.staticSum], staticSumSq: [...s.staticSumSq], bbox: [...s.bbox],
      },
    };
    // JSON numbers print the shortest text that reads back as the same double: the sums travel exactly.
    writeText(partialOf(out), JSON.stringify(header));
    return { out, tiles: tiles.length, validPixels: result.validPixels };
  });
}

/** How merge runs: the execution options, with a tile size only when the user gave one (the parts fix it). */
export type MergeExecution = Omit<MethodOptions['execution'], 'tileSize'> & { tileSize?: number };

/**
 * `merge P_* --out OUT.tif`: the final COG from the shards' label tiles, and the
 * statistics reduced from their partial sums (counts exact, means to float
 * precision), with every output `run` writes. With a point scene it also puts the
 * merged regimes back on the input points, read again (OUT.points.gpkg or `pointsOut`),
 * as `run` does: each point's cell is found by gridding, whichever shard labelled it.
 */
export async function mergeParts(inputs: string[], out: string, execution: MergeExecution, reporter: Reporter, pointsOut?: string): Promise<RunSummary> {
  // P_0.tif and P_0.tif.part.json (what a shell makes of parts/P_*) are the two files of one part.
  const files = [...new Set(inputs.flatMap((p) => (p.endsWith('.part.json') ? [p] : p.endsWith('.tif') ? [partialOf(p)] : expandInputs([p], '.part.json'))))];
  const parts = files.map((path) => {
    let header: PredictPartHeader;
    try {
      header = JSON.parse(readText(path, 'predict part'));
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`'${path}' is not a smoothcluster predict part (written by \`smoothcluster predict --shard i/N\`): it is not JSON.`);
    }
    if (header?.format !== 'smoothcluster-predict-part') throw new UserError(`'${path}' is not a smoothcluster predict part (written by \`smoothcluster predict --shard i/N\`).`);
    return { path, header, labels: path.slice(0, -'.part.json'.length) };
  });
  checkShardSet('predict part', parts, (h) => ({ scene: h.scene, model: h.modelSha256, statics: h.statics, source: h.source ?? {}, tileSize: h.tileSize }));
  parts.sort((a, b) => a.header.shard.index - b.header.shard.index);
  const h = parts[0].header;
  if (execution.tileSize !== undefined && execution.tileSize !== h.tileSize) {
    throw new UsageError(
      `--tile-size ${execution.tileSize}: the parts were cut into tiles of ${h.tileSize} by \`predict --shard\` ('${parts[0].path}'), and merge assembles those tiles; ` +
        `leave --tile-size out (or give ${h.tileSize}).`,
    );
  }
  const model = h.model;
  const options = { ...modelRunOptions(parts[0].path, h.scene.path, model, h.statics, { ...execution, tileSize: h.tileSize }), source: h.source ?? {} };
  const paths = withPointOutputs(outputPaths(out), h.scene.path, { points: { pointsOut } });
  checkOutputsAreNotInputs(outputPathList(paths, true), [h.scene.path, ...h.statics, ...parts.flatMap((p) => [p.path, p.labels])]);
  let opened = false;
  try {
    return await withRun(h.scene.path, options, reporter, 'nothing', async (ctx) => {
      opened = true;
      checkSceneAsPredicted(ctx, h, parts[0].path);
      checkOutputsWritable(outputPathList(paths, ctx.scene.staticNames.length > 0), execution.overwrite);
      const t0 = performance.now();
      const writer = createLabelWriter(ctx, model, paths, 'merge');
      let summary: RunSummary;
      try {
        const stats = new ClusterStatsAccumulator(model.k, ctx.nDates, ctx.nStatic);
        let validPixels = 0, sumSquaredDistance = 0;
        for (const part of parts) {
          for (const tile of part.header.tiles) await writer.writeWindow(tile, readLabelWindow(part.labels, tile));
          const p = part.header.stats;
          stats.addPartial({
            count: Float64Array.from(p.count), area: Float64Array.from(p.area), dateN: Float64Array.from(p.dateN), dateSum: Float64Array.from(p.dateSum),
            dateSumSq: Float64Array.from(p.dateSumSq), staticN: Float64Array.from(p.staticN), staticSum: Float64Array.from(p.staticSum),
            staticSumSq: Float64Array.from(p.staticSumSq),
            // An empty cluster's box is +-Infinity, which JSON writes as null.
            bbox: Float64Array.from(p.bbox, (v, i) => (v === null ? (i % 4 < 2 ? Infinity : -Infinity) : v)),
          });
          validPixels += part.header.validPixels;
          sumSquaredDistance += part.header.sumSquaredDistance;
        }
        const timings = { merge: Number(((performance.now() - t0) / 1000).toFixed(3)) };
        summary = await finishRunOutputs(ctx, model, paths, writer, { stats, validPixels, sumSquaredDistance }, timings, reporter, 'merge');
      } catch (err) {
        writer.abort();
        throw err;
      }
      return writePointOutputs(ctx.scene, summary, paths, reporter);
    });
  } catch (err) {
    if (opened || !(err instanceof UserError) || err instanceof UsageError) throw err;
    // The scene cannot be opened again (moved, deleted, unreachable): say which one, and that nothing was lost.
    const uses = h.scene.points !== undefined ? 'the statistics, the map and the labelled points' : 'the statistics and the map';
    throw new UserError(
      `cannot merge: the scene the parts were predicted from, '${h.scene.path}' (recorded in '${parts[0].path}'), cannot be read again (${err.message.replace(/\.$/, '')}). ` +
        `merge reads it for ${uses}: put it back at that path, unchanged, and run merge again. Nothing was written; the parts are kept.`,
    );
  }
}

/** The scene merge reopened must be the one the parts were predicted on: its grid, and a point scene's points. */
function checkSceneAsPredicted(ctx: RunContext, h: PredictPartHeader, part: string): void {
  const { scene } = ctx;
  const now = `${scene.width} x ${scene.height}${scene.points ? ` cells of ${scene.points.points} points` : ''}`;
  const then = `${h.scene.width} x ${h.scene.height}${h.scene.points !== undefined ? ` cells of ${h.scene.points} points` : ''}`;
  if (now !== then) {
    throw new UserError(
      `scene '${h.scene.path}' is now ${now}, but the parts were predicted on ${then} ('${part}'); it has changed since. ` +
        'Run predict --shard on it again (then merge), or put back the scene the parts were predicted from.',
    );
  }
}
