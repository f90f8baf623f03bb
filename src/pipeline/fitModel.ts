import { applyScaler, fitScaler, SCALING_RULE, type FeatureScaler } from '../cluster/scaler.js';
import { fitBestOfRuns, type BestFitResult } from '../cluster/bestOfFits.js';
import { sumNearestDistances, type KMeansModel } from '../cluster/nearestCentre.js';
import { UserError } from '../errors.js';
import type { RunContext } from './session.js';
import type { TrainingSample } from './passes/samplePass.js';
import { orderCentresByVelocity } from '../cluster/velocity.js';

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

/** Scales the sample, fits mini-batch k-means and orders the labels by centre velocity. */
export function fitModel(ctx: RunContext, sample: TrainingSample): FittedModel {
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
  const train = applyScaler(scaler, sample.train.data, sample.train.n);
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
