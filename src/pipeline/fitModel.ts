import { applyScaler, fitScaler, SCALING_RULE, type FeatureScaler } from '../cluster/scaler.js';
import { fitBestOfRuns, type BestFitResult } from '../cluster/bestOfFits.js';
import { sumNearestDistances, type KMeansModel } from '../cluster/nearestCentre.js';
import { UserError } from '../errors.js';
import type { RunContext } from './runContext.js';
import type { TrainingSample } from './passes/samplePass.js';
import { velocityPerYear } from '../cluster/velocity.js';

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
  const ordered = orderByVelocity(result.model, scaler, ctx);
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

/** Reorders centres so label 0 has the most negative centre velocity (ties keep fit order). */
function orderByVelocity(model: KMeansModel, scaler: FeatureScaler, ctx: RunContext): { model: KMeansModel; velocities: number[] } {
  const { k, dim } = model;
  const velocities = Array.from({ length: k }, (_v, c) => {
    const curve = new Float64Array(ctx.nDates);
    for (let d = 0; d < ctx.nDates; d++) {
      const s = scaler.scale[d];
      curve[d] = s > 0 ? model.centres[c * dim + d] / s + scaler.offset[d] : scaler.offset[d];
    }
    return velocityPerYear(curve, ctx.scene.dayOffsets, ctx.scene.dates !== null);
  });
  const order = velocities.map((v, c) => ({ v, c })).sort((a, b) => a.v - b.v || a.c - b.c).map((x) => x.c);
  const centres = new Float64Array(k * dim);
  const counts = new Float64Array(k);
  order.forEach((from, to) => {
    centres.set(model.centres.subarray(from * dim, (from + 1) * dim), to * dim);
    counts[to] = model.counts[from];
  });
  return { model: { k, dim, centres, counts }, velocities: order.map((c) => velocities[c]) };
}
