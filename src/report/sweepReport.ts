import type { TopLevelSpec } from 'vega-lite';
import type { SweepResult, SweepRow } from './sweepResult.js';
import { PLOT_FONT } from './regimePlots.js';

/** Columns of the sweep table, CSV and JSON rows, in order. */
export const SWEEP_COLUMNS: (keyof SweepRow)[] = [
  'hops', 'alpha', 'k', 'testInertia', 'trainInertia', 'explainedShare', 'silhouette', 'daviesBouldin', 'calinskiHarabasz',
  'spatialCoherence', 'smallestClusterShare', 'epochs', 'stopReason',
];

const isRecommended = (r: SweepRow, s: SweepResult) =>
  r.k === s.recommendation.k && r.hops === s.recommendation.hops && r.alpha === s.recommendation.alpha;

const cell = (v: unknown) => (v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v));

/** One CSV row per combination (RFC 4180; empty cells for n/a), plus a `recommended` column. */
export function sweepCsv(s: SweepResult): string {
  const lines = [[...SWEEP_COLUMNS, 'recommended'].join(',')];
  for (const r of s.rows) lines.push([...SWEEP_COLUMNS.map((c) => cell(r[c])), isRecommended(r, s) ? '1' : '0'].join(','));
  return `${lines.join('\n')}\n`;
}

/** The JSON document of a sweep: inputs, how it measured, every row, the recommendation. */
export function sweepDocument(s: SweepResult, extra: Record<string, unknown>): Record<string, unknown> {
  const finite = (v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v);
  return {
    schema: 'smoothcluster-sweep',
    schemaVersion: 1,
    scene: s.scene,
    grid: s.grid,
    ...extra,
    evaluation: s.evaluation,
    columns: SWEEP_COLUMNS,
    rows: s.rows.map((r) => ({ ...Object.fromEntries(SWEEP_COLUMNS.map((c) => [c, finite(r[c])])), recommended: isRecommended(r, s) })),
    recommendation: s.recommendation,
    timingsSeconds: s.timingsSeconds,
  };
}

const settingName = (r: Pick<SweepRow, 'hops' | 'alpha'>) => (r.hops === 0 ? 'hops 0' : `hops ${r.hops}, alpha ${r.alpha}`);

const METRICS: { key: keyof SweepRow; title: string }[] = [
  { key: 'testInertia', title: 'test inertia (elbow; lower)' },
  { key: 'silhouette', title: 'silhouette (higher)' },
  { key: 'daviesBouldin', title: 'Davies-Bouldin (lower)' },
  { key: 'calinskiHarabasz', title: 'Calinski-Harabasz (higher)' },
  { key: 'spatialCoherence', title: 'spatial coherence (higher)' },
  { key: 'explainedShare', title: 'explained variance share (higher)' },
];

/**
 * The elbow/score chart: one panel per score against k, one line per (hops, alpha), the
 * recommended combination ringed in every panel. Panels have their own y scales.
 */
export function sweepChartSpec(s: SweepResult): TopLevelSpec {
  const values = s.rows.flatMap((r) =>
    METRICS.filter((m) => Number.isFinite(r[m.key] as number)).map((m) => ({
      metric: m.title,
      setting: settingName(r),
      k: r.k,
      value: r[m.key] as number,
      recommended: isRecommended(r, s),
    })),
  );
  const rec = s.recommendation;
  const subtitle = rec.k === null ? 'no recommendation' : `recommended: k = ${rec.k}, ${settingName({ hops: rec.hops ?? 0, alpha: rec.alpha })}`;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'smoothcluster sweep: scores against k per smoothing setting', subtitle, anchor: 'start', fontSize: 14 },
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: METRICS.map((m) => m.title) },
    columns: 3,
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          mark: { type: 'line', point: true, strokeWidth: 1.5 },
          encoding: {
            x: { field: 'k', type: 'quantitative', title: 'k', scale: { zero: false }, axis: { tickMinStep: 1 } },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: { field: 'setting', type: 'nominal', title: 'smoothing', scale: { scheme: 'tableau10' } },
          },
        },
        {
          transform: [{ filter: 'datum.recommended' }],
          mark: { type: 'point', shape: 'circle', size: 220, filled: false, color: 'black', strokeWidth: 2 },
          encoding: { x: { field: 'k', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: PLOT_FONT, background: 'white' },
  } as TopLevelSpec;
}
