import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { readRectInto } from '../src/io/readWindow.js';
import { DEFAULTS, type MethodOptions } from '../src/pipeline/options.js';
import { pixelUniform } from '../src/cluster/hashSample.js';
import { collectSample, STREAM_DRAW, STREAM_TEST } from '../src/pipeline/passes/samplePass.js';
import { forEachSmoothedTile } from '../src/pipeline/passes/smoothedTiles.js';
import { passTiles, runTilePass } from '../src/pipeline/engine/tilePass.js';
import { cellShape, tileGeometry, tileLayout } from '../src/pipeline/engine/tileLayout.js';
import { openSession, passSetup, prepareRun, type KeepBetweenPasses, type RunSession } from '../src/pipeline/session.js';
import { WindowCache, type WindowCacheUse } from '../src/pipeline/engine/windowCache.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { readAllBands, readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

// The worker pool and the block-aligned tile reads: same bits for every thread count,
// tile size and subset of tiles, bounded tiles in flight, and a profile on request.

const W = 300, H = 270; // two 256-pixel cells each way, ragged edges for every tile size below
let dir: string, scene: string, statics: string;

beforeAll(async () => {
  dir = tempDir('sc-parallel-');
  const { files } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: W, height: H, nDates: 24, seed: 5 }, false, silentReporter);
  ({ displacement: scene, static: statics } = files);
});

function options(over: Partial<MethodOptions['execution']> = {}): MethodOptions {
  return {
    graph: { radius: 1, connectivity: 8, weights: 'uniform', sigma: null, fanout: null, maxMissing: DEFAULTS.maxMissing },
    smoothing: { hops: 3, alpha: 0.5, aggregate: 'mean' },
    features: { statics: [statics], features: 'dyn+static', staticWeight: 1 },
    cluster: { k: 4, batchSize: 256, warmStart: 2000, testFraction: 0.2, maxEpochs: 10, restarts: 1, sampleSize: 8000, seed: 0 },
    execution: { tileSize: 64, overwrite: true, allowUngeoreferenced: false, threads: 2, ...over },
  };
}

/** A run session on the test scene, as a command opens one with --window-cache (threads and what the sample pass keeps are the session's). */
const session = (path: string, over: Partial<MethodOptions['execution']> = {}, keep: KeepBetweenPasses = 'windows and features') =>
  openSession(path, options({ windowCache: true, ...over }), silentReporter, keep);

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('--threads', () => {
  it('gives bit-identical labels and statistics for 1, 2 and 3 threads and any tile size', async () => {
    const labels: Buffer[] = [];
    const stats: unknown[] = [];
    for (const [threads, tile] of [[1, 64], [2, 64], [3, 64], [2, 100], [3, 512]]) {
      const out = join(dir, `run-t${threads}-${tile}.tif`);
      const r = await runCli('run', scene, '--static', statics, '--out', out, '--threads', threads, '--tile-size', tile, '--quiet');
      expect(r.code, r.stderr).toBe(0);
      labels.push(Buffer.from(readBand(out).data));
      const sidecar = JSON.parse(readFileSync(join(dir, `run-t${threads}-${tile}.stats.json`), 'utf8'));
      if (tile === 64) stats.push(sidecar.clusters);
    }
    for (const l of labels.slice(1)) expect(l.equals(labels[0])).toBe(true);
    expect(new Set(labels[0]).size).toBeGreaterThan(3); // several regimes and nodata: not a trivial map
    // the same tiles give the same float sums whatever the thread count
    expect(stats[1]).toEqual(stats[0]);
    expect(stats[2]).toEqual(stats[0]);
  });

  it('gives bit-identical smoothed features for 1, 2 and 3 threads, aligned, ragged and whole-window tiles', async () => {
    const runs: Float32Array[][] = [];
    // Tile 8 with 5 hops: the halo is wider than half a tile, so windows are read whole.
    for (const [threads, tile, hops] of [[1, 64, 5], [2, 64, 5], [3, 100, 5], [2, 8, 5], [3, 300, 5]]) {
      const out = join(dir, `smooth-t${threads}-${tile}.tif`);
      const r = await runCli('smooth', scene, '--static', statics, '--out', out, '--threads', threads, '--tile-size', tile, '--hops', hops, '--quiet');
      expect(r.code, r.stderr).toBe(0);
      runs.push(readAllBands(out));
    }
    for (const run of runs.slice(1)) {
      expect(run.length).toBe(runs[0].length);
      run.forEach((band, b) => expect(bytesOf(band).equals(bytesOf(runs[0][b])), `band ${b}`).toBe(true));
    }
  });

  it('rejects a thread count that is not a positive whole number', async () => {
    const r = await runCli('run', scene, '--out', join(dir, 'bad.tif'), '--threads', 0);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads must be a whole number from 1 to 256; got 0/);
  });
});

describe('tile reads', () => {
  it('keep tile windows in flight and concurrent reads bounded, whatever the raster size', async () => {
    const s = await session(scene, { threads: 2 });
    try {
      const ctx = prepareRun(s, options({ tileSize: 32, threads: 2 }));
      let reading = 0, maxReading = 0, alive = 0, maxAlive = 0;
      const readRect: typeof readRectInto = async (...args) => {
        reading++;
        alive++;
        maxReading = Math.max(maxReading, reading);
        maxAlive = Math.max(maxAlive, alive);
        try {
          await readRectInto(...args);
        } finally {
          reading--;
        }
      };
      const setup = { mode: 'smooth' as const, graph: ctx.graph, smoothing: ctx.smoothing, nDates: ctx.nDates, nStatic: ctx.nStatic, useStatics: true, dayOffsets: s.scene.dayOffsets, maxMissing: 0.2 };
      const profile = await runTilePass(ctx, setup, passTiles(ctx, ctx.tiles), {
        label: 'test', reporter: silentReporter, ordered: true, readRect, maxInFlight: 3,
        onResult: async () => {
          alive--;
          await new Promise((r) => setTimeout(r, 2)); // a slow consumer must not let reads pile up
        },
      });
      expect(ctx.tiles.length).toBeGreaterThan(60);
      expect(maxReading).toBeLessThanOrEqual(s.scene.handles.length);
      expect(maxAlive).toBeLessThanOrEqual(3); // a tile counts from its read until its result is handed over
      expect(profile.maxInFlight).toBeLessThanOrEqual(3);
      expect(maxReading).toBeGreaterThan(1); // reads do overlap
    } finally {
      await s.close();
    }
  });

  it('give any subset of tiles (a shard) the same smoothed values as the whole pass', async () => {
    const s = await session(scene, { threads: 2 });
    try {
      const ctx = prepareRun(s, options({ tileSize: 64, threads: 2 }));
      expect(ctx.layout.shifted).toBe(true);
      const whole = new Map<string, Buffer>();
      await forEachSmoothedTile(ctx, 'whole', silentReporter, ({ core, smoothed }) => void whole.set(JSON.stringify(core), Buffer.from(smoothed.buffer.slice(0))));
      const subset = ctx.tiles.filter((_t, i) => i % 3 !== 1); // left and top neighbours missing now and then
      let seen = 0;
      await forEachSmoothedTile(ctx, 'subset', silentReporter, ({ core, smoothed }) => {
        seen++;
        expect(Buffer.from(smoothed.buffer).equals(whole.get(JSON.stringify(core))!)).toBe(true);
      }, subset);
      expect(seen).toBe(subset.length);
    } finally {
      await s.close();
    }
  });
});

describe('files in strips as wide as the raster', () => {
  it('cut the raster into full-width cells of about a tile\'s pixels that still partition it, block-aligned', () => {
    expect(cellShape(300, 270, 64, 3, { width: 64, height: 64 })).toEqual({ width: 64, height: 64 }); // tiles: as before
    expect(cellShape(300, 270, 64, 3, { width: 300, height: 1 })).toEqual({ width: 300, height: 14 }); // 64² / 300, whole one-row strips
    expect(cellShape(300, 270, 64, 3, { width: 300, height: 8 })).toEqual({ width: 300, height: 16 }); // two strips of 8 rows
    expect(cellShape(300, 270, 64, 3, { width: 300, height: 128 })).toEqual({ width: 300, height: 14 }); // strips taller than two cells
    expect(cellShape(300, 270, 64, 10, { width: 300, height: 1 })).toEqual({ width: 300, height: 20 }); // at least two halos
    expect(cellShape(60, 270, 64, 3, { width: 60, height: 1 })).toEqual({ width: 64, height: 64 }); // not wider than a tile
    expect(cellShape(300, 270, 64, 3, { width: 512, height: 512 })).toEqual({ width: 64, height: 64 }); // one block holds it all
    const layout = tileLayout(300, 270, 64, 3, cellShape(300, 270, 64, 3, { width: 300, height: 1 }));
    expect(layout.shifted).toBe(true);
    expect(layout.cols).toBe(1);
    const covered = new Uint8Array(300 * 270);
    layout.tiles.forEach((core, i) => {
      const g = tileGeometry(layout, i);
      expect(g.cell.x0).toBe(0);
      expect(g.cell.width).toBe(300);
      expect(g.cell.y0 % 14).toBe(0);
      for (let y = core.y0; y < core.y0 + core.height; y++) for (let x = core.x0; x < core.x0 + core.width; x++) covered[y * 300 + x]++;
      // The window is the core and its halo, within the cell and the strips kept from the tile above.
      expect(g.window.y0).toBe(Math.max(0, core.y0 - 3));
      expect(g.window.y0 + g.window.height).toBe(Math.min(270, core.y0 + core.height + 3));
    });
    expect(covered.every((c) => c === 1)).toBe(true);
  });

  it('a folder of single-date GeoTIFFs in strips (GDAL\'s default), given as a glob or stacked by gdalbuildvrt, is read in full-width cells too', async () => {
    const folder = join(dir, 'single-strips');
    mkdirSync(folder, { recursive: true });
    for (const [band, date] of [[1, '20190104'], [2, '20190116'], [3, '20190128']]) execFileSync('gdal_translate', ['-q', '-b', String(band), scene, join(folder, `disp_${date}.tif`)]);
    const r = await runCli('info', join(folder, '*.tif'), '--json');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).blockSize[0]).toBe(W); // a VRT's own blocks would be 128 wide
    // The same files stacked by the user (gdalbuildvrt, sources named relative to the VRT): the layout looks through to them.
    const vrt = join(folder, 'stack.vrt');
    execFileSync('gdalbuildvrt', ['-q', '-separate', vrt, ...['20190104', '20190116', '20190128'].map((d) => join(folder, `disp_${d}.tif`))]);
    const s = await openSession(vrt, { ...options(), features: { statics: [], features: 'dyn', staticWeight: 1 } }, silentReporter, 'nothing');
    try {
      expect(s.scene.facts.blockWidth).toBe(128);
      const ctx = prepareRun(s, { ...options(), features: { statics: [], features: 'dyn', staticWeight: 1 } });
      expect(ctx.layout.cellWidth).toBe(W);
    } finally {
      await s.close();
    }
  });

  it.each([
    ['band-interleaved one-row strips with the floating-point predictor', ['-co', 'TILED=NO', '-co', 'BLOCKYSIZE=1', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'INTERLEAVE=BAND']],
    ['pixel-interleaved three-row strips', ['-co', 'TILED=NO', '-co', 'BLOCKYSIZE=3', '-co', 'INTERLEAVE=PIXEL']],
  ])('give the labels and statistics of the tiled file: %s', async (name, creation) => {
    const striped = join(dir, `strips-${name.replace(/\W+/g, '-')}.tif`);
    execFileSync('gdal_translate', ['-q', ...creation, scene, striped]);
    const s = await openSession(striped, options(), silentReporter, 'nothing');
    try {
      const ctx = prepareRun(s, options());
      expect({ width: ctx.layout.cellWidth, rows: ctx.layout.rows }).toEqual({ width: W, rows: Math.ceil(H / ctx.layout.cellHeight) });
    } finally {
      await s.close();
    }
    const outs = [join(dir, `strips-ref.tif`), join(dir, `strips-${name.replace(/\W+/g, '-')}-out.tif`)];
    for (const [input, out] of [[scene, outs[0]], [striped, outs[1]]]) {
      const r = await runCli('run', input, '--static', statics, '--out', out, '--tile-size', 64, '--quiet', '--overwrite');
      expect(r.code, r.stderr).toBe(0);
    }
    expect(Buffer.from(readBand(outs[1]).data).equals(Buffer.from(readBand(outs[0]).data))).toBe(true);
    const clusters = outs.map((o) => JSON.parse(readFileSync(o.replace(/\.tif$/, '.stats.json'), 'utf8')).clusters);
    expect(clusters[1]).toEqual(clusters[0]);
  });
});

describe('the sample', () => {
  it('does not depend on the tile size or threads, and shards of tiles merge into the same sample', async () => {
    const s = await session(scene, { threads: 2 });
    const one = await session(scene, { threads: 1 });
    try {
      const a = prepareRun(s, options({ tileSize: 64 }));
      const b = prepareRun(one, options({ tileSize: 100, threads: 1 }));
      const whole = await collectSample(a, silentReporter);
      const other = await collectSample(b, silentReporter);
      const [w, o] = [whole.train.finish(), other.train.finish()];
      expect(Array.from(o.indices)).toEqual(Array.from(w.indices));
      expect(bytesOf(o.data).equals(bytesOf(w.data))).toBe(true);
      expect(w.n).toBe(8000);
      // two shards of whole tiles, merged
      const half = Math.floor(a.tiles.length / 2);
      const p0 = await collectSample(a, silentReporter, a.tiles.slice(0, half));
      const p1 = await collectSample(a, silentReporter, a.tiles.slice(half));
      p0.train.merge(p1.train);
      p0.test.merge(p1.test);
      expect(p0.validPixels + p1.validPixels).toBe(whole.validPixels);
      const m = p0.train.finish();
      expect(Array.from(m.indices)).toEqual(Array.from(w.indices));
      expect(bytesOf(m.data).equals(bytesOf(w.data))).toBe(true);
    } finally {
      await s.close();
      await one.close();
    }
  });
});

describe('the sample pass cutting tiles at an estimated threshold', () => {
  /** A copy of the test scene with every pixel of `rows` rows down but one in 19 made a gap. */
  async function thinnedScene(name: string, fromRow: number): Promise<string> {
    const path = join(dir, name);
    const gdal = (await import('gdal-async')).default;
    const src = gdal.open(scene);
    const out = gdal.drivers.get('GTiff').createCopy(path, src, ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64']);
    src.close();
    for (let b = 1; b <= out.bands.count(); b++) {
      const band = out.bands.get(b);
      const rows = band.pixels.read(0, fromRow, W, H - fromRow) as Float32Array;
      for (let i = 0; i < rows.length; i++) if (i % 19 !== 0) rows[i] = NaN;
      band.pixels.write(0, fromRow, W, H - fromRow, rows);
    }
    out.close();
    return path;
  }

  /** Runs the sample pass on `path` and checks it against every node smoothed, keys computed here, the smallest kept. */
  async function expectExactBottomK(path: string, sampleSize: number): Promise<string> {
    const s = await session(path, { threads: 2 });
    try {
      const o = options({ tileSize: 32, threads: 2, profile: true });
      const testSize = Math.round((sampleSize * 0.2) / 0.8);
      const ctx = prepareRun(s, { ...o, cluster: { ...o.cluster, sampleSize } });
      const info: string[] = [];
      const parts = await collectSample(ctx, { ...silentReporter, info: (m) => void info.push(m) });
      const nodes: { key: number; gi: number; test: boolean; row: Float32Array }[] = [];
      const f = ctx.nFeatures;
      await forEachSmoothedTile(ctx, 'all', silentReporter, ({ core, smoothed, valid }) => {
        for (let p = 0; p < valid.length; p++) {
          if (!valid[p]) continue;
          const gi = (core.y0 + Math.floor(p / core.width)) * W + core.x0 + (p % core.width);
          const test = pixelUniform(0, gi, STREAM_TEST) < 0.2;
          nodes.push({ key: pixelUniform(0, gi, STREAM_DRAW), gi, test, row: smoothed.slice(p * f, (p + 1) * f) });
        }
      });
      expect(parts.validPixels).toBe(nodes.length);
      const byKey = (a: { key: number; gi: number }, b: { key: number; gi: number }) => a.key - b.key || a.gi - b.gi;
      const want = nodes.filter((n) => !n.test).sort(byKey).slice(0, sampleSize);
      const got = parts.train.finish();
      expect(Array.from(got.indices)).toEqual(want.map((n) => n.gi));
      want.forEach((n, i) => expect(bytesOf(got.data.subarray(i * f, (i + 1) * f)).equals(bytesOf(n.row))).toBe(true));
      const wantTest = nodes.filter((n) => n.test).sort(byKey).slice(0, testSize);
      expect(Array.from(parts.test.finish().indices)).toEqual(wantTest.map((n) => n.gi));
      return info.join('\n');
    } finally {
      await s.close();
    }
  }

  it('still draws exactly the bottom-k of every node, also when the node density changes across the scene', async () => {
    // The top rows are all nodes, the rest mostly gaps: estimated from the first tiles, the
    // threshold comes out far too low, and the later tiles must be looked at again.
    const info = await expectExactBottomK(await thinnedScene('sparse.tif', 80), 8000);
    expect(info).toMatch(/sample pass \(tiles cut too low\)/);
  });

  it('still draws exactly the bottom-k when the scene has fewer nodes than its first tiles are cut for', async () => {
    // One pixel in 19 is a node (5 %, below the share assumed before a tenth of the scene is seen):
    // the first tiles are cut too low and looked at again.
    const thin = await thinnedScene('thin.tif', 0);
    expect(await expectExactBottomK(thin, 300)).toMatch(/sample pass \(tiles cut too low\)/);
    // With a sample as large as the scene's nodes nothing is cut, and nothing looked at again.
    expect(await expectExactBottomK(thin, 5000)).not.toMatch(/tiles cut too low/);
  });
});

describe('the cache of decoded windows', () => {
  it('is opt-in: by default a run keeps nothing in TMPDIR and decodes the scene again', async () => {
    const out = join(dir, 'default-cache.tif');
    const before = process.env.TMPDIR;
    // A cache would have to say it has no room; the predict pass's profile would show one that was made.
    process.env.TMPDIR = join(dir, 'no-such-directory-by-default');
    try {
      const r = await runCli('run', scene, '--static', statics, '--out', out, '--profile', '--tile-size', 64);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/lacks [\d.]+ GB|from the cache of decoded windows/);
      expect(r.stderr).toMatch(/predict pass: \d+ tiles/);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });

  it('with --window-cache, spares the predict pass the decoding, and changes nothing when there is no room for it', async () => {
    const outs = [join(dir, 'cached.tif'), join(dir, 'uncached.tif'), join(dir, 'default-cache.tif')];
    const cached = await runCli('run', scene, '--static', statics, '--out', outs[0], '--profile', '--tile-size', 64, '--window-cache');
    expect(cached.code, cached.stderr).toBe(0);
    const tiles = Math.ceil(W / 64) * Math.ceil(H / 64);
    expect(cached.stderr).toMatch(new RegExp(`predict pass: ${tiles} tiles[^]*\\(${tiles} of ${tiles} windows from the cache of decoded windows, ${tiles} with their smoothed features\\)`));
    const before = process.env.TMPDIR;
    process.env.TMPDIR = join(dir, 'no-such-directory'); // no room: no cache
    try {
      const uncached = await runCli('run', scene, '--static', statics, '--out', outs[1], '--profile', '--tile-size', 64, '--window-cache');
      expect(uncached.code, uncached.stderr).toBe(0);
      expect(uncached.stderr).toMatch(/lacks [\d.]+ GB for decoded tiles, so the predict pass decodes the scene again/);
      expect(uncached.stderr).not.toMatch(/from the cache of decoded windows/);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    for (const other of outs.slice(1)) expect(Buffer.from(readBand(other).data).equals(Buffer.from(readBand(outs[0]).data))).toBe(true);
  });
});

describe('the smoothed features in the window cache', () => {
  it('serve only passes with the same smoothing, and give the bits a fresh smoothing gives', async () => {
    const withAlpha = (alpha: number): MethodOptions => ({ ...options({ tileSize: 64 }), smoothing: { hops: 3, alpha, aggregate: 'mean' } });
    const sampleOf = async (alpha: number, given?: RunSession, close = true) => {
      const s = given ?? (await session(scene));
      try {
        const parts = await collectSample(prepareRun(s, withAlpha(alpha)), silentReporter);
        return { rows: parts.train.finish(), profile: parts.profile };
      } finally {
        if (close) await s.close();
      }
    };
    const freshA = await sampleOf(0.5);
    const freshB = await sampleOf(0.8);
    expect(bytesOf(freshB.rows.data).equals(bytesOf(freshA.rows.data))).toBe(false); // alpha matters here
    const s = await session(scene);
    try {
      const first = await sampleOf(0.5, s, false); // decodes, smooths every node and keeps both
      expect(first.profile.cachedWindows).toBe(0);
      const other = await sampleOf(0.8, s, false); // windows from the cache, features not: another alpha
      expect(other.profile.cachedWindows).toBe(other.profile.tiles);
      expect(other.profile.cachedFeatures).toBe(0);
      const again = await sampleOf(0.5, s, false); // windows and features from the cache
      expect(again.profile.cachedFeatures).toBe(again.profile.tiles);
      for (const [got, want] of [[first, freshA], [other, freshB], [again, freshA]] as const) {
        expect(Array.from(got.rows.indices)).toEqual(Array.from(want.rows.indices));
        expect(bytesOf(got.rows.data).equals(bytesOf(want.rows.data))).toBe(true);
      }
    } finally {
      await s.close();
    }
  });
});

describe('what a sample pass keeps for later passes', () => {
  it('with --window-cache: fit keeps nothing (no later pass), sweep the windows only, run windows and features', async () => {
    const before = process.env.TMPDIR;
    // A cache would say it has no room. (One thread: test-mode workers would make the folder for their transpiled modules.)
    process.env.TMPDIR = join(dir, 'no-such-folder');
    try {
      const fit = await runCli('fit', scene, '--static', statics, '--model-out', join(dir, 'kept.model.json'), '--tile-size', 64, '--restarts', 1, '--threads', 1, '--overwrite', '--window-cache');
      expect(fit.code, fit.stderr).toBe(0);
      expect(fit.stderr).not.toMatch(/lacks [\d.]+ GB/);
      const run = await runCli('run', scene, '--static', statics, '--out', join(dir, 'kept.tif'), '--tile-size', 64, '--restarts', 1, '--threads', 1, '--overwrite', '--window-cache');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr, run.stderr).toMatch(/lacks [\d.]+ GB for decoded tiles/);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
    const s = await session(scene, {}, 'windows');
    try {
      const ctx = prepareRun(s, options({ tileSize: 64 }));
      const first = await collectSample(ctx, silentReporter);
      const again = await collectSample(ctx, silentReporter);
      expect(first.profile.cachedWindows).toBe(0);
      expect(again.profile.cachedWindows).toBe(again.profile.tiles);
      expect(again.profile.cachedFeatures).toBe(0);
      expect(bytesOf(again.train.finish().data).equals(bytesOf(first.train.finish().data))).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('a window cache with room for the windows only', () => {
  it('keeps and serves the windows, and the passes smooth again: the same rows', async () => {
    const s = await session(scene);
    try {
      const ctx = prepareRun(s, options({ tileSize: 64 }));
      const { layout } = ctx;
      const bands = ctx.nDates + ctx.nStatic;
      const full = WindowCache.create(layout, bands, ctx.nFeatures, null, tmpdir(), 2 ** 40);
      const windowsOnly = WindowCache.create(layout, bands, ctx.nFeatures, null, tmpdir(), 2 ** 30 + full.cache!.windowBytes * layout.tiles.length + 4096);
      void full.cache!.close();
      const cache = windowsOnly.cache!;
      expect(cache.smoothedBytes).toBe(0);
      expect(windowsOnly.fullBytes).toBeGreaterThan(windowsOnly.bytes);
      expect(WindowCache.create(layout, bands, ctx.nFeatures, null, tmpdir(), 2 ** 30).cache).toBeNull(); // no room at all
      const setup = { ...passSetup(ctx, 'sample'), sample: { seed: 0, testFraction: 0.2, withTest: true } };
      const tiles = passTiles(ctx, ctx.tiles);
      const rowsOf = async (windows?: WindowCacheUse) => {
        const rows: Buffer[] = [];
        const profile = await runTilePass(ctx, setup, tiles, {
          label: 'test', reporter: silentReporter, ordered: true, windows,
          onResult: (_t, r) => void rows.push(Buffer.from(bytesOf(r.candidates!.rows))),
        });
        return { rows: Buffer.concat(rows), profile };
      };
      const plain = await rowsOf();
      const storing = await rowsOf({ cache, store: true, storeFeatures: false });
      const reading = await rowsOf({ cache, store: false, storeFeatures: false });
      await cache.close();
      expect(storing.profile.cachedWindows).toBe(0);
      expect(reading.profile.cachedWindows).toBe(tiles.length);
      expect(reading.profile.cachedFeatures).toBe(0);
      expect(plain.rows.length).toBeGreaterThan(0);
      expect(storing.rows.equals(plain.rows)).toBe(true);
      expect(reading.rows.equals(plain.rows)).toBe(true);
    } finally {
      await s.close();
    }
  });
});

describe('--profile', () => {
  it('prints the time of every stage of both passes on stderr', async () => {
    const r = await runCli('run', scene, '--static', statics, '--out', join(dir, 'timed.tif'), '--profile', '--threads', 2);
    expect(r.code, r.stderr).toBe(0);
    for (const pass of ['sample pass', 'predict pass']) {
      expect(r.stderr).toMatch(new RegExp(`profile: ${pass}: \\d+ tiles in [\\d.]+ s wall, [\\d.]+ s CPU \\(all threads\\), 2 threads`));
    }
    for (const stage of ['read \\(GDAL decode', 'halo strips', 'smooth [\\d.]+ s', 'assign [\\d.]+ s', 'statistics [\\d.]+ s', 'between the passes']) {
      expect(r.stderr).toMatch(new RegExp(stage));
    }
    expect(r.stdout).not.toMatch(/profile:/); // stdout carries data only
    // The synthetic scene is written with the floating-point predictor: both passes read it through the byte view.
    expect(r.stderr.match(/read \(GDAL decode; the predictor undone in WebAssembly \(byte view\)/g)?.length).toBe(2);
  });
});

describe('the worker entries', () => {
  it.each([
    ['src/pipeline/engine/tileWorker.ts', 'smooth/smoothPlanes.ts'],
    ['src/pipeline/outputs/plotWorker.ts', 'report/regimePlots.ts'],
  ])('%s never imports src/io or gdal-async, not even through other modules', (entry, expected) => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      // Compile as tsc would: type-only imports vanish, so only what the worker really loads remains.
      const js = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      for (const m of js.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        expect(spec, `${file} imports ${spec}`).not.toBe('gdal-async');
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(resolve(entry));
    const local = [...seen].map((f) => f.slice(resolve('src').length + 1));
    expect(local).toContain(expected);
    expect(local.filter((f) => f.startsWith('io/') || f.startsWith('cli/'))).toEqual([]);
  });
});
