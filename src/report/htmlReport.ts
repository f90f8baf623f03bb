import type { StatsSidecar } from './statsSidecar.js';

/** The pictures the report shows, already rendered. */
export interface ReportFigures {
  mapPng: Buffer;
  clustersSvg: string;
  staticSvg: string | null;
  /** A point run's map shows its input points: how many are drawn, of how many. */
  mapPoints?: { shown: number; total: number } | null;
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const dataUri = (mime: string, bytes: Buffer | string) => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
const fixed = (v: number | null | undefined, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const basename = (p: string) => p.split(/[\\/]/).pop() ?? p;

function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.length === 0 ? '—' : v.map(valueText).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Number(v.toPrecision(5)));
  return String(v);
}

function keyValueTable(rows: [string, unknown][], caption: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(valueText(v))}</td></tr>`).join('\n');
  return `<table class="kv"><caption>${escapeHtml(caption)}</caption>\n${body}\n</table>`;
}

function clusterTable(s: StatsSidecar): string {
  const unit = s.inputs.scene.dates ? 'mm/yr' : 'mm/step';
  const rows = s.clusters.map(
    (c) => `<tr data-label="${c.label}">
<td>${c.label}</td>
<td><span class="swatch" style="background:${escapeHtml(c.colour)}" title="${escapeHtml(c.colour)}"></span> ${escapeHtml(c.colour)}</td>
<td>${escapeHtml(c.name)}</td>
<td class="num">${c.count.toLocaleString('en-GB')}</td>
<td class="num">${fixed(c.share === null ? null : c.share * 100, 1)} %</td>
<td class="num">${fixed(c.areaKm2, 3)}</td>
<td class="num">${fixed(c.velocityMmPerYear, 1)}</td>
</tr>`,
  );
  return `<table class="clusters"><caption>Regimes (label order: most negative velocity first)</caption>
<thead><tr><th>label</th><th>colour</th><th>category name</th><th>pixels</th><th>share</th><th>area (km²)</th><th>velocity (${unit})</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`;
}

/** What the scene was read as: the product and where its grid, CRS, dates and units came from. */
function provenanceRows(p: StatsSidecar['inputs']['scene']['provenance']): [string, unknown][] {
  if (!p) return [];
  return [
    ['product', p.inputs.length > 1 ? `${p.product} (${p.inputs.length} files)` : p.product],
    ['grid from', p.gridFrom],
    ['CRS from', p.crsFrom],
    ['dates from', p.datesFrom],
    ['units', p.units],
    ...(p.referenceDate || p.referencePoint ? [['reference', [p.referenceDate && `date ${p.referenceDate}`, p.referencePoint && `point ${p.referencePoint}`].filter(Boolean).join('; ')] as [string, unknown]] : []),
    ['sign', p.sign],
    ...p.notes.map((n): [string, unknown] => ['note', n]),
  ];
}

function inputsTable(s: StatsSidecar): string {
  const sc = s.inputs.scene;
  const dates = sc.dates ? `${sc.dates.length} from ${sc.dates[0]} to ${sc.dates[sc.dates.length - 1]}` : `${sc.dayOffsets.length} bands without dates`;
  const crs = sc.crs.epsg ? `EPSG:${sc.crs.epsg} (${sc.crs.name ?? ''})` : (sc.crs.name ?? 'none');
  const rows: [string, unknown][] = [
    ['scene', sc.path],
    ['size', `${sc.width} × ${sc.height} pixels`],
    ['dates', dates],
    ['CRS', crs],
    ['pixel size (m)', sc.pixelSizeMetres.map((v) => fixed(v, 2)).join(' × ')],
    ['missing data marked by', sc.missingMarkers ?? []],
    ...provenanceRows(sc.provenance),
    ...s.inputs.statics.map((st, i): [string, unknown] => [`static ${i + 1}`, `${st.path}: ${st.layers.join(', ')}${st.onGrid ? '' : ` (warped: ${st.warpReason ?? ''})`}`]),
    ['valid pixels (clustered)', s.validPixels.toLocaleString('en-GB')],
    ['features', s.featureNames.length > 12 ? `${s.featureNames.length} features` : s.featureNames],
  ];
  return keyValueTable(rows, 'Inputs');
}

/** What the map caption says of a point run's dots (nothing for a raster run). */
function mapPointsCaption(points: ReportFigures['mapPoints']): string {
  if (!points) return '';
  const count = (n: number) => n.toLocaleString('en-GB');
  const which = points.shown === points.total
    ? `all ${count(points.total)} input points`
    : `${count(points.shown)} of the ${count(points.total)} input points (a fixed hash choice, the same in every run)`;
  return ` <span id="map-points">The dots are ${which}, at their own coordinates and in the regime of their cell (grey: the cell is not a node), over the cells drawn paler; every point is in the labelled points file with its regime.</span>`;
}

const CSS = `
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1.5em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ddd; }
.meta { color: #555; margin-top: 0; }
figure { margin: 0.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.92em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25em 0.7em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.kv th { font-weight: normal; color: #555; }
.swatch { display: inline-block; width: 1em; height: 1em; border: 1px solid #333; vertical-align: middle; }
.columns { display: flex; flex-wrap: wrap; gap: 2em; }
`;

/**
 * The run report (`OUT.report.html`): one self-contained page, readable
 * offline — the map and plots are data URIs, the CSS is inline, nothing is
 * fetched. Everything it states comes from the statistics sidecar.
 */
export function renderHtmlReport(s: StatsSidecar, figures: ReportFigures): string {
  const scene = basename(s.inputs.scene.path);
  const total = s.timingsSeconds.total;
  const staticFigure = figures.staticSvg
    ? `<h2>Static layers by regime</h2>
<figure id="static-plot"><img src="${dataUri('image/svg+xml', figures.staticSvg)}" alt="Static layers by regime: mean and ±1 std per regime"></figure>`
    : '';
  const quality = Object.entries(s.quality).filter(([, v]) => typeof v !== 'object' || v === null);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>smoothcluster: ${escapeHtml(scene)}, ${s.clusters.length} regimes</title>
<style>${CSS}</style>
</head>
<body>
<h1>Deformation regimes of ${escapeHtml(scene)}</h1>
<p class="meta">smoothcluster ${escapeHtml(s.software.smoothcluster ?? '')} · command <code>${escapeHtml(s.command)}</code> · k = ${s.clusters.length} · run time ${fixed(total, 1)} s</p>
<h2>Map</h2>
<figure id="map"><img src="${dataUri('image/png', figures.mapPng)}" alt="Quick-look map of the regimes"><figcaption>Each pixel coloured by its regime; the colours are those of the GeoTIFF's colour table and the QGIS style.${mapPointsCaption(figures.mapPoints)}</figcaption></figure>
<h2>Regimes</h2>
${clusterTable(s)}
<figure id="regime-plot"><img src="${dataUri('image/svg+xml', figures.clustersSvg)}" alt="Mean displacement of each regime with a ±1 std band"><figcaption>Mean of the original (unsmoothed) displacement of each regime's pixels at every date, with ±1 standard deviation; shared y axis.</figcaption></figure>
${staticFigure}
<h2>Inputs and parameters</h2>
<div class="columns">
${inputsTable(s)}
${keyValueTable(Object.entries(s.parameters), 'Parameters')}
</div>
<h2>Run</h2>
<div class="columns">
${keyValueTable(Object.entries(s.timingsSeconds).map(([k, v]) => [k, `${v} s`]), 'Time of each step')}
${keyValueTable(quality, 'Clustering quality')}
${keyValueTable(Object.entries(s.outputs).map(([k, v]) => [k, basename(v)]), 'Files written')}
${keyValueTable(Object.entries(s.software), 'Software')}
</div>
</body>
</html>
`;
}
