import { BottomKSample } from '../../cluster/hashSample.js';
import { chooseSampleCells, SAMPLE_CELL, type SampleCell } from '../../cluster/sampleCells.js';
import type { Window, WindowData } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import { formatPassProfile, passSetup, type PassProfile, type RunContext } from '../session.js';
import type { TilePassSetup, TileResult } from '../engine/tileJob.js';
import { passTiles, runTilePass, type PassTile } from '../engine/tilePass.js';
import type { WindowCacheUse } from '../engine/windowCache.js';

export { STREAM_DRAW, STREAM_TEST } from '../engine/tileJob.js';

/** How far above the final share of nodes the sample pass cuts tiles, once it can estimate it. */
const THRESHOLD_MARGIN = 1.5;

/**
 * The share of valid pixels the sample pass assumes before it has seen a tenth of the scene:
 * its first tiles are cut as if a tenth of the scene were nodes. Real coverage is rarely that
 * thin; a scene with fewer nodes than THRESHOLD_MARGIN times that has its first tiles looked
 * at again, with the same sample.
 */
const PRIOR_NODE_SHARE = 0.1;

/** The sample's source: every node, each with the same chance (a bottom-k sample of hash keys). */
export const DRAWN_FROM = 'every node of the scene (the smallest hash keys of (seed, pixel index))';

/** The sample's source in a large scene: the nodes of a few hash-chosen cells of the pixel grid. */
const drawnFromCells = (cells: SampleCell[], margin: number) =>
  `the nodes of ${cells.length} cells of ${SAMPLE_CELL} x ${SAMPLE_CELL} pixels chosen by the smallest hash keys of (seed, cell index), ` +
  `less ${margin} pixels along the sides they share with other cells (the smallest hash keys of (seed, pixel index) among them)`;

/** Rows the train and test samples hold together. */
export function sampleCapacity(ctx: RunContext): { train: number; test: number } {
  const { sampleSize, testFraction } = ctx.options.cluster;
  return { train: sampleSize, test: testFraction > 0 ? Math.max(1, Math.round((sampleSize * testFraction) / (1 - testFraction))) : 0 };
}

/**
 * Where the sample pass reads: with --sample-cells, the interiors of the hash-chosen cells
 * (docs/DESIGN.md, method 7; each is read as its cell, and only those blocks are decoded);
 * otherwise (null cells), every tile of the run.
 */
export function sampleTiles(ctx: RunContext): { tiles: Window[]; cells: SampleCell[] | null } {
  const cells = chooseSampleCells(ctx.scene.width, ctx.scene.height, ctx.options.cluster.sampleCells ?? 0, ctx.options.cluster.seed, ctx.halo);
  return cells ? { tiles: cells.map((c) => c.interior).filter((r) => r.width > 0 && r.height > 0), cells } : { tiles: ctx.tiles, cells: null };
}

export interface TrainingSample {
  /** Rows sorted by draw key: the first `warmStart` rows are the warm-start pool. */
  train: { n: number; data: Float32Array };
  test: { n: number; data: Float32Array };
  /** Nodes in the whole scene. */
  validPixels: number;
  /** +-Infinity values met (treated as missing). */
  infinite: InfiniteTally;
  /** Where the sample comes from, in words. */
  drawnFrom?: string;
}

/** The bottom-k samples before they are sorted: mergeable across shards ({@link BottomKSample.merge}). */
export interface SampleParts {
  train: BottomKSample;
  test: BottomKSample;
  validPixels: number;
  infinite: InfiniteTally;
  /** Where the sample comes from, in words. */
  drawnFrom: string;
  profile: PassProfile;
}

/**
 * The sample pass without the final sort: smooth every tile and keep the pixels with the
 * smallest draw keys over ALL nodes (a uniform sample that does not depend on tile size,
 * order or threads), split into train and a held-out test set by a second hash. `tiles`
 * (default: all) restricts the pass to those tiles, for a shard: the parts of several shards
 * merge ({@link BottomKSample.merge}) into the sample of the whole scene. Memory is bounded
 * by the sample size and the tile size, not the raster. What it keeps in the window cache
 * for later passes is the session's choice (KeepBetweenPasses).
 */
export async function collectSample(ctx: RunContext, reporter: Reporter, tiles: Window[] = sampleTiles(ctx).tiles): Promise<SampleParts> {
  const { sampleSize, testFraction, seed } = ctx.options.cluster;
  const testCapacity = sampleCapacity(ctx).test;
  const { cells } = sampleTiles(ctx);
  const train = new BottomKSample(sampleSize, ctx.nFeatures);
  const test = new BottomKSample(testCapacity, ctx.nFeatures);
  const infinite = new InfiniteTally();
  let validPixels = 0;

  // Cells are read whole, once: nothing for a window cache (it serves the run's own tiles only).
  const windows = cells ? undefined : ctx.session.cacheForSample(ctx.layout, ctx.nDates + ctx.nStatic, ctx.nFeatures, reporter);
  const setup: TilePassSetup = { ...passSetup(ctx, 'sample'), sample: { seed, testFraction, withTest: testCapacity > 0 } };
  const f = ctx.nFeatures;
  const items = passTiles(ctx, tiles);
  const offer = (_tile: PassTile, r: TileResult) => {
    const c = r.candidates!;
    for (let i = 0; i < c.n; i++) {
      const isTest = c.test[i] === 1;
      (isTest ? test : train).offer(c.keys[i], c.indices[i], c.rows, i * f);
    }
  };

  // Only nodes whose key can still enter the sample are smoothed. A running bottom-k lets through
  // k/n of the nodes after n of them, several times the final share on average, and every node
  // of the tiles sent before the sample is full; so the final threshold is also estimated, and
  // tiles are cut at that estimate: from the node density so far (with a margin) once a tenth of
  // the scene has been seen, and before that from PRIOR_NODE_SHARE. If the final threshold turns
  // out higher than a tile's cut, that tile is looked at again for the keys in between: the
  // sample is exactly the bottom-k either way, only the work differs.
  const totalPixels = items.reduce((a, t) => a + t.core.width * t.core.height, 0);
  let seenPixels = 0;
  const cut = items.map(() => ({ train: Infinity, test: Infinity }));
  const estimate = (capacity: number, share: number) => {
    if (share <= 0) return Infinity;
    const early = seenPixels < totalPixels / 10 || validPixels === 0;
    const nodes = (early ? PRIOR_NODE_SHARE : validPixels / seenPixels) * totalPixels * share;
    // Keys are below 1: a cut at 1 or above is none, and must not count as one (a tile "cut"
    // at 1 in a scene with fewer nodes than the sample would be looked at again for nothing).
    const at = (THRESHOLD_MARGIN * capacity) / nodes;
    return at >= 1 ? Infinity : at;
  };
  let profile = await runTilePass(ctx, setup, items, {
    label: 'sample pass',
    reporter,
    ordered: false, // a bottom-k sample does not depend on the order of offers
    windows,
    beforeJob: (_tile, job) => {
      job.trainBelow = Math.min(train.threshold, estimate(sampleSize, 1 - testFraction));
      job.testBelow = Math.min(test.threshold, estimate(testCapacity, testFraction));
      cut[job.index] = { train: job.trainBelow, test: job.testBelow };
    },
    onResult: (tile, r) => {
      validPixels += r.nodes;
      seenPixels += tile.core.width * tile.core.height;
      infinite.count += r.infinite.count;
      infinite.first ??= r.infinite.first;
      offer(tile, r);
    },
  });
  const again = items.map((t, i) => ({ t, i })).filter(({ i }) => cut[i].train < train.threshold || (testCapacity > 0 && cut[i].test < test.threshold));
  if (again.length > 0) {
    if (ctx.options.execution.profile) reporter.info(formatPassProfile(profile));
    const thresholds = { trainBelow: train.threshold, testBelow: test.threshold };
    profile = await lookAgain(ctx, setup, reporter, again.map(({ t, i }) => ({ tile: t, cut: cut[i] })), thresholds, windows, offer);
  }
  if (ctx.options.execution.profile) reporter.info(formatPassProfile(profile));
  ctx.session.markPassEnded();
  return { train, test, validPixels, infinite, drawnFrom: cells ? drawnFromCells(cells, ctx.halo) : DRAWN_FROM, profile };
}

/**
 * The second look at tiles cut below the final thresholds: only the keys between each tile's
 * cut and the final threshold are offered, so no pixel is offered twice.
 */
function lookAgain(
  ctx: RunContext,
  setup: TilePassSetup,
  reporter: Reporter,
  again: { tile: PassTile; cut: { train: number; test: number } }[],
  final: { trainBelow: number; testBelow: number },
  windows: WindowCacheUse | undefined,
  offer: (tile: PassTile, r: TileResult) => void,
): Promise<PassProfile> {
  return runTilePass(ctx, setup, again.map((a) => a.tile), {
    label: 'sample pass (tiles cut too low)',
    reporter,
    ordered: false,
    windows: windows && { ...windows, store: false, storeFeatures: false },
    beforeJob: (_tile, job) => {
      const first = again[job.index].cut;
      Object.assign(job, { trainAbove: first.train, testAbove: first.test, ...final });
    },
    onResult: offer,
  });
}

/** The sample pass ({@link collectSample}) over the whole scene, rows sorted by draw key. */
export async function samplePass(ctx: RunContext, reporter: Reporter): Promise<TrainingSample> {
  const parts = await collectSample(ctx, reporter);
  const t = parts.train.finishInPlace();
  const s = parts.test.finishInPlace();
  return { train: { n: t.n, data: t.data }, test: { n: s.n, data: s.data }, validPixels: parts.validPixels, infinite: parts.infinite, drawnFrom: parts.drawnFrom };
}

/**
 * Counts +-Infinity in the core of each window read. An infinite displacement
 * is a broken value, not a measurement (a division by zero upstream): the
 * pipeline treats it as missing, and the run says so once, with where the
 * first one is, instead of hiding it.
 */
export class InfiniteTally {
  count = 0;
  /** The first one found: layer index (dates in time order, then static layers), column, row. */
  first: { layer: number; col: number; row: number } | null = null;

  add(read: WindowData, core: Window): void {
    const w = read.window;
    const plane = w.width * w.height;
    const layers = [read.dynamic, read.statics];
    let layer = 0;
    for (const data of layers) {
      const n = data.length / plane;
      for (let b = 0; b < n; b++, layer++) {
        for (let r = core.y0 - w.y0; r < core.y0 - w.y0 + core.height; r++) {
          const row = b * plane + r * w.width;
          for (let c = core.x0 - w.x0; c < core.x0 - w.x0 + core.width; c++) {
            const v = data[row + c];
            if (v === Infinity || v === -Infinity) {
              this.count++;
              this.first ??= { layer, col: w.x0 + c, row: w.y0 + r };
            }
          }
        }
      }
    }
  }
}

/** The warning for infinite values found in a pass, or null when there were none. */
export function infiniteValuesWarning(ctx: Pick<RunContext, 'scene'>, tally: InfiniteTally, scope = ''): string | null {
  if (tally.count === 0 || !tally.first) return null;
  const { layer, col, row } = tally.first;
  const { scene } = ctx;
  const where = layer < scene.dateBands.length
    ? `band ${scene.dateBands[layer]}${scene.dates ? ` (${scene.dates[layer]})` : ''} of scene '${scene.path}'`
    : `static layer '${scene.staticNames[layer - scene.dateBands.length]}'`;
  return (
    `${tally.count} value${tally.count === 1 ? ' is' : 's are'} +-Infinity${scope} (the first in ${where}, column ${col}, row ${row}); ` +
    'they are treated as missing. Expected finite displacement or a nodata value: mark them as nodata (NaN) to silence this, ' +
    'or check the processing that produced them.'
  );
}
