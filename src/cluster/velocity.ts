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
