import { writeFileSync } from 'node:fs';
import { checkOutputsAreNotInputs, checkOutputsWritable, commitOutputs, temporaryPathFor } from '../io/atomicOutput.js';
import type { Reporter } from '../reporter.js';
import { toReadableJson } from '../report/json.js';
import { sampleAndFit, type ModelFile } from './modelFile.js';
import type { MethodOptions } from './options.js';
import { withRun } from './session.js';

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
