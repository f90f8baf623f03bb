/**
 * Which combination a sweep recommends, and why. Pure: rows in, a choice and its reasons out.
 *
 * What can fairly be compared:
 * - Within one (hops, alpha) every k is fitted and scored on the same smoothed, scaled rows,
 *   so test inertia is comparable across k: its knee (where adding a cluster stops paying)
 *   picks k for that setting.
 * - Across (hops, alpha) the features themselves differ (smoothing changes them, and the
 *   scaling is fitted on each setting's sample), so inertia is not comparable there. Only
 *   scale-free scores are: silhouette and Davies–Bouldin (ratios of distances) and spatial
 *   coherence (a share of pixel pairs). Smoothing more raises coherence by itself, while
 *   blurring regimes into each other lowers silhouette and raises Davies–Bouldin, so the
 *   three together weigh a clean map against regimes smeared across their borders.
 */
import type { SweepRecommendation, SweepRow } from '../../report/sweepResult.js';

export type { SweepRecommendation } from '../../report/sweepResult.js';

export const RECOMMENDATION_RULE =
  'k: the knee of test inertia over k (Kneedle: the k farthest below the straight line from the first to the last k, both axes ' +
  'scaled to 0..1) in each (hops, alpha) setting, where inertia is comparable; the k chosen by most settings wins (ties: the smaller k). ' +
  'hops and alpha: at that k, the setting with the best mean rank of silhouette (higher), Davies-Bouldin (lower) and spatial coherence ' +
  '(higher), the scale-free scores; ties go to the lighter smoothing (fewer hops, then larger alpha).';

/**
 * The knee of a decreasing curve (Satopää et al. 2011, Kneedle, offline form): the point
 * farthest below the chord joining its first and last points after scaling both axes to
 * [0, 1]. Returns its index, or -1 when fewer than three points or no point lies below
 * the chord (a straight or bulging curve has no knee).
 */
export function kneeIndex(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 3 || ys.length !== n || ys.some((y) => !Number.isFinite(y))) return -1;
  const x0 = xs[0], x1 = xs[n - 1];
  const yMax = Math.max(...ys), yMin = Math.min(...ys);
  if (x1 === x0 || yMax === yMin) return -1;
  let best = -1;
  let bestGap = 1e-9;
  for (let i = 1; i < n - 1; i++) {
    const x = (xs[i] - x0) / (x1 - x0);
    const chord = ((ys[0] - yMin) + ((ys[n - 1] - ys[0]) * x)) / (yMax - yMin);
    const gap = chord - (ys[i] - yMin) / (yMax - yMin);
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return best;
}

const settingKey = (r: Pick<SweepRow, 'hops' | 'alpha'>) => `${r.hops}/${r.alpha ?? '-'}`;
const describeSetting = (r: Pick<SweepRow, 'hops' | 'alpha'>) => (r.hops === 0 ? 'hops 0 (no smoothing)' : `hops ${r.hops}, alpha ${r.alpha}`);
const fmt = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/** Ranks 1..n (ties share the mean rank); NaN values rank last. */
function ranks(values: number[], higherIsBetter: boolean): number[] {
  const key = (v: number) => (Number.isFinite(v) ? (higherIsBetter ? -v : v) : Infinity);
  const order = values.map((v, i) => ({ v: key(v), i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].v === order[start].v) end++;
    for (let j = start; j <= end; j++) out[order[j].i] = (start + end) / 2 + 1;
    start = end + 1;
  }
  return out;
}

/** Applies {@link RECOMMENDATION_RULE} to the rows of a sweep. */
export function recommendCombination(rows: SweepRow[]): SweepRecommendation {
  const settings = new Map<string, SweepRow[]>();
  for (const r of rows) settings.set(settingKey(r), [...(settings.get(settingKey(r)) ?? []), r]);
  const kneeBySetting = [...settings.values()].map((group) => {
    const sorted = [...group].sort((a, b) => a.k - b.k);
    const i = kneeIndex(sorted.map((r) => r.k), sorted.map((r) => r.testInertia));
    return { hops: sorted[0].hops, alpha: sorted[0].alpha, knee: i < 0 ? null : sorted[i].k };
  });
  const none: SweepRecommendation = { hops: null, alpha: null, k: null, kneeBySetting, reasons: [], rule: RECOMMENDATION_RULE };
  if (rows.length === 0) return { ...none, reasons: ['nothing was scored'] };

  const votes = new Map<number, number>();
  for (const s of kneeBySetting) if (s.knee !== null) votes.set(s.knee, (votes.get(s.knee) ?? 0) + 1);
  const reasons: string[] = [];
  let k: number;
  if (votes.size > 0) {
    [k] = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    const others = [...votes.entries()].filter(([kk]) => kk !== k).map(([kk, n]) => `k = ${kk} in ${n}`);
    reasons.push(
      `k = ${k}: test inertia bends (its knee) at k = ${k} in ${votes.get(k)} of ${settings.size} smoothing settings` +
        `${others.length ? ` (${others.join(', ')})` : ''}; beyond the knee more clusters split regimes rather than explain the data.`,
    );
  } else {
    // No curve bends (fewer than three k values, or a straight line): fall back on the silhouette.
    const best = [...rows].filter((r) => Number.isFinite(r.silhouette)).sort((a, b) => b.silhouette - a.silhouette || a.k - b.k)[0] ?? rows[0];
    k = best.k;
    reasons.push(`k = ${k}: test inertia has no knee over the k values tried (give at least three), so k is the one with the best silhouette.`);
  }

  const atK = rows.filter((r) => r.k === k);
  const sil = ranks(atK.map((r) => r.silhouette), true);
  const db = ranks(atK.map((r) => r.daviesBouldin), false);
  const coh = ranks(atK.map((r) => r.spatialCoherence), true);
  // Lighter smoothing first, so a tie on the scores goes to it.
  const lightness = (r: SweepRow) => [r.hops, -(r.alpha ?? 1)];
  const scored = atK
    .map((r, i) => ({ r, rank: (sil[i] + db[i] + coh[i]) / 3 }))
    .sort((a, b) => a.rank - b.rank || lightness(a.r)[0] - lightness(b.r)[0] || lightness(a.r)[1] - lightness(b.r)[1]);
  const chosen = scored[0].r;
  if (atK.length > 1) {
    const runnerUp = scored[1];
    reasons.push(
      `${describeSetting(chosen)}: at k = ${k} it has the best mean rank (${fmt(scored[0].rank, 2)} of ${atK.length} settings) of silhouette ` +
        `(${fmt(chosen.silhouette)}), Davies-Bouldin (${fmt(chosen.daviesBouldin)}) and spatial coherence (${fmt(chosen.spatialCoherence)}); ` +
        `next is ${describeSetting(runnerUp.r)} (${fmt(runnerUp.rank, 2)}). Inertia is not compared across smoothing settings: their scaled units differ.`,
    );
  } else {
    reasons.push(`${describeSetting(chosen)}: the only smoothing setting tried.`);
  }
  if (chosen.smallestClusterShare < 0.01) {
    reasons.push(`note: its smallest cluster holds ${fmt(100 * chosen.smallestClusterShare, 1)} % of the test pixels; check that this regime is real.`);
  }
  return { hops: chosen.hops, alpha: chosen.alpha, k, kneeBySetting, reasons, rule: RECOMMENDATION_RULE };
}
