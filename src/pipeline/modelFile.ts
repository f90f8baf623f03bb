/**
 * The model of a run: the fit on the training sample (scaler, mini-batch k-means, labels
 * ordered by velocity) and the model file it is saved as, which `predict`, the sidecar
 * and the sharded stages read.
 */
import { fitBestOfRuns, type BestFitResult } from '../cluster/bestOfFits.js';
import { sumNearestDistances, type KMeansModel } from '../cluster/nearestCentre.js';
import { SAMPLE_CELL } from '../cluster/sampleCells.js';
import { applyScaler, fitScaler, SCALING_RULE, type FeatureScaler } from '../cluster/scaler.js';
import { orderCentresByVelocity } from '../cluster/velocity.js';
import { UserError } from '../errors.js';
import type { PointGridRecord } from '../points/grid.js';
import type { Reporter } from '../reporter.js';
import type { FeatureMode, GraphOptions, SmoothingOptions } from './options.js';
import { DRAWN_FROM, infiniteValuesWarning, samplePass, sampleTiles, type TrainingSample } from './passes/samplePass.js';
import type { RunContext } from './session.js';

const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(3));

/** The sample pass and the fit: the model of a run, as it is saved. */
export async function sampleAndFit(ctx: RunContext, reporter: Reporter, timings: Record<string, number>): Promise<ModelFile> {
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
  const fitted = fitModel(ctx, sample, true);
  timings.fit = seconds(t0);
  reporter.debug?.(
    `sample pass ${timings.samplePass} s (${sample.train.n} train, ${sample.test.n} test rows); fit ${timings.fit} s ` +
      `(${fitted.fit.epochs} epochs, ${fitted.fit.steps} steps, ${fitted.fit.stopReason}; test inertia ${fitted.testInertia?.toFixed(5) ?? 'n/a'})`,
  );
  return modelToFile(ctx, fitted);
}

export const ORDER_RULE =
  'Labels are ordered by the velocity of each cluster centre\'s displacement curve (least-squares slope of the ' +
  'unscaled dynamic part of the centre against time, mm/yr), most negative first: label 0 is the fastest ' +
  'subsiding/moving-away regime. The centre curve is the mean smoothed curve of the cluster\'s training pixels.';

export interface FittedModel {
  model: KMeansModel;
  scaler: FeatureScaler;
  /** Velocity (mm/yr) of each centre's curve, in label order. */
  centreVelocities: number[];
  fit: Omit<BestFitResult, 'model'>;
  trainInertia: number;
  testInertia: number | null;
  nTrain: number;
  nTest: number;
  scalingRule: string;
  orderRule: string;
}

/**
 * Scales the sample, fits mini-batch k-means and orders the labels by centre velocity.
 * `spent`: the caller has no use for the sample after, so its training rows are scaled in
 * place (no copy the size of the sample to touch afresh).
 */
export function fitModel(ctx: RunContext, sample: TrainingSample, spent = false): FittedModel {
  const { k, batchSize, warmStart, maxEpochs, seed, restarts } = ctx.options.cluster;
  if (sample.validPixels === 0) {
    throw new UserError(
      `scene '${ctx.scene.path}' has no valid pixel: every pixel misses more than --max-missing ${ctx.options.graph.maxMissing} of its dates` +
        `${ctx.nStatic ? ' or a static value' : ''}${sample.infinite?.count ? ` (${sample.infinite.count} values are +-Infinity, which count as missing)` : ''}. ` +
        'Check the nodata value and mask, or raise --max-missing.',
    );
  }
  if (sample.train.n < k) {
    throw new UserError(`--k ${k}: the scene has only ${sample.train.n} training pixels (${sample.validPixels} valid in all); use a smaller --k.`);
  }
  const layout = { nDynamic: ctx.nDates, nStatic: ctx.useStatics ? ctx.nStatic : 0, staticWeight: ctx.options.features.staticWeight };
  const scaler = fitScaler(sample.train.data, sample.train.n, layout);
  if (scaler.scale.every((s) => s === 0)) {
    const first = Array.from(sample.train.data.subarray(0, Math.min(3, ctx.nFeatures)), (v) => Number(v.toPrecision(6)));
    throw new UserError(
      `scene '${ctx.scene.path}': every feature is constant over the ${sample.train.n} sampled pixels (each pixel is ` +
        `[${first.join(', ')}${ctx.nFeatures > 3 ? ', ...' : ''}]), so there are no regimes to separate. Expected displacement ` +
        'that differs between pixels: check that the bands hold displacement rather than a fill value, and that the fill value is marked as nodata.',
    );
  }
  const train = applyScaler(scaler, sample.train.data, sample.train.n, spent ? sample.train.data : undefined);
  // Each restart is one k-means++ seeding and its fit: five such fits cost what three seedings and
  // one fit did, and reach a lower inertia (BENCHMARKS.md, "Restarts").
  const result = fitBestOfRuns(train, sample.train.n, ctx.nFeatures, { k, batchSize, warmStart, maxEpochs, seed, nInit: 1 }, restarts);
  const ordered = orderCentresByVelocity(result.model, scaler, ctx.nDates, ctx.scene.dayOffsets, ctx.scene.dates !== null);
  const testInertia = sample.test.n > 0 ? sumNearestDistances(ordered.model, applyScaler(scaler, sample.test.data, sample.test.n), sample.test.n) / sample.test.n : null;
  const { model: _unordered, ...fit } = result;
  return {
    model: ordered.model,
    scaler,
    centreVelocities: ordered.velocities,
    fit,
    trainInertia: result.trainInertia,
    testInertia,
    nTrain: sample.train.n,
    nTest: sample.test.n,
    scalingRule: SCALING_RULE,
    orderRule: ORDER_RULE,
  };
}

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

/** The fitted model as it is saved: what `predict` and the sidecar read. */
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

/** The centres and the scaler of a saved model, as the predict pass takes them. */
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
