import { checkOutputsAreNotInputs, checkOutputsWritable } from '../io/atomicOutput.js';
import type { Reporter } from '../reporter.js';
import { sampleAndFit } from './modelFile.js';
import type { MethodOptions } from './options.js';
import { outputPathList, outputPaths } from './outputs/outputPaths.js';
import { withPointOutputs, writePointOutputs } from './outputs/pointOutputs.js';
import { predictAndWrite, type RunSummary } from './outputs/predictAndWrite.js';
import { withRun } from './session.js';

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
