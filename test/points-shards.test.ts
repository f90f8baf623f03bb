import gdal from 'gdal-async';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { egmsL2bCsv, synthPointCloud, zipArchive, type PointCloud } from './helpers/pointFixtures.js';
import { tempDir } from './helpers/tinyRasters.js';

const ON_SCENE_GRID = ['--grid-crs', 'EPSG:25833', '--cell-size', '40'];
// 36 x 30 cells in tiles of 12: 3 x 3 tiles, split 5 + 4 between two shards.
const TILES = ['--tile-size', '12', '--threads', '1'];
let dir: string;
let cloud: PointCloud;
let zip: string;

/** Every feature of a labelled-points GeoPackage's one layer, by pid, as OGR reads it back. */
function featuresOf(gpkg: string): Map<string, { regime: unknown; name: unknown; cellPoints: unknown; velocity: unknown; x: number; y: number }> {
  const ds = gdal.open(gpkg);
  try {
    const layer = ds.layers.get(0);
    expect(layer.fields.getNames()).toEqual(['pid', 'regime', 'regime_name', 'cell_points', 'mean_velocity']);
    const out = new Map<string, { regime: unknown; name: unknown; cellPoints: unknown; velocity: unknown; x: number; y: number }>();
    layer.features.forEach((f) => {
      const g = f.getGeometry() as gdal.Point;
      const pid = f.fields.get('pid') as string;
      expect(out.has(pid)).toBe(false);
      out.set(pid, { regime: f.fields.get('regime'), name: f.fields.get('regime_name'), cellPoints: f.fields.get('cell_points'), velocity: f.fields.get('mean_velocity'), x: g.x, y: g.y });
    });
    return out;
  } finally {
    ds.close();
  }
}

/** sample, fit, predict and merge on two shards, in-process, as an engine would run them. */
async function shardedRun(work: string, out: string, mergeArgs: string[] = []): Promise<void> {
  mkdirSync(join(work, 'samples'), { recursive: true });
  mkdirSync(join(work, 'parts'), { recursive: true });
  for (const i of [0, 1]) {
    const s = await runCli('sample', zip, '--shard', `${i}/2`, '--out', join(work, 'samples', `S_${i}.sample`), ...ON_SCENE_GRID, '--seed', '3', ...TILES, '--quiet');
    expect(s.code, s.stderr).toBe(0);
  }
  const f = await runCli('fit', '--samples', join(work, 'samples'), '--model-out', join(work, 'model.json'), '--k', '4', '--quiet');
  expect(f.code, f.stderr).toBe(0);
  // No grid options here: predict grids onto the model's cells.
  for (const i of [0, 1]) {
    const p = await runCli('predict', zip, '--model', join(work, 'model.json'), '--shard', `${i}/2`, '--out', join(work, 'parts', `P_${i}.tif`), ...TILES, '--quiet');
    expect(p.code, p.stderr).toBe(0);
  }
  const m = await runCli('merge', join(work, 'parts'), '--out', out, '--quiet', ...mergeArgs);
  expect(m.code, m.stderr).toBe(0);
}

beforeAll(async () => {
  dir = tempDir('sc-points-shards-');
  cloud = synthPointCloud({ preset: 'lyngen', width: 36, height: 30, nDates: 16, pixelSize: 40 }, 21);
  zip = join(dir, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.zip');
  writeFileSync(zip, zipArchive([{ name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', data: Buffer.from(egmsL2bCsv(cloud)) }]));
  const r = await runCli('run', zip, '--out', join(dir, 'plain.tif'), ...ON_SCENE_GRID, '--k', '4', '--seed', '3', '--quiet');
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

describe('a sharded run on a point input ends with labelled points', () => {
  test('merge of two predict shards writes OUT.points.gpkg and .qml with the features of a plain run', async () => {
    const out = join(dir, 'merged.tif');
    await shardedRun(join(dir, 'work'), out);
    expect(Buffer.from(readBand(out).data).equals(Buffer.from(readBand(join(dir, 'plain.tif')).data))).toBe(true);
    const merged = featuresOf(join(dir, 'merged.points.gpkg')), plain = featuresOf(join(dir, 'plain.points.gpkg'));
    expect(merged.size).toBe(cloud.points.length);
    expect([...merged.keys()].sort()).toEqual([...plain.keys()].sort());
    for (const [pid, f] of merged) expect(f, pid).toEqual(plain.get(pid));
    // Not a trivial equality: the points carry several regimes, and some have none.
    const regimes = new Set([...merged.values()].map((f) => f.regime));
    expect(regimes.size).toBeGreaterThan(3);
    expect(regimes.has(null)).toBe(true);
    expect(readFileSync(join(dir, 'merged.points.qml'), 'utf8')).toBe(readFileSync(join(dir, 'plain.points.qml'), 'utf8'));
    const sidecar = JSON.parse(readFileSync(join(dir, 'merged.stats.json'), 'utf8'));
    expect(sidecar.outputs.points).toBe(join(dir, 'merged.points.gpkg'));
    expect(sidecar.outputs.pointsQml).toBe(join(dir, 'merged.points.qml'));
  }, 120_000);

  test('merge --points-out FILE.csv names the labelled points and their format; predict --shard leaves that to merge', async () => {
    const work = join(dir, 'work');
    const csv = join(dir, 'merged-points.csv');
    const m = await runCli('merge', join(work, 'parts'), '--out', join(dir, 'merged-csv.tif'), '--points-out', csv, '--quiet');
    expect(m.code, m.stderr).toBe(0);
    expect(existsSync(join(dir, 'merged-csv.points.gpkg'))).toBe(false);
    const lines = readFileSync(csv, 'utf8').trim().split('\n');
    expect(lines[0]).toBe('easting,northing,pid,regime,regime_name,cell_points,mean_velocity');
    expect(lines).toHaveLength(cloud.points.length + 1);
    const plain = featuresOf(join(dir, 'plain.points.gpkg'));
    for (const line of lines.slice(1)) {
      const [, , pid, regime] = line.split(',');
      const want = plain.get(pid)!.regime;
      expect(regime, pid).toBe(want === null ? '' : String(want));
    }
    const p = await runCli('predict', zip, '--model', join(work, 'model.json'), '--shard', '0/2', '--out', join(work, 'parts', 'P_0.tif'), '--points-out', csv, '--overwrite', '--quiet');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/--points-out.*merge/);
  }, 120_000);

  test('merge after the point input has gone or changed: one message naming it and what to do; earlier outputs and the parts are kept', async () => {
    const work = join(dir, 'work');
    const before = ['merged.tif', 'merged.points.gpkg', 'merged.stats.json', 'merged.map.png'].map((f) => readFileSync(join(dir, f)));
    const parts = ['P_0.tif', 'P_0.tif.part.json', 'P_1.tif', 'P_1.tif.part.json'].map((f) => readFileSync(join(work, 'parts', f)));
    const moved = `${zip}.moved`;
    renameSync(zip, moved);
    try {
      const m = await runCli('merge', join(work, 'parts'), '--out', join(dir, 'merged.tif'), '--overwrite', '--quiet');
      expect(m.code, m.stderr).toBe(1);
      const lines = m.stderr.trim().split('\n');
      expect(lines, m.stderr).toHaveLength(1);
      expect(lines[0]).toContain(zip);
      expect(lines[0]).toMatch(/predicted from/);
      expect(lines[0]).toMatch(/put it back|restore/i);
      // A new download at the same path (fewer points): refused, not labelled with the old parts' cells.
      writeFileSync(zip, zipArchive([{ name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', data: Buffer.from(egmsL2bCsv(cloud, cloud.points.slice(10))) }]));
      const changed = await runCli('merge', join(work, 'parts'), '--out', join(dir, 'merged.tif'), '--overwrite', '--quiet');
      expect(changed.code, changed.stderr).toBe(1);
      expect(changed.stderr).toContain(`${cloud.points.length - 10} points`);
      expect(changed.stderr).toMatch(/changed since.*predict --shard/);
    } finally {
      renameSync(moved, zip);
    }
    ['merged.tif', 'merged.points.gpkg', 'merged.stats.json', 'merged.map.png'].forEach((f, i) => expect(readFileSync(join(dir, f)).equals(before[i]), f).toBe(true));
    ['P_0.tif', 'P_0.tif.part.json', 'P_1.tif', 'P_1.tif.part.json'].forEach((f, i) => expect(readFileSync(join(work, 'parts', f)).equals(parts[i]), f).toBe(true));
  }, 120_000);
});
