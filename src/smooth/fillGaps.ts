/**
 * Slack on the missing-date threshold, so that e.g. --max-missing 0.29 with 100 dates allows
 * 29 missing although 0.29 * 100 is 28.999999999999996 in floating point.
 */
const THRESHOLD_TOLERANCE = 1e-9;

/**
 * Decides which pixels are nodes by their missing dates, and fills the gaps of those that are.
 *
 * In place: a pixel (nDates values, pixel-interleaved) is marked valid when its missing (NaN)
 * count is at most maxMissing * nDates and at least one value is present; its missing dates are
 * then filled by linear interpolation in time, using `dayOffsets` (days since the first date)
 * rather than band index, because acquisitions are unevenly spaced; dates before the first or
 * after the last present value take that nearest value. Invalid pixels are marked 0 and their
 * values left as they are. The caller ANDs `valid` with "every static value is present".
 *
 * @param values - nPixels * nDates values, values[p * nDates + t]; modified in place
 * @param nPixels - number of pixels
 * @param nDates - number of dates per pixel
 * @param dayOffsets - strictly increasing acquisition times in days, one per date
 * @param maxMissing - largest allowed fraction of missing dates, in [0, 1]
 * @param valid - receives 1 (node) or 0 per pixel
 * @returns the number of valid pixels
 * @throws RangeError when the buffers do not match the sizes or the dates are not increasing
 */
export function fillGapsInTime(
  values: Float32Array,
  nPixels: number,
  nDates: number,
  dayOffsets: Float64Array,
  maxMissing: number,
  valid: Uint8Array,
): number {
  assertInputs(values, nPixels, nDates, dayOffsets, valid);
  const maxMissingCount = maxMissing * nDates + THRESHOLD_TOLERANCE;
  let validCount = 0;
  for (let p = 0; p < nPixels; p++) {
    const base = p * nDates;
    let missingCount = 0;
    for (let t = 0; t < nDates; t++) if (Number.isNaN(values[base + t])) missingCount++;
    const isValid = missingCount < nDates && missingCount <= maxMissingCount;
    valid[p] = isValid ? 1 : 0;
    if (!isValid) continue;
    validCount++;
    if (missingCount > 0) fillPixel(values, base, nDates, dayOffsets);
  }
  return validCount;
}

/** Fills the NaNs of one pixel that has at least one present value. */
function fillPixel(values: Float32Array, base: number, nDates: number, dayOffsets: Float64Array): void {
  let previousPresent = -1;
  for (let t = 0; t < nDates; t++) {
    if (Number.isNaN(values[base + t])) continue;
    if (previousPresent === -1) {
      // Leading gap: nearest value is this first present one.
      for (let g = 0; g < t; g++) values[base + g] = values[base + t];
    } else if (t - previousPresent > 1) {
      const startValue = values[base + previousPresent];
      const endValue = values[base + t];
      const startDay = dayOffsets[previousPresent];
      const span = dayOffsets[t] - startDay;
      for (let g = previousPresent + 1; g < t; g++) {
        values[base + g] = startValue + ((endValue - startValue) * (dayOffsets[g] - startDay)) / span;
      }
    }
    previousPresent = t;
  }
  // Trailing gap: nearest value is the last present one.
  for (let g = previousPresent + 1; g < nDates; g++) values[base + g] = values[base + previousPresent];
}

function assertInputs(values: Float32Array, nPixels: number, nDates: number, dayOffsets: Float64Array, valid: Uint8Array): void {
  if (values.length !== nPixels * nDates) {
    throw new RangeError(`values has ${values.length} entries, expected nPixels * nDates = ${nPixels} * ${nDates}`);
  }
  if (valid.length < nPixels) throw new RangeError(`valid has ${valid.length} entries, expected at least ${nPixels}`);
  if (dayOffsets.length !== nDates) throw new RangeError(`dayOffsets has ${dayOffsets.length} entries, expected one per date (${nDates})`);
  for (let t = 1; t < nDates; t++) {
    if (!(dayOffsets[t] > dayOffsets[t - 1])) {
      throw new RangeError(`dates must be strictly increasing, but date ${t} (day ${dayOffsets[t]}) follows day ${dayOffsets[t - 1]}`);
    }
  }
}
