import { readText } from '../io/anyPath.js';
import type { KMeansModel } from '../cluster/nearestCentre.js';
import type { FeatureScaler } from '../cluster/scaler.js';
import { UserError } from '../errors.js';
import type { FittedModel } from './fitModel.js';
import type { GraphOptions, SmoothingOptions, FeatureMode, MethodOptions } from './options.js';
import type { RunContext } from './session.js';
import type { PointGridRecord } from '../points/grid.js';

export const MODEL_FORMAT = 'smoothcluster-model';
export const MODEL_VERSION = 1;

/** A saved model: centres, scaler and the feature layout and method it expects. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  featureNames: string[];
  nDates: number;
  dates: string[] | null;
  staticNames: string[];
  features: FeatureMode;
  staticWeight: number;
  graph: GraphOptions;
  smoothing: SmoothingOptions;
  seed: number;
  k: number;
  dim: number;
  centres: number[][];
  counts: number[];
  scaler: { nDynamic: number; nStatic: number; staticWeight: number; offset: number[]; scale: number[] };
  centreVelocities: number[];
  orderRule: string;
  scalingRule: string;
  quality: {
    trainInertia: number;
    testInertia: number | null;
    nTrain: number;
    nTest: number;
    steps: number;
    epochs: number;
    stopReason: string;
    /** Training inertia of each complete fit (--restarts) and the kept one; absent in models from before restarts. */
    runTrainInertias?: number[];
    chosenRun?: number;
  };
  source: { scene: string; width: number; height: number };
  /** A model fitted on points: the grid they were gridded onto, so `predict` grids new points onto the same cells. */
  pointGrid?: PointGridRecord;
}

export function modelToFile(ctx: RunContext, fitted: FittedModel): ModelFile {
  const { model, scaler } = fitted;
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    featureNames: ctx.featureNames,
    nDates: ctx.nDates,
    dates: ctx.scene.dates,
    staticNames: ctx.useStatics ? ctx.scene.staticNames : [],
    features: ctx.options.features.features,
    staticWeight: ctx.options.features.staticWeight,
    graph: ctx.options.graph,
    smoothing: ctx.options.smoothing,
    seed: ctx.options.cluster.seed,
    k: model.k,
    dim: model.dim,
    centres: Array.from({ length: model.k }, (_v, c) => Array.from(model.centres.subarray(c * model.dim, (c + 1) * model.dim))),
    counts: Array.from(model.counts),
    scaler: { ...scaler.layout, offset: Array.from(scaler.offset), scale: Array.from(scaler.scale) },
    centreVelocities: fitted.centreVelocities,
    orderRule: fitted.orderRule,
    scalingRule: fitted.scalingRule,
    quality: {
      trainInertia: fitted.trainInertia,
      testInertia: fitted.testInertia,
      nTrain: fitted.nTrain,
      nTest: fitted.nTest,
      steps: fitted.fit.steps,
      epochs: fitted.fit.epochs,
      stopReason: fitted.fit.stopReason,
      runTrainInertias: fitted.fit.runTrainInertias,
      chosenRun: fitted.fit.chosenRun,
    },
    source: { scene: ctx.scene.path, width: ctx.scene.width, height: ctx.scene.height },
    ...(ctx.scene.points ? { pointGrid: ctx.scene.points.grid } : {}),
  };
}

export function modelFromFile(file: ModelFile): { model: KMeansModel; scaler: FeatureScaler } {
  return {
    model: { k: file.k, dim: file.dim, centres: Float64Array.from(file.centres.flat()), counts: Float64Array.from(file.counts) },
    scaler: {
      layout: { nDynamic: file.scaler.nDynamic, nStatic: file.scaler.nStatic, staticWeight: file.scaler.staticWeight },
      offset: Float64Array.from(file.scaler.offset),
      scale: Float64Array.from(file.scaler.scale),
    },
  };
}

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
