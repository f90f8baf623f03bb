#!/usr/bin/env node
// npm run bench:points: speed and peak memory of `smoothcluster grid` on generated EGMS L2b
// CSVs of about 0.1, 1 and 3 GB (the issue's target: 1 GB in <= 40 s on two cores, peak RSS
// <= 1.5 GB, flat in the CSV size), and the same CSV read by GDAL's CSV driver for comparison.
//
//   npm run bench:points                      # 0.1, 1 and 3 GB, 250 dates (6-day repeat, ~4 years)
//   npm run bench:points -- --sizes 0.1,1 --dates 120 --no-gdal
//
// CSVs are cached in bench-cache/points/ (generated once, deterministic). Prints a Markdown
// table for BENCHMARKS.md; raw numbers go to bench-cache/results/points-*.json.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statSync, writeFileSync, writeSync, renameSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '0.1,1,3' },
    dates: { type: 'string', default: '250' },
    'no-gdal': { type: 'boolean', default: false },
    extra: { type: 'string', default: '' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const nDates = Number(values.dates);
const root = 'bench-cache';
mkdirSync(join(root, 'points'), { recursive: true });
mkdirSync(join(root, 'results'), { recursive: true });
if (!existsSync('dist/cli/main.js')) {
  console.error('bench: no build; run `npm run build` first.');
  process.exit(2);
}
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) {
  console.error('bench: /usr/bin/time is missing (peak memory is read from it); install it: apt-get install time');
  process.exit(2);
}

/** mulberry32: the same bytes on every machine. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n) => String(n).padStart(2, '0');
function dateNames(n) {
  const t0 = Date.UTC(2019, 0, 4);
  return Array.from({ length: n }, (_v, i) => {
    const d = new Date(t0 + i * 6 * 86400000);
    return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
  });
}

/**
 * An EGMS L2b burst-like CSV of about `gigabytes` GB: points on a jittered 40 m lattice in
 * ETRS89-LAEA around Lyngen (with half the lattice empty), a linear trend plus a seasonal
 * term plus noise, two decimals, a few empty values.
 */
function generate(path, gigabytes) {
  const target = gigabytes * 1e9;
  const rnd = random(42);
  const names = dateNames(nDates);
  const header = ['pid', 'mp_type', 'latitude', 'longitude', 'easting', 'northing', 'height_ortho', 'height_ellipse', 'line', 'pixel', 'rmse_ts', 'temporal_coherence',
    'amplitude_dispersion', 'incidence_angle', 'track_angle', 'los_east', 'los_north', 'los_up', 'mean_velocity', 'mean_velocity_std', 'acceleration',
    'acceleration_std', 'seasonality', 'seasonality_std', 'gnss_velocity', ...names].join(',');
  const tmp = `${path}.part`;
  const fd = openSync(tmp, 'w');
  let written = 0, chunk = `${header}\n`, i = 0;
  // A square patch: about two lattice cells per point (half are empty), ~1.72 kB a row at 250 dates.
  const x0 = 4_700_000, y0 = 5_160_000, step = 40, columns = Math.round(Math.sqrt((2 * target) / (170 + 6.2 * nDates)));
  for (let cell = 0; written + chunk.length < target; cell++) {
    if (rnd() < 0.5) continue;
    const e = x0 + (cell % columns) * step + rnd() * step, n = y0 - Math.floor(cell / columns) * step - rnd() * step;
    const rate = (rnd() - 0.7) * 30, amp = rnd() * 4, offset = rnd() * 40 - 20;
    let row = `"1A${(i++).toString(36)}",PS,69.${Math.floor(rnd() * 1e6)},20.${Math.floor(rnd() * 1e6)},${e.toFixed(1)},${n.toFixed(1)},${(rnd() * 900).toFixed(1)},${(rnd() * 900 + 30).toFixed(1)},${i % 9000},${i % 24000},${(rnd() * 2).toFixed(2)},${rnd().toFixed(2)},${(rnd() * 0.4).toFixed(2)},39.1,-10.2,-0.62,-0.11,0.77,${rate.toFixed(2)},0.4,0.01,0.02,1.1,0.3,`;
    for (let d = 0; d < nDates; d++) {
      const v = offset + (rate * d * 6) / 365.25 + amp * Math.sin((2 * Math.PI * d * 6) / 365.25) + (rnd() - 0.5) * 3;
      row += rnd() < 0.005 ? ',' : `,${v.toFixed(2)}`;
    }
    chunk += `${row}\n`;
    if (chunk.length > 1 << 22) {
      writeSync(fd, chunk);
      written += chunk.length;
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
  renameSync(tmp, path);
}

/** Wall time, CPU seconds and peak RSS of a command, from /usr/bin/time -v. */
function measure(cmd, args) {
  const r = spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const get = (re) => Number((re.exec(r.stderr) ?? [])[1]);
  const [h, m, s] = ((/Elapsed \(wall clock\) time.*: ([\d:.]+)/.exec(r.stderr) ?? [])[1] ?? '0').split(':').reverse().map(Number).concat([0, 0]).slice(0, 3).reverse();
  const wall = (h || 0) * 3600 + (m || 0) * 60 + (s || 0);
  if (r.status !== 0) {
    console.error(`bench: ${cmd} ${args.join(' ')} failed:\n${r.stderr.slice(-2000)}`);
    process.exit(1);
  }
  return { wall: Number(wall.toFixed(2)), cpu: Number((get(/User time \(seconds\): ([\d.]+)/) + get(/System time \(seconds\): ([\d.]+)/)).toFixed(2)), peakRssMb: Math.round(get(/Maximum resident set size \(kbytes\): (\d+)/) / 1024), stdout: r.stdout };
}

const rows = [];
for (const gb of sizes) {
  const csv = join(root, 'points', `EGMS_L2b_022_0845_IW2_VV_2019_2023_${gb}GB_${nDates}d.csv`);
  if (!existsSync(csv)) {
    console.error(`generating ${csv} ...`);
    generate(csv, gb);
  }
  const bytes = statSync(csv).size;
  const out = join(root, 'points', `grid-${gb}`);
  rmSync(out, { recursive: true, force: true });
  const ours = measure('node', ['bin/smoothcluster.js', 'grid', csv, '--out', out, '--json', ...values.extra.split(' ').filter(Boolean)]);
  const result = JSON.parse(ours.stdout);
  const row = { csvGB: Number((bytes / 1e9).toFixed(2)), points: result.points, dates: result.dates, grid: `${result.grid.width} x ${result.grid.height} @ ${result.grid.cellSize} m`, ours };
  if (!values['no-gdal']) {
    // GDAL's CSV driver (C, typed fields) reading every row: OGR SQL forces each feature; one date averaged.
    const layer = csv.split('/').pop().replace(/\.csv$/, '');
    row.gdal = measure('ogrinfo', ['-ro', '-q', '-oo', 'HEADERS=YES', '-oo', 'AUTODETECT_TYPE=YES', csv, '-sql', `SELECT AVG("${dateNames(nDates)[nDates - 1]}") FROM "${layer}"`]);
    delete row.gdal.stdout;
  }
  delete row.ours.stdout;
  rows.push(row);
  console.error(JSON.stringify(row));
}
writeFileSync(join(root, 'results', `points-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ cpus: cpus().length, nDates, rows }, null, 2));
console.log(`| CSV | points | dates | grid | wall s | CPU s | peak RSS MB |${values['no-gdal'] ? '' : ' GDAL CSV driver: wall s | CPU s | peak RSS MB |'}`);
console.log(`|---|---|---|---|---|---|---|${values['no-gdal'] ? '' : '---|---|---|'}`);
for (const r of rows) {
  console.log(`| ${r.csvGB} GB | ${r.points} | ${r.dates} | ${r.grid} | ${r.ours.wall} | ${r.ours.cpu} | ${r.ours.peakRssMb} |${r.gdal ? ` ${r.gdal.wall} | ${r.gdal.cpu} | ${r.gdal.peakRssMb} |` : ''}`);
}
