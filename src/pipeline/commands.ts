import { writeFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { checkOutputsAreNotInputs, checkOutputsWritable, commitOutputs, temporaryPathFor } from '../io/atomicOutput.js';
import type { SourceOverrides } from '../io/sources/types.js';
import type { Reporter } from '../reporter.js';
import { infiniteValuesWarning } from './passes/samplePass.js';
import { fitModel, modelToFile, type ModelFile } from './modelFile.js';
import { checkModelFitsScene, modelDatesWarning, modelRunOptions, readModelFile } from './savedModel.js';
import type { MethodOptions } from './options.js';
import { outputPathList, outputPaths } from './outputs/outputPaths.js';
import { predictAndWrite, type RunSummary } from './outputs/predictAndWrite.js';
import type { RunContext } from './session.js';
import { SAMPLE_CELL } from '../cluster/sampleCells.js';
import { DRAWN_FROM, samplePass, sampleTiles } from './passes/samplePass.js';
import { withRun } from './session.js';
import { sourceWithModelGrid, withPointOutputs, writePointOutputs } from './outputs/pointOutputs.js';
import { toReadableJson } from '../report/json.js';

const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));

/** The sample pass and the fit: the model of a run. */
async function sampleAndFit(ctx: RunContext, reporter: Reporter, timings: Record<string, number>): Promise<ModelFile> {
  if (ctx.nDates < 2) {
    // One layer has no displacement curve: velocities, and so the label order, would be meaningless.
    throw new UserError(
      `scene '${ctx.scene.path}' has ${ctx.nDates} data band; expected a displacement time series, one band per acquisition date (at least 2). ` +
        'If it is a velocity, height or coherence map, give it with --static to a displacement stack.',
    );
  }
  let t0 = performance.now();
  const { cells } = sampleTiles(ctx);
  const where = cells ? `${cells.length} hash-chosen cells of ${SAMPLE_CELL} x ${SAMPLE_CELL} pixels` : `${ctx.tiles.length} tiles`;
  reporter.info(`sample pass over ${where} (${ctx.scene.width} x ${ctx.scene.height}, ${ctx.nFeatures} features, halo ${ctx.halo})`);
  const sample = await samplePass(ctx, reporter);
  timings.samplePass = seconds(t0);
  const infinite = infiniteValuesWarning(ctx, sample.infinite);
  if (infinite) reporter.warn(infinite);
  t0 = performance.now();
  reporter.info(`fitting k=${ctx.options.cluster.k} on ${sample.train.n} training pixels of ${sample.validPixels} valid ${sample.drawnFrom === DRAWN_FROM ? '' : 'in the sampled cells'}`.trimEnd());
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
  // The predict pass reads back the windows and features the sample pass decoded and smoothed.
  return withRun(scenePath, options, reporter, 'windows and features', async (ctx, passes) => {
    const timings: Record<string, number> = {};
    const model = await sampleAndFit(ctx, passes, timings);
    return writePointOutputs(ctx.scene, await predictAndWrite(ctx, model, paths, timings, passes, command), paths, reporter);
  });
}

/** `fit`: sample pass and fit; writes the model file. */
export async function fitToModelFile(scenePath: string, modelOut: string, options: MethodOptions, reporter: Reporter): Promise<ModelFile> {
  checkOutputsAreNotInputs([modelOut], [scenePath, ...options.features.statics], '--model-out');
  checkOutputsWritable([modelOut], options.execution.overwrite, '--model-out');
  return withRun(scenePath, options, reporter, 'nothing', async (ctx, passes) => {
    const model = await sampleAndFit(ctx, passes, {}); // no pass follows in this process
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
  return withRun(scenePath, options, reporter, 'nothing', async (ctx, passes) => {
    checkModelFitsScene(modelPath, model, ctx);
    const datesDiffer = modelDatesWarning(modelPath, model, ctx);
    if (datesDiffer) reporter.warn(datesDiffer);
    return writePointOutputs(ctx.scene, await predictAndWrite(ctx, model, paths, {}, passes, 'predict'), paths, reporter);
  });
}
