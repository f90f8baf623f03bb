import gdal from 'gdal-async';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBytes } from '../src/io/anyPath.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { startFakeS3, type FakeS3 } from './helpers/fakeS3.js';
import { readBand } from './helpers/readRaster.js';
import { tempDir } from './helpers/tinyRasters.js';
import { ensureBuilt, runBin } from './reliability/helpers.js';

// 130 x 110 pixels in 32-pixel tiles: 5 x 4 = 20 tiles with ragged edges, enough for 7 shards.
const TILE = ['--tile-size', '32', '--threads', '1', '--quiet'];
let dir: string, scene: string, statics: string;

async function ok(args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const r = await runBin(args, env ? { env: { ...process.env, ...env } } : {});
  expect(r.code, `smoothcluster ${args.join(' ')}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

/** The four stages as separate processes, as an engine would run them. */
async function shardedRun(n: number, work: string, out: string, input = scene, stat = statics, env?: NodeJS.ProcessEnv): Promise<void> {
  const shards = Array.from({ length: n }, (_v, i) => i);
  for (const i of shards) await ok(['sample', input, '--static', stat, '--shard', `${i}/${n}`, '--out', `${work}/samples/S_${i}.sample`, ...TILE], env);
  await ok(['fit', '--samples', `${work}/samples`, '--model-out', `${work}/model.json`, '--quiet'], env);
  for (const i of shards) await ok(['predict', input, '--static', stat, '--model', `${work}/model.json`, '--shard', `${i}/${n}`, '--out', `${work}/parts/P_${i}.tif`, ...TILE], env);
  await ok(['merge', `${work}/parts`, '--out', out, '--quiet'], env);
}

function localWork(name: string): string {
  const w = join(dir, name);
  mkdirSync(join(w, 'samples'), { recursive: true });
  mkdirSync(join(w, 'parts'), { recursive: true });
  return w;
}

const sidecarOf = (tif: string) => JSON.parse(readFileSync(tif.replace(/\.tif$/, '.stats.json'), 'utf8'));

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('sc-stages-');
  ({ files: { displacement: scene, static: statics } } = await writeSynthScene(join(dir, 'scene'), { preset: 'nordnes', width: 130, height: 110, nDates: 20, seed: 5 }, false, silentReporter));
  await ok(['run', scene, '--static', statics, '--out', join(dir, 'plain.tif'), ...TILE]);
}, 300_000);

describe('a sharded run (sample, fit, predict, merge as separate processes)', () => {
  for (const n of [1, 2, 3, 7]) {
    it(`with ${n} shard${n > 1 ? 's' : ''} gives the labels of a plain run bit for bit, and its statistics`, async () => {
      const out = join(dir, `merged${n}.tif`);
      await shardedRun(n, localWork(`work${n}`), out);
      expect(Buffer.from(readBand(out).data).equals(Buffer.from(readBand(join(dir, 'plain.tif')).data))).toBe(true);
      const [merged, plain] = [sidecarOf(out), sidecarOf(join(dir, 'plain.tif'))];
      expect(merged.command).toBe('merge');
      expect(merged.validPixels).toBe(plain.validPixels);
      expect(merged.quality.testInertia).toBe(plain.quality.testInertia);
      merged.clusters.forEach((c: any, i: number) => { // eslint-disable-line @typescript-eslint/no-explicit-any
        const p = plain.clusters[i];
        expect(c.count).toBe(p.count);
        expect(c.bbox).toEqual(p.bbox);
        expect(c.displacement.n).toEqual(p.displacement.n);
        c.displacement.mean.forEach((m: number, d: number) => expect(m).toBeCloseTo(p.displacement.mean[d], 6));
        c.displacement.std.forEach((s: number, d: number) => expect(s).toBeCloseTo(p.displacement.std[d], 6));
        for (const [name, v] of Object.entries(c.static)) expect((v as { mean: number }).mean).toBeCloseTo(p.static[name].mean, 6);
      });
    }, 300_000);
  }

  it('retries of a shard are idempotent, and an incomplete set of parts is refused by name', async () => {
    const work = join(dir, 'work3');
    await ok(['predict', scene, '--static', statics, '--model', `${work}/model.json`, '--shard', '1/3', '--out', `${work}/parts/P_1.tif`, '--overwrite', ...TILE]);
    const again = join(dir, 'merged3-again.tif');
    await ok(['merge', `${work}/parts`, '--out', again, '--quiet']);
    expect(Buffer.from(readBand(again).data).equals(Buffer.from(readBand(join(dir, 'merged3.tif')).data))).toBe(true);
    const missing = await runBin(['merge', `${work}/parts/P_0.tif`, `${work}/parts/P_2.tif`, '--out', join(dir, 'never.tif')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/shard 1 of 3 missing; run it first/);
    const mixed = await runBin(['fit', '--samples', `${dir}/work2/samples/S_0.sample`, `${work}/samples/S_1.sample`, `${work}/samples/S_2.sample`, '--model-out', join(dir, 'never.json')]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toMatch(/is shard 0\/2, but .* is of 3 shards|of 2 shards; give the parts of one run/);
  }, 120_000);
});

describe('a sharded run on object storage', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(async () => {
    for (const k of Object.keys(s3.gdalConfig)) gdal.config.set(k, null as unknown as string);
    await s3.close();
  });

  it('reads the scene from /vsis3/, keeps its intermediates there and writes every output there', async () => {
    for (const [k, v] of Object.entries(s3.gdalConfig)) gdal.config.set(k, v);
    writeBytes('/vsis3/insar/scene/displacement.tif', readFileSync(scene));
    writeBytes('/vsis3/insar/scene/static.tif', readFileSync(statics));
    await shardedRun(2, '/vsis3/insar/run/work', '/vsis3/insar/run/regimes.tif', '/vsis3/insar/scene/displacement.tif', '/vsis3/insar/scene/static.tif', s3.gdalConfig);
    const keys = await s3.keys();
    for (const k of ['run/work/samples/S_0.sample', 'run/work/samples/S_1.sample', 'run/work/model.json', 'run/work/parts/P_1.tif', 'run/work/parts/P_1.tif.part.json',
      'run/regimes.tif', 'run/regimes.tif.aux.xml', 'run/regimes.stats.json', 'run/regimes.qml', 'run/regimes.report.html']) {
      expect(keys, k).toContain(`insar/${k}`);
    }
    expect(keys.filter((k) => k.includes('.tmp'))).toEqual([]);
    const ds = gdal.open('/vsis3/insar/run/regimes.tif');
    const labels = ds.bands.get(1).pixels.read(0, 0, 130, 110);
    ds.close();
    expect(Buffer.from(labels).equals(Buffer.from(readBand(join(dir, 'plain.tif')).data))).toBe(true);
  }, 300_000);
});
