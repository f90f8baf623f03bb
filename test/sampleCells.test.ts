import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseSampleCells, SAMPLE_CELL } from '../src/cluster/sampleCells.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

// With --sample-cells the training sample is drawn within a few hash-chosen cells of the pixel
// grid (docs/DESIGN.md, method 7): only those cells are read by the sample pass, and the
// labels stay the same bits for any tile size, thread count and shard split.

describe('chooseSampleCells', () => {
  it('picks the same `count` cells for the same scene size and seed, with interiors less the halo on shared sides', () => {
    const a = chooseSampleCells(2048, 2048, 16, 0, 3)!;
    expect(a).toHaveLength(16);
    expect(chooseSampleCells(2048, 2048, 16, 0, 3)).toEqual(a);
    expect(chooseSampleCells(2048, 2048, 16, 1, 3)!.map((c) => c.index)).not.toEqual(a.map((c) => c.index));
    expect(a.map((c) => c.index)).toEqual([...a.map((c) => c.index)].sort((x, y) => x - y));
    for (const { index, cell, interior } of a) {
      expect(cell.x0).toBe((index % 8) * SAMPLE_CELL);
      expect(cell.y0).toBe(Math.floor(index / 8) * SAMPLE_CELL);
      expect(interior.x0).toBe(cell.x0 === 0 ? 0 : cell.x0 + 3);
      expect(interior.x0 + interior.width).toBe(cell.x0 + cell.width === 2048 ? 2048 : cell.x0 + cell.width - 3);
    }
    // The first 16 of 32 cells are the 16 cells chosen: one hash order, cut at the count.
    expect(chooseSampleCells(2048, 2048, 32, 0, 3)!.map((c) => c.index)).toEqual(expect.arrayContaining(a.map((c) => c.index)));
    // 0 (the default), every cell or more, and a halo that leaves no interior: every node.
    expect(chooseSampleCells(2048, 2048, 0, 0, 3)).toBeNull();
    expect(chooseSampleCells(2048, 2048, 64, 0, 3)).toBeNull();
    expect(chooseSampleCells(1000, 1000, 20, 0, 3)).toBeNull(); // 16 cells
    expect(chooseSampleCells(2048, 1024, 16, 0, 3)).toHaveLength(16); // 32 cells
    expect(chooseSampleCells(2048, 2048, 16, 0, 128)).toBeNull();
  });
});

describe('a run whose sample is drawn within cells', () => {
  const W = 2048, H = 1024;
  const RUN = ['--k', 3, '--restarts', 1, '--quiet'];
  const CELLS = ['--sample-cells', 16];
  let dir: string, scene: string;
  const labelsOf = (tif: string) => Buffer.from(readBand(tif).data);

  beforeAll(async () => {
    dir = tempDir('sc-cells-');
    ({ files: { displacement: scene } } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: W, height: H, nDates: 6, seed: 8 }, false, silentReporter));
  }, 120_000);

  it('reads only the chosen cells in the sample pass, keeps nothing in TMPDIR, and gives the same labels for any tile size and threads', async () => {
    const before = process.env.TMPDIR;
    process.env.TMPDIR = join(dir, 'no-such-folder'); // a cache would have to say it has no room
    try {
      const a = await runCli('run', scene, '--out', join(dir, 'a.tif'), '--tile-size', 256, '--threads', 2, '--profile', ...CELLS, ...RUN.slice(0, -1));
      expect(a.code, a.stderr).toBe(0);
      expect(a.stderr).toMatch(/profile: sample pass: 16 tiles/);
      expect(a.stderr).toMatch(/profile: predict pass: 32 tiles/);
      expect(a.stderr).not.toMatch(/lacks [\d.]+ GB/);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    const b = await runCli('run', scene, '--out', join(dir, 'b.tif'), '--tile-size', 200, '--threads', 1, ...CELLS, ...RUN);
    expect(b.code, b.stderr).toBe(0);
    expect(labelsOf(join(dir, 'b.tif')).equals(labelsOf(join(dir, 'a.tif')))).toBe(true);
    const sidecar = JSON.parse(readFileSync(join(dir, 'a.stats.json'), 'utf8'));
    expect(sidecar.quality.nTrain).toBe(102_400); // the cells hold enough nodes for a full sample
    expect(sidecar.parameters.sampleCells).toBe(16);
    // By default the sample is drawn over every node: the sample pass reads every tile.
    const c = await runCli('run', scene, '--out', join(dir, 'c.tif'), '--tile-size', 256, '--threads', 2, '--profile', '--sample-size', 4000, ...RUN.slice(0, -1));
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toMatch(/profile: sample pass: 32 tiles/);
    expect(JSON.parse(readFileSync(join(dir, 'c.stats.json'), 'utf8')).parameters.sampleCells).toBe(0);
  }, 300_000);

  it('gives the labels of the plain run when sampled, fitted, predicted and merged in shards', async () => {
    mkdirSync(join(dir, 'samples'));
    mkdirSync(join(dir, 'parts'));
    for (const i of [0, 1, 2]) expect((await runCli('sample', scene, '--shard', `${i}/3`, '--out', join(dir, 'samples', `S_${i}.sample`), '--tile-size', 256, '--threads', 1, ...CELLS, '--quiet')).code).toBe(0);
    expect((await runCli('fit', '--samples', join(dir, 'samples'), '--model-out', join(dir, 'model.json'), ...RUN)).code).toBe(0);
    for (const i of [0, 1]) {
      const r = await runCli('predict', scene, '--model', join(dir, 'model.json'), '--shard', `${i}/2`, '--out', join(dir, 'parts', `P_${i}.tif`), '--tile-size', 256, '--threads', 1, '--quiet');
      expect(r.code, r.stderr).toBe(0);
    }
    const m = await runCli('merge', join(dir, 'parts'), '--out', join(dir, 'merged.tif'), '--quiet');
    expect(m.code, m.stderr).toBe(0);
    expect(labelsOf(join(dir, 'merged.tif')).equals(labelsOf(join(dir, 'b.tif')))).toBe(true);
  }, 300_000);
});
