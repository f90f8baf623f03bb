import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpuLimitOf, defaultThreads } from '../src/pipeline/engine/workerPool.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';
import { BIN, ensureBuilt, ROOT } from './reliability/helpers.js';

// What a new user hits with the stage commands, info and the install (issue 14, points 7-12),
// each through the CLI as it is typed (in-process) on a scene built here.

const TILE = ['--tile-size', 32, '--threads', 1, '--quiet'];
let dir: string, scene: string, statics: string;

async function ok(...args: (string | number)[]): Promise<string> {
  const r = await runCli(...args);
  expect(r.code, `smoothcluster ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  dir = tempDir('sc-edges-');
  ({ files: { displacement: scene, static: statics } } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: 90, height: 70, nDates: 12, seed: 4 }, false, silentReporter));
  mkdirSync(join(dir, 'samples'));
  mkdirSync(join(dir, 'parts'));
  for (const i of [0, 1]) await ok('sample', scene, '--static', statics, '--shard', `${i}/2`, '--out', join(dir, 'samples', `S_${i}.sample`), ...TILE);
  await ok('fit', '--samples', join(dir, 'samples'), '--model-out', join(dir, 'model.json'), '--quiet');
  for (const i of [0, 1]) await ok('predict', scene, '--static', statics, '--model', join(dir, 'model.json'), '--shard', `${i}/2`, '--out', join(dir, 'parts', `P_${i}.tif`), ...TILE);
}, 120_000);

describe('fit --samples', () => {
  it('takes any file that is a sample part as one, whatever its name, and names a path that is neither part nor folder', async () => {
    const renamed = join(dir, 'shard-zero.bin');
    copyFileSync(join(dir, 'samples', 'S_0.sample'), renamed);
    await ok('fit', '--samples', renamed, join(dir, 'samples', 'S_1.sample'), '--model-out', join(dir, 'renamed.json'), '--quiet');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a sample\n');
    const bad = await runCli('fit', '--samples', text, '--model-out', join(dir, 'never.json'));
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stderr).toContain(`'${text}' is neither a sample part`);
    expect(bad.stderr).not.toMatch(/internal error/);
  });

  it('refuses the settings the parts fix (seed, sample size, graph, smoothing), saying where they come from', async () => {
    for (const flags of [['--seed', 3], ['--sample-size', 500, '--hops', 1], ['--test-fraction', 0.3]]) {
      const r = await runCli('fit', '--samples', join(dir, 'samples'), '--model-out', join(dir, 'never.json'), ...flags);
      expect(r.code, r.stderr).toBe(2);
      for (const f of flags.filter((x) => typeof x === 'string')) expect(r.stderr).toContain(String(f));
      expect(r.stderr).toMatch(/from the sample parts/);
    }
    // The fit's own settings still apply.
    await ok('fit', '--samples', join(dir, 'samples'), '--model-out', join(dir, 'k3.json'), '--k', 3, '--restarts', 2, '--quiet');
  });
});

describe('merge', () => {
  it('takes the two files of each part, as a shell expands parts/P_*', async () => {
    const expanded = readdirSync(join(dir, 'parts')).sort().map((f) => join(dir, 'parts', f));
    expect(expanded.some((f) => f.endsWith('.tif.part.json'))).toBe(true);
    await ok('merge', ...expanded, '--out', join(dir, 'merged.tif'), '--quiet');
    await ok('merge', join(dir, 'parts'), '--out', join(dir, 'merged-folder.tif'), '--quiet');
    expect(Buffer.from(readBand(join(dir, 'merged.tif')).data).equals(Buffer.from(readBand(join(dir, 'merged-folder.tif')).data))).toBe(true);
  });

  it('refuses a --tile-size other than the parts\', instead of dropping it', async () => {
    const r = await runCli('merge', join(dir, 'parts'), '--out', join(dir, 'never.tif'), '--tile-size', 64);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/--tile-size 64: the parts were cut into tiles of 32/);
    await ok('merge', join(dir, 'parts'), '--out', join(dir, 'merged-32.tif'), '--tile-size', 32, '--quiet');
  });
});

describe('info', () => {
  it('estimates the valid pixels under the --max-missing given', async () => {
    // A scene whose pixels miss 0, 1, 2 ... of their 10 dates: the share that counts depends on the rule.
    const gdal = (await import('gdal-async')).default;
    const path = join(dir, 'gappy.tif');
    const ds = gdal.open(path, 'w', 'GTiff', 20, 10, 10, gdal.GDT_Float32);
    ds.geoTransform = [500000, 10, 0, 7700000, 0, -10];
    ds.srs = gdal.SpatialReference.fromEPSG(25833);
    for (let b = 1; b <= 10; b++) {
      const v = new Float32Array(200).map((_x, p) => (b <= p % 10 ? NaN : b));
      ds.bands.get(b).pixels.write(0, 0, 20, 10, v);
    }
    ds.close();
    const share = async (...flags: (string | number)[]) => JSON.parse(await ok('info', path, '--json', ...flags)).validShare;
    expect((await share()).estimate).toBeCloseTo(0.3, 6); // default 0.2: 0, 1 or 2 of 10 missing
    const loose = await share('--max-missing', 0.5);
    expect(loose.maxMissing).toBe(0.5);
    expect(loose.estimate).toBeCloseTo(0.6, 6);
    expect((await runCli('info', path, '--max-missing', 2)).code).toBe(2);
  });
});

describe('the working copy', () => {
  it('ignores what the README and setup write to out/', () => {
    const ignored = execFileSync('git', ['check-ignore', '--no-index', 'out/lyngen.tif', 'out/lyngen.report.html'], { cwd: ROOT, encoding: 'utf8' });
    expect(ignored.trim().split('\n')).toEqual(['out/lyngen.tif', 'out/lyngen.report.html']);
  });
});

describe('--threads by default', () => {
  it('reads the container CPU limit from cgroup cpu.max', () => {
    expect(cpuLimitOf('max 100000\n')).toBeNull();
    expect(cpuLimitOf('200000 100000\n')).toBe(2);
    expect(cpuLimitOf('150000 100000')).toBe(1); // 1.5 CPUs: one thread, not two fighting for them
    expect(cpuLimitOf('50000 100000')).toBe(1);
    expect(cpuLimitOf('800000 100000')).toBe(8);
    expect(cpuLimitOf('')).toBeNull();
    expect(cpuLimitOf('garbage')).toBeNull();
  });

  it('is every core without a limit, and the limit when it is lower', () => {
    const file = join(dir, 'cpu.max');
    writeFileSync(file, '100000 100000\n');
    expect(defaultThreads(file)).toBe(1);
    writeFileSync(file, 'max 100000\n');
    expect(defaultThreads(file)).toBe(availableParallelism());
    expect(defaultThreads(join(dir, 'no-such-file'))).toBe(availableParallelism());
  });
});

describe('a window cache that runs out of room part way', () => {
  it('is reported, and the run finishes with the same labels', async () => {
    ensureBuilt();
    const out = join(dir, 'limited');
    mkdirSync(out);
    const args = ['run', scene, '--static', statics, '--out', join(out, 'run.tif'), '--tile-size', '32', '--threads', '1', '--restarts', '1', '--window-cache'];
    await ok(...args.map((a) => a.replace(join(out, 'run.tif'), join(dir, 'unlimited.tif'))));
    // 1 MiB per file: the cache of decoded tiles (several MB) stops part way; every output fits.
    const child = spawn('bash', ['-c', 'ulimit -f 1024 && exec "$@"', 'bash', process.execPath, BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/the cache of decoded tiles in the temporary directory stopped after \d+ tiles \(EFBIG/);
    expect(Buffer.from(readBand(join(out, 'run.tif')).data).equals(Buffer.from(readBand(join(dir, 'unlimited.tif')).data))).toBe(true);
  }, 120_000);
});
