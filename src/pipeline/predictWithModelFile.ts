import { checkOutputsAreNotInputs, checkOutputsWritable } from '../io/atomicOutput.js';
import type { SourceOverrides } from '../io/sources/types.js';
import type { Reporter } from '../reporter.js';
import type { MethodOptions } from './options.js';
import { outputPathList, outputPaths } from './outputs/outputPaths.js';
import { sourceWithModelGrid, withPointOutputs, writePointOutputs } from './outputs/pointOutputs.js';
import { predictAndWrite, type RunSummary } from './outputs/predictAndWrite.js';
import { checkModelFitsScene, modelDatesWarning, modelRunOptions, readModelFile } from './savedModel.js';
import { withRun } from './session.js';

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
