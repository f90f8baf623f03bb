/**
 * Rank statistics on masked rasters. Regimes and gaps are placed by rank, not
 * by fixed thresholds, so their areas are what the preset asks for whatever
 * the seed, and never empty.
 */

/** Largest sample count a quantile is estimated from: exact below it, a regular subsample above. */
const QUANTILE_SAMPLE = 1 << 17;

/**
 * The score of the `count`-th highest eligible pixel. Large rasters use a
 * regular subsample, so the count is approximate but the chosen value is
 * always an eligible pixel's own score (at least that pixel is claimed).
 */
export function topQuantile(score: Float32Array, eligible: Uint8Array, count: number): number {
  const total = countOnes(eligible);
  if (total === 0) return Infinity;
  const stride = Math.max(1, Math.ceil(total / QUANTILE_SAMPLE));
  const sample: number[] = [];
  let seen = 0;
  for (let i = 0; i < score.length; i++) {
    if (!eligible[i]) continue;
    if (seen % stride === 0) sample.push(score[i]);
    seen++;
  }
  const sorted = Float64Array.from(sample).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.round((count / total) * sorted.length) - 1));
  return sorted[sorted.length - 1 - rank];
}

/** Number of set entries of a 0/1 mask. */
export function countOnes(mask: Uint8Array): number {
  let count = 0;
  for (let i = 0; i < mask.length; i++) count += mask[i];
  return count;
}
