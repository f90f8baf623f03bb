import { writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { checkOutputsAreNotInputs, checkOutputsWritable, commitOutputs, temporaryPathFor } from '../io/atomicOutput.js';
import type { Scene } from '../io/scene.js';
import { openSourceScene } from '../io/sources/openSourceScene.js';
import type { SourceOverrides } from '../io/sources/types.js';
import { FloatStackWriter } from '../io/writeFloatStack.js';
import type { Reporter } from '../reporter.js';
import { fitModel } from './fitModel.js';
import { infiniteValuesWarning } from './infiniteValues.js';
import { checkModelFitsScene, modelDatesWarning, modelRunOptions, modelToFile, readModelFile, type ModelFile } from './modelFile.js';
import type { MethodOptions } from './options.js';
import { outputPathList, outputPaths } from './outputPaths.js';
import { sourceWithModelGrid, withPointOutputs, writePointOutputs } from './pointOutputs.js';
import { withTilePixels } from './passProgress.js';
import { predictAndWrite, type RunSummary } from './predictAndWrite.js';
import { releaseWindowBuffers } from './windowBuffers.js';
import { prepareRun, type RunContext } from './runContext.js';
import { samplePass, type SampleKeep } from './samplePass.js';
import { forEachSmoothedTile } from './smoothedTiles.js';
import { toReadableJson } from '../report/json.js';

const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));

/** Opens the scene, prepares the run and hands `body` a reporter whose pass progress carries pixel counts. */
/** Opens the scene (and statics) for `options`, runs `body` with its run context, and always closes it. */
export async function withScene<T>(path: string, options: MethodOptions, reporter: Reporter, body: (ctx: RunContext, scene: Scene, passes: Reporter) => Promise<T>): Promise<T> {
  const scene = await openSourceScene(path, {
    statics: options.features.statics,
    warn: (m) => reporter.warn(m),
    allowUngeoreferenced: options.execution.allowUngeoreferenced,
    source: { ...options.source, info: (m) => reporter.info(m) },
  });
  if (!scene.facts.geoTransform) {
    reporter.warn(`scene '${path}' has no georeferencing; working in pixel space (--allow-ungeoreferenced): distances and areas are in pixels, and the outputs are not georeferenced.`);
  }
  try {
    const ctx = prepareRun(scene, options);
    return await body(ctx, scene, withTilePixels(reporter, ctx.tiles));
  } finally {
    scene.close();
    releaseWindowBuffers();
  }
}

async function sampleAndFit(ctx: RunContext, reporter: Reporter, timings: Record<string, number>, keep: SampleKeep): Promise<ModelFile> {
  if (ctx.nDates < 2) {
    // One layer has no displacement curve: velocities, and so the label order, would be meaningless.
    throw new UserError(
      `scene '${ctx.scene.path}' has ${ctx.nDates} data band; expected a displacement time series, one band per acquisition date (at least 2). ` +
        'If it is a velocity, height or coherence map, give it with --static to a displacement stack.',
    );
  }
  let t0 = performance.now();
  reporter.info(`sample pass over ${ctx.tiles.length} tiles (${ctx.scene.width} x ${ctx.scene.height}, ${ctx.nFeatures} features, halo ${ctx.halo})`);
  const sample = await samplePass(ctx, reporter, keep);
  timings.samplePass = seconds(t0);
  const infinite = infiniteValuesWarning(ctx, sample.infinite);
  if (infinite) reporter.warn(infinite);
  t0 = performance.now();
  reporter.info(`fitting k=${ctx.options.cluster.k} on ${sample.train.n} training pixels of ${sample.validPixels} valid`);
  const fitted = fitModel(ctx, sample);
  timings.fit = seconds(t0);
  reporter.debug?.(
    `sample pass ${timings.samplePass} s (${sample.train.n} train, ${sample.test.n} test rows); fit ${timings.fit} s ` +
      `(${fitted.fit.epochs} epochs, ${fitted.fit.steps} steps, ${fitted.fit.stopReason}; test inertia ${fitted.testInertia?.toFixed(5) ?? 'n/a'})`,
  );
  return modelToFile(ctx, fitted);
}

/** `run`: sample pass, fit, predict pass, all outputs. */
export async function runSmoothCluster(scenePath: string, out: string, options: MethodOptions, reporter: Reporter, command = 'run'): Promise<RunSummary> {
  const paths = withPointOutputs(outputPaths(out), scenePath, options.source);
  checkOutputsAreNotInputs(outputPathList(paths, true), [scenePath, ...options.features.statics]);
  checkOutputsWritable(outputPathList(paths, options.features.statics.length > 0), options.execution.overwrite);
  return withScene(scenePath, options, reporter, async (ctx, scene, passes) => {
    const timings: Record<string, number> = {};
    const model = await sampleAndFit(ctx, passes, timings, 'windows and features');
    return writePointOutputs(scene, await predictAndWrite(ctx, model, paths, timings, passes, command), paths, reporter);
  });
}

/** `fit`: sample pass and fit; writes the model file. */
export async function fitToModelFile(scenePath: string, modelOut: string, options: MethodOptions, reporter: Reporter): Promise<ModelFile> {
  checkOutputsAreNotInputs([modelOut], [scenePath, ...options.features.statics], '--model-out');
  checkOutputsWritable([modelOut], options.execution.overwrite, '--model-out');
  return withScene(scenePath, options, reporter, async (ctx, _scene, passes) => {
    const model = await sampleAndFit(ctx, passes, {}, 'nothing'); // nothing follows in this process
    const tmp = temporaryPathFor(modelOut);
    writeFileSync(tmp, toReadableJson(model));
    commitOutputs([{ tmp, final: modelOut }]);
    return model;
  });
}

/** `predict`: applies a saved model (its graph and smoothing settings) to a scene. */
export async function predictWithModelFile(
  scenePath: string, modelPath: string, out: string, execution: MethodOptions['execution'], statics: string[], reporter: Reporter, source: SourceOverrides = {},
): Promise<RunSummary> {
  const model = readModelFile(modelPath);
  const options = { ...modelRunOptions(modelPath, scenePath, model, statics, execution), source: sourceWithModelGrid(source, model) };
  const paths = withPointOutputs(outputPaths(out), scenePath, source);
  checkOutputsAreNotInputs(outputPathList(paths, true), [scenePath, modelPath, ...statics]);
  checkOutputsWritable(outputPathList(paths, statics.length > 0), execution.overwrite);
  return withScene(scenePath, options, reporter, async (ctx, scene, passes) => {
    checkModelFitsScene(modelPath, model, ctx);
    const datesDiffer = modelDatesWarning(modelPath, model, ctx);
    if (datesDiffer) reporter.warn(datesDiffer);
    return writePointOutputs(scene, await predictAndWrite(ctx, model, paths, {}, passes, 'predict'), paths, reporter);
  });
}

/** `smooth`: writes the smoothed (unscaled) feature stack, one named band per feature. */
export async function writeSmoothedFeatures(scenePath: string, out: string, options: MethodOptions, reporter: Reporter): Promise<{ out: string; featureNames: string[] }> {
  checkOutputsAreNotInputs([out], [scenePath, ...options.features.statics]);
  checkOutputsWritable([out], options.execution.overwrite);
  return withScene(scenePath, options, reporter, async (ctx, scene, passes) => {
    const writer = new FloatStackWriter(
      out,
      { width: scene.width, height: scene.height, geoTransform: scene.facts.geoTransform, srsWkt: scene.facts.srsWkt },
      ctx.featureNames,
      { metadata: { SMOOTHCLUSTER_HOPS: String(ctx.smoothing.hops), SMOOTHCLUSTER_ALPHA: String(ctx.smoothing.alpha), SMOOTHCLUSTER_AGGREGATE: ctx.smoothing.aggregate } },
    );
    try {
      const f = ctx.nFeatures;
      await forEachSmoothedTile(ctx, 'smooth', passes, async ({ core, smoothed }) => {
        const plane = core.width * core.height;
        const bsq = new Float32Array(plane * f);
        for (let p = 0; p < plane; p++) for (let j = 0; j < f; j++) bsq[j * plane + p] = smoothed[p * f + j];
        await writer.writeWindow(core, bsq);
      });
      await writer.finish();
    } catch (err) {
      writer.abort();
      throw err;
    }
    return { out, featureNames: ctx.featureNames };
  });
}
