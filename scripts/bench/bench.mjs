#!/usr/bin/env node
// npm run bench: speed, memory and quality of `smoothcluster run` against one bare GDAL
// read pass of the same file (the I/O floor) and against the same method written in
// Python (GDAL + numpy + scikit-learn: scripts/bench/python_pipeline.py). `--help` says how.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const HELP = `npm run bench -- [options]

  npm run bench                          # the classic scene: lyngen 2048 x 2048 x 128 (+ 4 static layers)
  npm run bench -- --scaling             # 1024², 2048², 4096², 8192² x 64 dates: ours and the floor
  npm run bench -- --variants            # issue 13: coverage, valid share, encoding and interleaving
                                         #   variants, each against its own read floor, each run with a
                                         #   roomy TMPDIR and --window-cache, and by default with TMPDIR on a 512 MB tmpfs
  npm run bench -- --variants fragmented-0.65,blobby-0.4 --tmp small --no-python

Options:
  --sizes N,N        raster sides (default 2048; with --scaling 1024,2048,4096,8192)
  --dates N          dates per scene (default 128; with --scaling 64)
  --threads N        --threads of our run (default: the number of CPUs)
  --repeat N         runs of ours and of the floor per scene; the median is reported (default 1)
  --seeds S,S        seeds for quality; times are the first seed's (default 0)
  --extra 'ARGS'     more options for \`smoothcluster run\`
  --no-python        skip the Python pipeline
  --variants [LIST]  the scene variants (default all of them): VARIANT_NAMES
  --tmp LIST         roomy (TMPDIR as it is, run with --window-cache) and/or small (TMPDIR on a
                     512 MB tmpfs, the default run); default roomy, and roomy,small with --variants
  --small-tmp-dir D  a small TMPDIR you mounted yourself (e.g. as root:
                       mkdir -p /mnt/small && mount -t tmpfs -o size=512m tmpfs /mnt/small);
                     without it, 'small' needs the bench to run as root: it then mounts a 512 MB
                     tmpfs at bench-cache/small-tmp for the run and unmounts it afterwards
  --python-on LIST   variants that also run the Python pipeline (default: the base variant
                     fragmented-0.65; 'all' for every one)

Scenes come from \`smoothcluster synth --preset lyngen\` (variants add --coverage and
--valid-share) and are cached in bench-cache/scenes/; encodings and interleavings are made from
the synth output with gdal_translate. Prints Markdown tables for BENCHMARKS.md; the raw numbers
go to bench-cache/results/*.json. Needs a build (npm run build), /usr/bin/time, gdal_translate
and, for the Python pipeline, Debian's python3-gdal, python3-numpy and python3-sklearn.`;

/**
 * The scene variants of issue 13. The base is the scene of the issue (fragmented coverage,
 * 65 % valid, DEFLATE with the floating-point predictor, 256² blocks, band-interleaved);
 * every other variant changes one thing.
 */
const ENCODINGS = {
  'deflate-pred3': { label: 'DEFLATE + predictor 3', co: ['COMPRESS=DEFLATE', 'PREDICTOR=3'] },
  deflate: { label: 'DEFLATE, no predictor', co: ['COMPRESS=DEFLATE'] },
  'zstd-pred3': { label: 'ZSTD + predictor 3', co: ['COMPRESS=ZSTD', 'PREDICTOR=3'] },
};
const base = { coverage: 'fragmented', validShare: 0.65, encoding: 'deflate-pred3', interleave: 'band' };
const VARIANTS = {
  'fragmented-0.65': base,
  'fragmented-0.4': { ...base, validShare: 0.4 },
  'fragmented-0.9': { ...base, validShare: 0.9 },
  'blobby-0.4': { ...base, coverage: 'blobby', validShare: 0.4 },
  'blobby-0.9': { ...base, coverage: 'blobby', validShare: 0.9 },
  'fragmented-0.65-deflate': { ...base, encoding: 'deflate' },
  'fragmented-0.65-zstd': { ...base, encoding: 'zstd-pred3' },
  'fragmented-0.65-pixel': { ...base, interleave: 'pixel' },
  'full-1.0': { ...base, coverage: 'full', validShare: 1 },
};

const { values } = parseArgs({
  options: {
    help: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    dates: { type: 'string' },
    scaling: { type: 'boolean', default: false },
    threads: { type: 'string', default: String(cpus().length) },
    'no-python': { type: 'boolean', default: false },
    repeat: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '0' },
    extra: { type: 'string', default: '' },
    variants: { type: 'string' },
    tmp: { type: 'string' },
    'small-tmp-dir': { type: 'string' },
    'python-on': { type: 'string', default: 'fragmented-0.65' },
  },
  // --variants alone (no list) means all of them.
  args: process.argv.slice(2).flatMap((a, i, all) => (a === '--variants' && (i === all.length - 1 || all[i + 1].startsWith('--')) ? ['--variants', 'all'] : [a])),
});
if (values.help) {
  console.log(HELP.replace('VARIANT_NAMES', Object.keys(VARIANTS).join(', ')));
  process.exit(0);
}
const usage = (message) => {
  console.error(`bench: ${message} (npm run bench -- --help)`);
  process.exit(2);
};
const variantNames = values.variants === undefined ? [] : values.variants === 'all' ? Object.keys(VARIANTS) : values.variants.split(',');
for (const v of variantNames) if (!VARIANTS[v]) usage(`unknown variant '${v}'; expected some of ${Object.keys(VARIANTS).join(', ')}`);
const sizes = (values.sizes ?? (values.scaling ? '1024,2048,4096,8192' : '2048')).split(',').map(Number);
const nDates = Number(values.dates ?? (values.scaling ? 64 : 128));
const threads = Number(values.threads);
const repeat = Number(values.repeat);
const seeds = values.seeds.split(',').map(Number);
const tmpModes = (values.tmp ?? (variantNames.length ? 'roomy,small' : 'roomy')).split(',');
for (const t of tmpModes) if (t !== 'roomy' && t !== 'small') usage(`--tmp takes roomy and/or small, got '${t}'`);
const pythonOn = values['python-on'] === 'all' ? new Set(variantNames) : new Set(values['python-on'].split(','));
const root = 'bench-cache';
mkdirSync(join(root, 'results'), { recursive: true });

if (!existsSync('dist/cli/main.js')) usage('no build; run `npm run build` first');
const TIME = '/usr/bin/time';
if (!existsSync(TIME)) usage('/usr/bin/time is missing (peak memory is read from it); install it: apt-get install time');
const PY = '/usr/bin/python3';
let python = !values['no-python'];
if (python) {
  const probe = spawnSync(PY, ['-c', 'import numpy, sklearn; from osgeo import gdal'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    usage(
      `the Python pipeline needs Debian's Python with GDAL, numpy and scikit-learn (${PY}: ${probe.stderr.trim().split('\n').pop()}).\n` +
        '  Install them with: apt-get install python3-gdal python3-numpy python3-sklearn\n  (or pass --no-python)',
    );
  }
}

/** TMPDIR per mode; a 512 MB tmpfs is mounted for 'small' when we are root and none was given. */
const tmpDirs = { roomy: process.env.TMPDIR ?? '/tmp' };
let mounted = null;
if (tmpModes.includes('small')) {
  if (values['small-tmp-dir']) tmpDirs.small = resolve(values['small-tmp-dir']);
  else if (process.getuid?.() === 0) {
    mounted = resolve(root, 'small-tmp');
    mkdirSync(mounted, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512m', 'tmpfs', mounted]);
    tmpDirs.small = mounted;
    const unmount = () => {
      if (mounted) spawnSync('umount', [mounted]);
      mounted = null;
    };
    process.on('exit', unmount);
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));
  } else usage("--tmp small needs root (to mount a 512 MB tmpfs) or --small-tmp-dir DIR (a small TMPDIR you mounted)");
}

/** Runs a command under /usr/bin/time -v: wall seconds, peak RSS (MB), stdout. */
function timed(cmd, args, env = {}) {
  const r = spawnSync(TIME, ['-v', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stderr.slice(-3000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const seconds = Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]);
  return { seconds, rssMB: Number(rss[1]) / 1024, stdout: r.stdout, stderr: r.stderr };
}

/** The synth scene of a coverage (cached), and the displacement file in an encoding and interleaving (made once from it). */
function scene(size, v = null) {
  const tag = v ? `${v.coverage}-${v.validShare}-` : 'lyngen-';
  const dir = join(root, 'scenes', `${tag}${size}x${size}x${nDates}`);
  if (!existsSync(join(dir, 'truth.tif'))) {
    console.error(`bench: generating ${dir} (once; cached)`);
    const coverage = !v ? [] : v.coverage === 'full' ? ['--coverage', 'full'] : ['--coverage', v.coverage, '--valid-share', v.validShare];
    const t = timed('node', ['bin/smoothcluster.js', 'synth', '--preset', 'lyngen', dir, '--width', size, '--height', size, '--dates', nDates, ...coverage, '--quiet', '--overwrite'].map(String));
    console.error(`  ${t.seconds.toFixed(0)} s, peak ${t.rssMB.toFixed(0)} MB`);
  }
  let displacement = join(dir, 'displacement.tif');
  if (v && (v.encoding !== 'deflate-pred3' || v.interleave !== 'band')) {
    // synth writes DEFLATE + predictor 3, band-interleaved, 256² blocks; the others are translated from it.
    const other = join(dir, `displacement-${v.encoding}-${v.interleave}.tif`);
    if (!existsSync(other)) {
      console.error(`bench: writing ${other} (once; cached)`);
      const co = [...ENCODINGS[v.encoding].co, `INTERLEAVE=${v.interleave.toUpperCase()}`, 'TILED=YES', 'BLOCKXSIZE=256', 'BLOCKYSIZE=256', 'BIGTIFF=IF_SAFER', 'NUM_THREADS=ALL_CPUS'];
      execFileSync('gdal_translate', ['-q', ...co.flatMap((c) => ['-co', c]), displacement, `${other}.part.tif`]);
      execFileSync('mv', [`${other}.part.tif`, other]);
    }
    displacement = other;
  }
  return { dir, displacement, static: join(dir, 'static.tif'), truth: join(dir, 'truth.tif') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const floorOf = (file, handles) => JSON.parse(execFileSync('node', ['scripts/bench/readFloor.mjs', file, '--handles', String(handles)], { encoding: 'utf8' })).seconds;
/** The same pass through our byte view of a floating-point-predictor GeoTIFF (what the pipeline reads with), or null for other files. */
function byteViewFloorOf(file) {
  try {
    return JSON.parse(execFileSync('node', ['scripts/bench/readFloor.mjs', file, '--byte-view'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })).seconds;
  } catch {
    return null;
  }
}

/** Reads a file once so that it is in the page cache (what a floor or a run reads next comes from memory, not the disk). */
function warmPageCache(file) {
  const fd = openSync(file, 'r');
  const chunk = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, chunk, 0, chunk.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

/** One scene: its read floor, ours per TMPDIR mode and seed, and (when asked) the Python pipeline. */
function benchScene(size, name, v, withPython) {
  const s = scene(size, v);
  const out = join(root, 'results', `${name}-${size}x${nDates}`);
  mkdirSync(out, { recursive: true });
  const row = { name, size, dates: nDates, pixels: size * size, threads, variant: v, file: s.displacement, fileMB: statSync(s.displacement).size / 2 ** 20 };
  // The I/O floor of this very file: every band of every 256 x 256 tile, once, through gdal-async (one handle; and two).
  // From the page cache, as our runs read it (a first read from the disk would be slower and flatter us).
  warmPageCache(s.displacement);
  row.floorSeconds = median(Array.from({ length: repeat }, () => floorOf(s.displacement, 1)));
  row.floor2Seconds = median(Array.from({ length: repeat }, () => floorOf(s.displacement, 2)));
  const viewFloors = Array.from({ length: repeat }, () => byteViewFloorOf(s.displacement));
  row.byteViewFloorSeconds = viewFloors[0] === null ? null : median(viewFloors);
  row.tmp = {};
  for (const mode of tmpModes) {
    const t = { seeds: [] };
    for (const [si, seed] of seeds.entries()) {
      const q = { seed };
      const ours = [];
      for (let i = 0; i < (si === 0 ? repeat : 1); i++) {
        const args = ['bin/smoothcluster.js', 'run', s.displacement, '--static', s.static, '--out', join(out, 'ours.tif'), '--overwrite', '--quiet', '--threads', String(threads), '--seed', String(seed), '--json', ...values.extra.split(' ').filter(Boolean)];
        // The window cache is opt-in: 'roomy' measures it (--window-cache), 'small' the default without scratch space.
        if (mode === 'roomy') args.push('--window-cache');
        ours.push(timed('node', args, { TMPDIR: tmpDirs[mode] }));
      }
      const mid = ours.find((o) => o.seconds === median(ours.map((x) => x.seconds)));
      const sidecar = JSON.parse(readFileSync(join(out, 'ours.stats.json'), 'utf8'));
      if (si === 0) Object.assign(t, { seconds: mid.seconds, rssMB: Math.max(...ours.map((o) => o.rssMB)), passes: sidecar.timingsSeconds });
      q.testInertiaOwn = sidecar.quality.testInertia;
      q.ari = JSON.parse(execFileSync('node', ['scripts/bench/compareLabels.mjs', join(out, 'ours.tif'), join(out, 'ours.tif'), s.truth], { encoding: 'utf8' })).ariA;
      t.seeds.push(q);
    }
    row.tmp[mode] = t;
  }
  // The Python pipeline only where the scene fits in memory: it holds the stack, the features and their copies.
  const pythonFits = size * size * nDates * 4 * 6 < totalmem() * 0.8;
  if (withPython && pythonFits) {
    row.python = { seeds: [] };
    const ours = join(out, 'ours.stats.json');
    for (const [si, seed] of seeds.entries()) {
      // Scored against our run of this seed (the last one written is the last mode's).
      if (seeds.length > 1) {
        timed('node', ['bin/smoothcluster.js', 'run', s.displacement, '--static', s.static, '--out', join(out, 'ours.tif'), '--overwrite', '--quiet', '--threads', String(threads), '--seed', String(seed), ...values.extra.split(' ').filter(Boolean)]);
      }
      const py = timed(PY, ['scripts/bench/python_pipeline.py', s.displacement, '--static', s.static, '--out', join(out, 'python.tif'), '--ours', ours, '--seed', String(seed)]);
      const res = JSON.parse(py.stdout.trim().split('\n').pop());
      if (si === 0) Object.assign(row.python, { seconds: py.seconds, rssMB: py.rssMB, stages: res.timings });
      const pc = JSON.parse(execFileSync('node', ['scripts/bench/compareLabels.mjs', join(out, 'python.tif'), join(out, 'ours.tif'), s.truth], { encoding: 'utf8' }));
      row.python.seeds.push({ seed, testInertia: res.testInertia ?? undefined, oursTestInertia: res.oursTestInertiaOnTheseRows ?? undefined, ari: pc.ariA });
    }
  }
  writeFileSync(join(out, 'bench.json'), `${JSON.stringify(row, null, 2)}\n`);
  console.error(JSON.stringify(row));
  return row;
}

const rows = [];
for (const size of sizes) {
  if (variantNames.length === 0) rows.push(benchScene(size, 'lyngen', null, python));
  for (const name of variantNames) rows.push(benchScene(size, name, VARIANTS[name], python && pythonOn.has(name)));
}
if (mounted) {
  spawnSync('umount', [mounted]);
  rmSync(mounted, { recursive: true, force: true });
  mounted = null;
}

const f = (x, d = 1) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(d));
const gb = (mb) => (mb === undefined ? '–' : (mb / 1024).toFixed(2));
const meanOf = (qs, key) => (qs && qs.length && qs.every((q) => q[key] !== undefined) ? qs.reduce((a, q) => a + q[key], 0) / qs.length : undefined);
console.log(`\nMachine: ${cpus().length} x ${cpus()[0].model.trim()}, ${(totalmem() / 2 ** 30).toFixed(0)} GB; node ${process.version}; --threads ${threads}`);
console.log(`Scenes: smoothcluster synth --preset lyngen, ${nDates} dates, + 4 static layers; run with defaults; quality is the mean over seeds ${seeds.join(', ')}. TMPDIR: roomy = ${tmpDirs.roomy} (with --window-cache)${tmpDirs.small ? `, small = a 512 MB tmpfs` : ''}.\n`);
const modeHeads = tmpModes.map((m) => `ours, ${m} TMPDIR | / floor | peak RSS`).join(' | ');
console.log(`| scene | coverage | encoding, interleave | file | read floor (1 handle / 2 / our byte view) | ${modeHeads} | Python | Python / ours | ARI ours / Python | test inertia ours / Python |`);
console.log(`| --- | --- | --- | --- | --- | ${tmpModes.map(() => '--- | --- | ---').join(' | ')} | --- | --- | --- | --- |`);
for (const r of rows) {
  const v = r.variant;
  const coverage = v ? `${v.coverage}, ${Math.round(v.validShare * 100)} % valid` : 'lyngen preset';
  const encoding = v ? `${ENCODINGS[v.encoding].label}, ${v.interleave}` : 'DEFLATE + predictor 3, band';
  const modes = tmpModes.map((m) => `${f(r.tmp[m].seconds)} s | ${f(r.tmp[m].seconds / r.floorSeconds, 2)} | ${gb(r.tmp[m].rssMB)} GB`).join(' | ');
  const first = r.tmp[tmpModes[0]];
  const py = r.python;
  const ariOurs = meanOf(first.seeds, 'ari');
  const inertia = py ? `${f(meanOf(py.seeds, 'oursTestInertia'), 4)} / ${f(meanOf(py.seeds, 'testInertia'), 4)}` : f(meanOf(first.seeds, 'testInertiaOwn'), 4);
  console.log(
    `| ${r.name} ${r.size}² x ${r.dates} | ${coverage} | ${encoding} | ${r.fileMB >= 1024 ? `${f(r.fileMB / 1024, 2)} GB` : `${f(r.fileMB, 0)} MB`} | ${f(r.floorSeconds)} s / ${f(r.floor2Seconds)} s / ${r.byteViewFloorSeconds == null ? '–' : `${f(r.byteViewFloorSeconds)} s`} | ${modes} | ` +
      `${py ? `${f(py.seconds)} s` : '–'} | ${py ? f(py.seconds / first.seconds, 2) : '–'} | ${f(ariOurs, 3)}${py ? ` / ${f(meanOf(py.seeds, 'ari'), 3)}` : ''} | ${inertia} |`,
  );
}
const worst = rows.reduce((w, r) => Math.max(w, ...tmpModes.map((m) => r.tmp[m].seconds / r.floorSeconds)), 0);
console.log(`\nWorst ours / read floor over these scenes and TMPDIRs: ${f(worst, 2)}.`);
const worstOwn = rows.reduce((w, r) => Math.max(w, ...tmpModes.map((m) => r.tmp[m].seconds / (r.byteViewFloorSeconds ?? r.floorSeconds))), 0);
console.log(`Worst ours / our own read (the byte view where the file has the floating-point predictor, else GDAL's): ${f(worstOwn, 2)}.`);
console.log('Read floor: one bare read pass over the same file through gdal-async, tile by tile, every band as Float32; our byte view: the same pass as the pipeline reads a floating-point-predictor file (GDAL decompresses, the predictor is undone in WebAssembly). Test inertia: mean squared distance of held-out pixels to the nearest centre (with Python: the Python pipeline\'s 25,600 held-out pixels in its scaled units, for its centres and ours). ARI: adjusted Rand index of the labels against the generator\'s truth.');
