import type { ClusterStatsAccumulator } from '../cluster/clusterStats.js';
import { velocityPerYear } from '../cluster/velocity.js';
import { regimeColour, hexColour } from './palette.js';

/** One regime as every output describes it (RAT row, category name, sidecar entry). */
export interface ClusterSummary {
  label: number;
  name: string;
  colour: string;
  rgb: [number, number, number];
  count: number;
  share: number;
  areaKm2: number;
  /** Velocity of the mean original displacement curve, mm/yr (per band step without dates). */
  velocity: number;
  bboxPixels: { minCol: number; minRow: number; maxCol: number; maxRow: number } | null;
  displacement: { mean: number[]; std: number[]; n: number[] };
  statics: { mean: number[]; std: number[] };
}

/** Category name of a regime: `2: -27.8 mm/yr, 8.6 %`. */
export function categoryName(label: number, velocity: number, share: number, hasDates: boolean): string {
  const unit = hasDates ? 'mm/yr' : 'mm/step';
  // An empty cluster (a model applied to another scene) has no velocity.
  const v = Number.isFinite(velocity) ? velocity.toFixed(1) : 'n/a';
  return `${label}: ${v} ${unit}, ${(share * 100).toFixed(1)} %`;
}

export function summariseClusters(stats: ClusterStatsAccumulator, dayOffsets: Float64Array, hasDates: boolean): ClusterSummary[] {
  const total = stats.count.reduce((a, b) => a + b, 0);
  return Array.from({ length: stats.k }, (_v, c) => {
    const mean: number[] = [], std: number[] = [], n: number[] = [];
    for (let d = 0; d < stats.nDates; d++) {
      const m = stats.moments('date', c, d);
      mean.push(m.mean); std.push(m.std); n.push(m.n);
    }
    const sMean: number[] = [], sStd: number[] = [];
    for (let s = 0; s < stats.nStatic; s++) {
      const m = stats.moments('static', c, s);
      sMean.push(m.mean); sStd.push(m.std);
    }
    const count = stats.count[c];
    const share = total > 0 ? count / total : 0;
    const velocity = velocityPerYear(mean, dayOffsets, hasDates);
    const rgb = regimeColour(c);
    const b = stats.bbox.subarray(c * 4, c * 4 + 4);
    return {
      label: c,
      name: categoryName(c, velocity, share, hasDates),
      colour: hexColour(rgb),
      rgb,
      count,
      share,
      areaKm2: stats.area[c] / 1e6,
      velocity,
      bboxPixels: count > 0 ? { minCol: b[0], minRow: b[1], maxCol: b[2], maxRow: b[3] } : null,
      displacement: { mean, std, n },
      statics: { mean: sMean, std: sStd },
    };
  });
}
