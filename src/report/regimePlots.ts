import type { TopLevelSpec } from 'vega-lite';

/** What the plots need of one regime (all of it is in the statistics sidecar). */
export interface PlottedCluster {
  label: number;
  name: string;
  colour: string;
  count: number;
  /** Mean and std of the original displacement at each date, mm (null where no pixel had data). */
  mean: (number | null)[];
  std: (number | null)[];
  /** Per static layer, mean and std over the regime's pixels. */
  statics: Record<string, { mean: number | null; std: number | null }>;
}

/** The time axis: days since the first acquisition, or band steps without dates. */
export interface TimeAxis {
  dayOffsets: number[];
  /** ISO dates in time order, or null. */
  dates: string[] | null;
}

/** The font every plot asks for; the PNG renderer loads it explicitly (DejaVu ships with Debian). */
export const PLOT_FONT = 'DejaVu Sans';

const sizeText = (n: number) => `${n.toLocaleString('en-GB')} px`;

/** Title of a regime's panel: its category name and its size. */
export function panelTitle(c: Pick<PlottedCluster, 'name' | 'count'>): string {
  return `${c.name} (n = ${sizeText(c.count)})`;
}

const finite = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

const baseConfig = {
  font: PLOT_FONT,
  view: { stroke: '#bbbbbb' },
  axis: { labelFontSize: 10, titleFontSize: 11, gridColor: '#e8e8e8' },
  header: { labelFontSize: 11, labelFontWeight: 'bold' as const },
  background: 'white',
};

/**
 * Vega-Lite spec of the regime plots: one panel per regime (in label order),
 * its mean displacement as a line and a ±1 std band, against days since the
 * first acquisition; all panels share the y axis so amplitudes compare at a glance.
 */
export function regimePlotSpec(clusters: PlottedCluster[], time: TimeAxis): TopLevelSpec {
  const rows: Record<string, unknown>[] = [];
  for (const c of clusters) {
    const panel = panelTitle(c);
    let any = false;
    time.dayOffsets.forEach((day, d) => {
      const m = c.mean[d], s = c.std[d];
      if (!finite(m)) return;
      any = true;
      const sd = finite(s) ? s : 0;
      rows.push({ panel, regime: c.name, day, date: time.dates?.[d] ?? null, mean: m, lo: m - sd, hi: m + sd });
    });
    // An empty regime (a model applied to another scene) still gets its (empty) panel.
    if (!any) rows.push({ panel, regime: c.name, day: null, date: null, mean: null, lo: null, hi: null });
  }
  const xTitle = time.dates ? `days since first acquisition (${time.dates[0]})` : 'time step (band order; no dates)';
  const colour = { field: 'regime', type: 'nominal' as const, scale: { domain: clusters.map((c) => c.name), range: clusters.map((c) => c.colour) }, legend: null };
  const x = { field: 'day', type: 'quantitative' as const, title: xTitle, scale: { nice: false, zero: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Displacement of each regime: mean ± 1 std', fontSize: 14, anchor: 'start' },
    data: { values: rows },
    facet: { field: 'panel', type: 'nominal', sort: clusters.map(panelTitle), title: null },
    columns: Math.min(clusters.length, 3),
    spec: {
      width: 260,
      height: 160,
      layer: [
        { mark: { type: 'area', opacity: 0.3 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: 'displacement (mm)' }, y2: { field: 'hi' }, color: colour } },
        { mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color: colour } },
      ],
    },
    resolve: { scale: { y: 'shared', x: 'shared' } },
    config: baseConfig,
  } as TopLevelSpec;
}

/**
 * Vega-Lite spec of the static layers by regime: one panel per layer (layers
 * have their own units, so each has its own y axis), per regime its mean as a
 * dot and ±1 std as a bar, in the regime colours.
 */
export function staticPlotSpec(clusters: PlottedCluster[], layers: string[]): TopLevelSpec {
  const rows: Record<string, unknown>[] = [];
  for (const layer of layers) {
    for (const c of clusters) {
      const v = c.statics[layer];
      if (!v || !finite(v.mean)) continue;
      const sd = finite(v.std) ? v.std : 0;
      rows.push({ layer, regime: c.name, label: String(c.label), mean: v.mean, lo: v.mean - sd, hi: v.mean + sd });
    }
  }
  const colour = {
    field: 'regime', type: 'nominal' as const,
    scale: { domain: clusters.map((c) => c.name), range: clusters.map((c) => c.colour) },
    legend: { title: 'regime', orient: 'bottom' as const, columns: 2, labelLimit: 320 },
  };
  const x = { field: 'label', type: 'ordinal' as const, title: 'regime', sort: clusters.map((c) => String(c.label)), axis: { labelAngle: 0 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Static layers by regime: mean ± 1 std', fontSize: 14, anchor: 'start' },
    data: { values: rows },
    facet: { field: 'layer', type: 'nominal', sort: layers, title: null },
    columns: Math.min(layers.length, 4),
    spec: {
      width: 200,
      height: 150,
      layer: [
        { mark: { type: 'rule', strokeWidth: 3 }, encoding: { x, y: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } }, y2: { field: 'hi' }, color: colour } },
        { mark: { type: 'point', filled: true, size: 60, opacity: 1 }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color: colour } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: baseConfig,
  } as TopLevelSpec;
}

/**
 * Renders a Vega-Lite spec to SVG headless (Vega's scenegraph, no canvas or browser).
 * Vega and Vega-Lite are loaded here, on first use: loading them takes about 0.6 s of the
 * main thread, which at start-up delays every command, and here overlaps the COG write.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
