import type { KMeansModel } from './nearestCentre.js';
import type { FeatureScaler } from './scaler.js';

/**
 * Least-squares slope of a displacement curve against time, in mm per year
 * (or per band step when the scene has no dates). NaN entries are skipped.
 */
export function velocityPerYear(curve: ArrayLike<number>, dayOffsets: Float64Array, hasDates: boolean): number {
  const unit = hasDates ? 365.25 : 1;
  let n = 0, st = 0, sy = 0, stt = 0, sty = 0;
  for (let i = 0; i < dayOffsets.length; i++) {
    const y = curve[i];
    if (!Number.isFinite(y)) continue;
    const t = dayOffsets[i] / unit;
    n++; st += t; sy += y; stt += t * t; sty += t * y;
  }
  const den = n * stt - st * st;
  return n >= 2 && den !== 0 ? (n * sty - st * sy) / den : 0;
}

/**
 * The centres reordered so label 0 has the most negative velocity of its displacement curve
 * (the unscaled first `nDates` features of the centre; ties keep fit order), with those
 * velocities in the new order.
 */
export function orderCentresByVelocity(
  model: KMeansModel, scaler: FeatureScaler, nDates: number, dayOffsets: Float64Array, hasDates: boolean,
): { model: KMeansModel; velocities: number[] } {
  const { k, dim } = model;
  const velocities = Array.from({ length: k }, (_v, c) => {
    const curve = new Float64Array(nDates);
    for (let d = 0; d < nDates; d++) {
      const s = scaler.scale[d];
      curve[d] = s > 0 ? model.centres[c * dim + d] / s + scaler.offset[d] : scaler.offset[d];
    }
    return velocityPerYear(curve, dayOffsets, hasDates);
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
