#!/usr/bin/env node
// npm run bench: speed, memory and quality of `smoothcluster run` against one bare GDAL
// read pass of the same file (the I/O floor) and against the same method written in
// Python (GDAL + numpy + scipy + scikit-learn: scripts/bench/python_pipeline.py).
//
//   npm run bench                          # the target scene: 2048 x 2048 x 128 (+ 4 static layers)
//   npm run bench -- --scaling             # 1024², 2048², 4096², 8192² x 64 dates: ours and the floor
//   npm run bench -- --sizes 1024 --dates 128 --threads 2 --repeat 1 --no-python
//   npm run bench -- --seeds 0,1,2         # quality over several seeds (times are the first seed's)
//
// Scenes come from `smoothcluster synth --preset lyngen` and are cached in bench-cache/scenes/
// (an 8192² x 64 scene is ~13 GB, and its run needs ~38 GB of TMPDIR for the window cache). Prints Markdown tables for BENCHMARKS.md; the raw numbers
// go to bench-cache/results/*.json. Needs a build (npm run build) and, for the Python
// pipeline, Debian's python3-gdal, python3-numpy, python3-scipy and python3-sklearn.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string' },
    dates: { type: 'string' },
    scaling: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(cpus().length) },
    'no-python': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '0' },
    extra: { type: 'string', default: '' },
  },
});
const sizes = (values.sizes ?? (values.scaling ? '1024,2048,4096,8192' : '2048')).split(',').map(Number);
const nDates = Number(values.dates ?? (values.scaling ? 64 : 128));
const threads = Number(values.threads);
const repeat = Number(values.repeat);
const seeds = values.seeds.split(',').map(Number);
const root = 'bench-cache';
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
const PY = '/usr/bin/python3';
let python = !values['no-python'];
if (python) {
  const probe = spawnSync(PY, ['-c', 'import numpy, scipy, sklearn; from osgeo import gdal'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error(
      `bench: the Python pipeline needs Debian's Python with GDAL, numpy, scipy and scikit-learn (${PY}: ${probe.stderr.trim().split('\n').pop()}).\n` +
        '  Install them with: apt-get install python3-gdal python3-numpy python3-scipy python3-sklearn\n  (or pass --no-python).',
    );
    process.exit(2);
  }
}

/** Runs a command under /usr/bin/time -v: wall seconds, peak RSS (MB), stdout. */
function timed(cmd, args, env = {}) {
  const r = spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const seconds = (Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]));
  return { seconds, rssMB: Number(rss[1]) / 1024, stdout: r.stdout, stderr: r.stderr };
}

function scene(size) {
  const dir = join(root, 'scenes', `lyngen-${size}x${size}x${nDates}`);
  if (!existsSync(join(dir, 'truth.tif'))) {
    console.error(`bench: generating ${dir} (once; cached)`);
    const t = timed('node', ['bin/smoothcluster.js', 'synth', '--preset', 'lyngen', dir, '--width', size, '--height', size, '--dates', nDates, '--quiet', '--overwrite'].map(String));
    console.error(`  ${t.seconds.toFixed(0)} s, peak ${t.rssMB.toFixed(0)} MB`);
  }
  return { dir, displacement: join(dir, 'displacement.tif'), static: join(dir, 'static.tif'), truth: join(dir, 'truth.tif') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const size of sizes) {
  const s = scene(size);
  const out = join(root, 'results', `lyngen-${size}x${nDates}`);
  mkdirSync(out, { recursive: true });
  const row = { size, dates: nDates, pixels: size * size, threads };

  // The I/O floor: every band of every 256 x 256 tile, once, through gdal-async (one handle; and two).
  const floor1 = [], floor2 = [];
  for (let i = 0; i < repeat; i++) {
    floor1.push(JSON.parse(execFileSync('node', ['scripts/bench/readFloor.mjs', s.displacement, '--handles', '1'], { encoding: 'utf8' })).seconds);
    floor2.push(JSON.parse(execFileSync('node', ['scripts/bench/readFloor.mjs', s.displacement, '--handles', '2'], { encoding: 'utf8' })).seconds);
  }
  row.floorSeconds = median(floor1);
  row.floor2Seconds = median(floor2);

  // Ours, and the Python pipeline (only where the scene fits in memory: it holds the stack, the
  // features and their copies), for each seed; times and memory are the first seed's.
  const pythonFits = size * size * nDates * 4 * 6 < totalmem() * 0.8;
  row.seeds = [];
  for (const [si, seed] of seeds.entries()) {
    const q = { seed };
    const ours = [];
    for (let i = 0; i < (si === 0 ? repeat : 1); i++) {
      ours.push(timed('node', ['bin/smoothcluster.js', 'run', s.displacement, '--static', s.static, '--out', join(out, 'ours.tif'), '--overwrite', '--quiet', '--threads', String(threads), '--seed', String(seed), '--json', ...values.extra.split(' ').filter(Boolean)]));
    }
    const mid = ours.find((o) => o.seconds === median(ours.map((x) => x.seconds)));
    const sidecar = JSON.parse(readFileSync(join(out, 'ours.stats.json'), 'utf8'));
    if (si === 0) {
      row.oursSeconds = mid.seconds;
      row.oursRssMB = Math.max(...ours.map((o) => o.rssMB));
      row.oursPasses = sidecar.timingsSeconds;
    }
    q.oursTestInertiaOwn = sidecar.quality.testInertia;
    const cmp = JSON.parse(execFileSync('node', ['scripts/bench/compareLabels.mjs', join(out, 'ours.tif'), join(out, 'ours.tif'), s.truth], { encoding: 'utf8' }));
    q.oursAri = cmp.ariA;
    if (python && pythonFits) {
      const py = timed(PY, ['scripts/bench/python_pipeline.py', s.displacement, '--static', s.static, '--out', join(out, 'python.tif'), '--ours', join(out, 'ours.stats.json'), '--seed', String(seed)]);
      const res = JSON.parse(py.stdout.trim().split('\n').pop());
      if (si === 0) {
        row.pythonSeconds = py.seconds;
        row.pythonRssMB = py.rssMB;
        row.pythonStages = res.timings;
      }
      q.pythonTestInertia = res.testInertia;
      q.oursTestInertia = res.oursTestInertiaOnTheseRows;
      const pc = JSON.parse(execFileSync('node', ['scripts/bench/compareLabels.mjs', join(out, 'python.tif'), join(out, 'ours.tif'), s.truth], { encoding: 'utf8' }));
      q.pythonAri = pc.ariA;
    }
    row.seeds.push(q);
  }
  const mean = (key) => (row.seeds.every((q) => q[key] !== undefined) ? row.seeds.reduce((a, q) => a + q[key], 0) / row.seeds.length : undefined);
  for (const key of ['oursTestInertia', 'pythonTestInertia', 'oursTestInertiaOwn', 'oursAri', 'pythonAri']) row[key] = mean(key);
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(row, null, 2)}\n`);
  rows.push(row);
  console.error(JSON.stringify(row));
}

const f = (v, d = 1) => (v === undefined ? '–' : v.toFixed(d));
const gb = (mb) => (mb === undefined ? '–' : (mb / 1024).toFixed(2));
console.log(`\nMachine: ${cpus().length} x ${cpus()[0].model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}; --threads ${threads}`);
console.log(`Scenes: smoothcluster synth --preset lyngen, ${nDates} dates, + 4 static layers; run with defaults; quality is the mean over seeds ${seeds.join(', ')}.\n`);
console.log('| scene | ours | ours peak RSS | read floor (1 handle / 2) | ours / floor | Python | Python peak RSS | Python / ours | RSS ours / Python | test inertia ours / Python | ARI ours / Python |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.size}² x ${r.dates} | ${f(r.oursSeconds)} s | ${gb(r.oursRssMB)} GB | ${f(r.floorSeconds)} s / ${f(r.floor2Seconds)} s | ${f(r.oursSeconds / r.floorSeconds, 2)} | ` +
      `${f(r.pythonSeconds)} s | ${gb(r.pythonRssMB)} GB | ${r.pythonSeconds ? f(r.pythonSeconds / r.oursSeconds, 2) : '–'} | ${r.pythonRssMB ? f(r.oursRssMB / r.pythonRssMB, 3) : '–'} | ` +
      `${r.pythonTestInertia ? `${f(r.oursTestInertia, 4)} / ${f(r.pythonTestInertia, 4)}` : f(r.oursTestInertiaOwn, 4)} | ${f(r.oursAri, 3)}${r.pythonAri !== undefined ? ` / ${f(r.pythonAri, 3)}` : ''} |`,
  );
}

if (rows.some((r) => r.seeds.length > 1 || r.pythonTestInertia !== undefined)) {
  console.log('\n| scene | seed | test inertia ours | test inertia Python | ARI ours | ARI Python |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    for (const q of r.seeds) console.log(`| ${r.size}² x ${r.dates} | ${q.seed} | ${f(q.oursTestInertia ?? q.oursTestInertiaOwn, 5)} | ${f(q.pythonTestInertia, 5)} | ${f(q.oursAri, 3)} | ${f(q.pythonAri, 3)} |`);
  }
  console.log('\nTest inertia: mean squared distance of the Python pipeline\'s 25,600 held-out pixels to the nearest centre, in its scaled units, for its centres and for ours (from our sidecar), so both are measured on the same rows and units. ARI: adjusted Rand index of the labels against the generator\'s truth.');
}
