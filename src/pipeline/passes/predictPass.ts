import type { KMeansModel } from '../../cluster/nearestCentre.js';
import type { FeatureScaler } from '../../cluster/scaler.js';
import type { Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import { ClusterStatsAccumulator } from '../../cluster/clusterStats.js';
import { formatPassProfile, passSetup, type RunContext } from '../session.js';
import type { TilePassSetup } from '../engine/tileJob.js';
import { passTiles, runTilePass } from '../engine/tilePass.js';

export interface PredictResult {
  stats: ClusterStatsAccumulator;
  validPixels: number;
  /** Sum of squared distances of every labelled pixel to its centre (scaled units). */
  sumSquaredDistance: number;
}

/**
 * The predict pass: smooth, scale and label every tile (in the worker pool), hand each
 * label tile to `writeLabels` in tile order, and gather per-cluster statistics of the
 * original values. Sums are added tile by tile in tile order, so they are the same for
 * any thread count. `tiles` (default: all) restricts the pass to some tiles (a shard).
 */
export async function predictPass(
  ctx: RunContext,
  model: KMeansModel,
  scaler: FeatureScaler,
  reporter: Reporter,
  writeLabels: (core: Window, labels: Uint8Array) => Promise<void>,
  tiles: Window[] = ctx.tiles,
): Promise<PredictResult> {
  const between = ctx.session.sincePassEnded();
  const stats = new ClusterStatsAccumulator(model.k, ctx.nDates, ctx.nStatic);
  let validPixels = 0;
  let sumSquaredDistance = 0;
  const setup: TilePassSetup = { ...passSetup(ctx, 'predict'), predict: { model, scaler } };
  const profile = await runTilePass(ctx, setup, passTiles(ctx, tiles), {
    label: 'predict pass',
    reporter,
    ordered: true,
    // The windows the sample pass decoded come back from its cache, not from the file.
    windows: ctx.session.cacheToRead(ctx.layout, ctx.nDates + ctx.nStatic, ctx.nFeatures),
    onResult: async (tile, r) => {
      validPixels += r.nodes;
      sumSquaredDistance += r.sumSquaredDistance!;
      stats.addPartial(r.stats!);
      await writeLabels(tile.core, r.labels!);
    },
  });
  if (ctx.options.execution.profile) {
    if (between !== null) reporter.info(`profile: between the passes (fit, model): ${(between / 1000).toFixed(2)} s`);
    reporter.info(formatPassProfile(profile));
  }
  return { stats, validPixels, sumSquaredDistance };
}
