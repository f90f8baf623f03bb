import type { SweepResult } from '../pipeline/sweep/sweep.js';
import type { SweepOutputs } from '../pipeline/sweep/sweepOutputs.js';

const num = (v: number, digits: number, width: number) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a').padStart(width);

/** The sweep as a person reads it on stdout: one row per combination, the recommendation and why. */
export function formatSweepTable(s: SweepResult, outputs: SweepOutputs | null): string {
  const rec = s.recommendation;
  const head = '  hops  alpha    k  test inertia  explained  silhouette  Davies-Bouldin  Calinski-Harabasz  coherence  smallest';
  const rows = s.rows.map((r) => {
    const mark = r.k === rec.k && r.hops === rec.hops && r.alpha === rec.alpha ? '*' : ' ';
    return [
      `${mark}${String(r.hops).padStart(5)}`,
      (r.alpha === null ? '-' : String(r.alpha)).padStart(6),
      String(r.k).padStart(4),
      num(r.testInertia, 5, 13),
      num(r.explainedShare, 3, 10),
      num(r.silhouette, 3, 11),
      num(r.daviesBouldin, 3, 15),
      num(r.calinskiHarabasz, 1, 18),
      num(r.spatialCoherence, 3, 10),
      `${num(100 * r.smallestClusterShare, 1, 7)} %`,
    ].join(' ');
  });
  const e = s.evaluation;
  const lines = [
    head,
    ...rows,
    '',
    `scored on ${e.testRows} held-out test pixels (silhouette on ${e.silhouetteRows}) of ${e.validPixels} valid; ` +
      `coherence on ${e.coherencePixels} pixels of a ${e.coherenceWindow.width} x ${e.coherenceWindow.height} window at (${e.coherenceWindow.x0}, ${e.coherenceWindow.y0}); ` +
      `${e.samplePasses} sample passes (one per smoothing setting)`,
    rec.k === null ? 'no recommendation' : `recommended (*): k = ${rec.k}, hops ${rec.hops}${rec.hops === 0 ? '' : `, alpha ${rec.alpha}`}`,
    ...rec.reasons.map((r) => `  - ${r}`),
  ];
  if (outputs) lines.push('wrote:', `  ${outputs.csv}`, `  ${outputs.json}`, `  ${outputs.svg}`);
  return `${lines.join('\n')}\n`;
}
