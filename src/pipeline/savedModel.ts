/**
 * A saved model read back for `predict` (and its sharded stage): the file checked, the
 * options it runs with, and whether a scene gives the feature layout it was fitted on.
 */
import { readText } from '../io/anyPath.js';
import { UserError } from '../errors.js';
import { MODEL_FORMAT, MODEL_VERSION, type ModelFile } from './modelFile.js';
import type { MethodOptions } from './options.js';
import type { RunContext } from './session.js';

/** Reads and checks a model file; every problem is a UserError naming the file. */
export function readModelFile(path: string): ModelFile {
  let text: string;
  try {
    text = readText(path, '--model');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--model '${path}' cannot be read. Give the model file written by \`smoothcluster fit --model-out\`.`);
  }
  let json: Partial<ModelFile>;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UserError(`--model '${path}' is not JSON, so it is not a smoothcluster model. Give the file written by \`smoothcluster fit --model-out\`.`);
  }
  if (json?.format !== MODEL_FORMAT) {
    throw new UserError(`--model '${path}' is not a smoothcluster model (no "format": "${MODEL_FORMAT}"). Give the file written by \`smoothcluster fit --model-out\`.`);
  }
  if (json.version !== MODEL_VERSION) {
    throw new UserError(`--model '${path}' has model version ${json.version}; this smoothcluster reads version ${MODEL_VERSION}. Refit with \`smoothcluster fit\`.`);
  }
  const ok =
    Array.isArray(json.centres) && json.centres.length === json.k && json.centres.every((c) => Array.isArray(c) && c.length === json.dim) &&
    Array.isArray(json.scaler?.offset) && json.scaler.offset.length === json.dim && Array.isArray(json.featureNames);
  if (!ok) throw new UserError(`--model '${path}' is damaged: its centres or scaler do not match k = ${json.k}, dim = ${json.dim}. Refit with \`smoothcluster fit\`.`);
  return json as ModelFile;
}

/** Checks that a scene gives the feature layout a model was fitted on; names what differs otherwise. */
export function checkModelFitsScene(path: string, file: ModelFile, ctx: RunContext): void {
  const problems: string[] = [];
  if (file.nDates !== ctx.nDates) problems.push(`the model has ${file.nDates} dates, the scene ${ctx.nDates}`);
  const wantStatic = file.staticNames.length;
  const haveStatic = ctx.useStatics ? ctx.nStatic : 0;
  if (wantStatic !== haveStatic) {
    problems.push(`the model uses ${wantStatic} static layers (${file.staticNames.join(', ') || 'none'}), the run gives ${haveStatic} (${ctx.useStatics ? ctx.scene.staticNames.join(', ') : 'none'})`);
  }
  if (problems.length) {
    throw new UserError(`--model '${path}' does not fit scene '${ctx.scene.path}': ${problems.join('; ')}. Use a scene with the same feature layout, or fit a new model on it.`);
  }
}

/**
 * Same layout, other acquisitions: a model of one stack applied to another (a
 * neighbouring track, a later period) compares curves date by date, so it is
 * allowed, but the user should know when the dates differ. Null when they agree.
 */
export function modelDatesWarning(path: string, file: ModelFile, ctx: RunContext): string | null {
  const scene = ctx.scene.dates;
  if (!file.dates || !scene) return null;
  const differ = file.dates.filter((d, i) => d !== scene[i]).length;
  if (differ === 0) return null;
  const first = file.dates.findIndex((d, i) => d !== scene[i]);
  return (
    `--model '${path}' was fitted on other acquisition dates: ${differ} of ${file.dates.length} differ (the first: ${file.dates[first]} in the model, ` +
    `${scene[first]} in '${ctx.scene.path}'). Dates are compared by position, so the labels assume the two stacks are comparable date by date.`
  );
}

/**
 * The options a saved model runs with on a scene: its own graph, smoothing,
 * features and seed (the fit settings do not apply), the given static rasters
 * and execution settings. Refuses at once a model that needs static layers when
 * none are given, with the fix, before anything is opened.
 */
export function modelRunOptions(modelPath: string, scenePath: string, model: ModelFile, statics: string[], execution: MethodOptions['execution']): MethodOptions {
  if (model.staticNames.length > 0 && statics.length === 0) {
    throw new UserError(
      `--model '${modelPath}' does not fit scene '${scenePath}': the model uses ${model.staticNames.length} static layers ` +
        `(${model.staticNames.join(', ')}), the run gives none. Pass them with --static, as when the model was fitted.`,
    );
  }
  return {
    graph: model.graph,
    smoothing: model.smoothing,
    features: { statics, features: model.features, staticWeight: model.staticWeight },
    cluster: { k: model.k, seed: model.seed, batchSize: 0, warmStart: 0, testFraction: 0, maxEpochs: 0, restarts: 0, sampleSize: 0 },
    execution,
  };
}
