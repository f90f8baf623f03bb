/**
 * Feature scaling before k-means (docs/DESIGN.md, method 6).
 *
 * k-means measures plain Euclidean distance, so the scale of each feature decides
 * how much it counts. The displacement dates are one signal (a curve), so they share
 * one scale and keep their shape; static layers are unrelated quantities in unrelated
 * units, so each is z-scored; then both blocks are brought to total variance 1 and the
 * static block is weighted against the dynamic one.
 */

/** Row layout of a feature vector: `nDynamic` dates first, then `nStatic` static layers. */
export interface FeatureLayout {
  nDynamic: number;
  nStatic: number;
  /** Multiplier of the (unit total variance) static block; 0 ignores static layers, 1 balances the blocks. */
  staticWeight: number;
}

/** An affine per-feature map: `scaled_f = (x_f - offset_f) * scale_f`. */
export interface FeatureScaler {
  layout: FeatureLayout;
  offset: Float64Array;
  scale: Float64Array;
}

/**
 * The scaling rule in words, for the statistics sidecar to quote next to the numbers.
 * It describes exactly what {@link fitScaler} does.
 */
export const SCALING_RULE =
  'Dynamic block (one feature per date) keeps its shape: each date is centred by its mean and all dates are ' +
  'divided by one scale s_dyn = sqrt(sum over dates of var_d), so the block has total variance 1. ' +
  'Each static layer is z-scored (mean 0, variance 1); the static block is divided by sqrt(nStatic) so its ' +
  'total variance is 1, then multiplied by staticWeight. A feature (or a whole dynamic block) that is constant ' +
  'in the sample gets scale 0, so it contributes nothing to distances. Population variances (divide by n) ' +
  'from the training sample.';

/**
 * Fit the scaling statistics on a sample (the training pixels).
 *
 * Rule (also in {@link SCALING_RULE}):
 * - dynamic block: `offset_d = mean_d`; every date gets the same `scale = 1 / s_dyn` with
 *   `s_dyn = sqrt(sum_d var_d)`, so ratios between dates are preserved and the block's total
 *   variance is 1;
 * - static layer s: `offset_s = mean_s`, `scale_s = staticWeight / (std_s * sqrt(nStatic))`,
 *   so the static block's total variance is `staticWeight^2`;
 * - zero variance: a constant feature gets scale 0 (not 1). It carries no information in the
 *   sample, and with scale 0 a pixel outside the sample that differs from the constant
 *   cannot dominate the distances in raw units. Never NaN or Inf.
 *
 * Variances are population variances (divide by n), computed in two passes in float64.
 *
 * @param sample - n rows of `nDynamic + nStatic` features, row-major.
 * @throws RangeError on a bad layout, an empty sample, or a non-finite value in the sample
 *   (the pipeline fills gaps before scaling, so a NaN here is a bug upstream).
 */
export function fitScaler(sample: Float32Array, n: number, layout: FeatureLayout): FeatureScaler {
  const dim = checkLayout(layout);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`fitScaler needs at least one sample row, got n = ${n}`);
  if (sample.length < n * dim) throw new RangeError(`sample holds ${sample.length} values, expected n * dim = ${n * dim}`);

  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    for (let f = 0; f < dim; f++) {
      const x = sample[base + f];
      if (!Number.isFinite(x)) throw new RangeError(`fitScaler: non-finite value ${x} in sample row ${i}, feature ${f}`);
      mean[f] += x;
    }
  }
  for (let f = 0; f < dim; f++) mean[f] /= n;

  const variance = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    for (let f = 0; f < dim; f++) {
      const d = sample[base + f] - mean[f];
      variance[f] += d * d;
    }
  }
  for (let f = 0; f < dim; f++) variance[f] /= n;

  const scale = new Float64Array(dim);
  const { nDynamic, nStatic, staticWeight } = layout;
  let dynamicVariance = 0;
  for (let d = 0; d < nDynamic; d++) dynamicVariance += variance[d];
  const dynamicScale = dynamicVariance > 0 ? 1 / Math.sqrt(dynamicVariance) : 0;
  for (let d = 0; d < nDynamic; d++) scale[d] = dynamicScale;
  for (let s = 0; s < nStatic; s++) {
    const f = nDynamic + s;
    scale[f] = variance[f] > 0 ? staticWeight / (Math.sqrt(variance[f]) * Math.sqrt(nStatic)) : 0;
  }
  return { layout: { ...layout }, offset: mean, scale };
}

/**
 * Apply a fitted scaler to n rows. Writes into `out` (which may be `data` itself, for
 * in-place scaling of a tile buffer) or into a new array.
 */
export function applyScaler(scaler: FeatureScaler, data: Float32Array, n: number, out?: Float32Array): Float32Array {
  const dim = scaler.offset.length;
  if (data.length < n * dim) throw new RangeError(`data holds ${data.length} values, expected n * dim = ${n * dim}`);
  const target = out ?? new Float32Array(n * dim);
  if (target.length < n * dim) throw new RangeError(`out holds ${target.length} values, expected n * dim = ${n * dim}`);
  const { offset, scale } = scaler;
  for (let i = 0; i < n; i++) {
    const base = i * dim;
    for (let f = 0; f < dim; f++) target[base + f] = (data[base + f] - offset[f]) * scale[f];
  }
  return target;
}

function checkLayout(layout: FeatureLayout): number {
  const { nDynamic, nStatic, staticWeight } = layout;
  if (!Number.isInteger(nDynamic) || nDynamic < 0) throw new RangeError(`nDynamic must be a non-negative integer, got ${nDynamic}`);
  if (!Number.isInteger(nStatic) || nStatic < 0) throw new RangeError(`nStatic must be a non-negative integer, got ${nStatic}`);
  if (nDynamic + nStatic < 1) throw new RangeError('the feature layout has no features (nDynamic + nStatic = 0)');
  if (!Number.isFinite(staticWeight) || staticWeight < 0) throw new RangeError(`staticWeight must be finite and >= 0, got ${staticWeight}`);
  return nDynamic + nStatic;
}
