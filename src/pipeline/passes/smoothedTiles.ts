import type { Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import { formatPassProfile, passSetup, type RunContext } from '../session.js';
import type { TilePassSetup } from '../engine/tileJob.js';
import { passTiles, runTilePass } from '../engine/tilePass.js';

/** One tile after smoothing: the core window and its smoothed features. */
export interface SmoothedTile {
  core: Window;
  /** core.width * core.height * nFeatures, pixel-interleaved; NaN for non-nodes. */
  smoothed: Float32Array;
  /** 1 where the core pixel is a node. */
  valid: Uint8Array;
  /** The same values band-sequential: nFeatures planes of core.width * core.height (what raster writers take). */
  smoothedPlanes: Float32Array;
}

/**
 * Smooths every tile (default: the run's tiles; any windows may be given) in the worker
 * pool and hands each to `visit` in tile order. The values are bit-identical for any
 * tiling and thread count.
 */
export async function forEachSmoothedTile(
  ctx: RunContext,
  label: string,
  reporter: Reporter,
  visit: (tile: SmoothedTile, index: number) => Promise<void> | void,
  tiles: Window[] = ctx.tiles,
): Promise<void> {
  const setup: TilePassSetup = passSetup(ctx, 'smooth');
  const f = ctx.nFeatures;
  const profile = await runTilePass(ctx, setup, passTiles(ctx, tiles), {
    label,
    reporter,
    ordered: true,
    windows: ctx.session.cacheToRead(ctx.layout, ctx.nDates + ctx.nStatic, ctx.nFeatures),
    onResult: async (tile, r, i) => {
      const planes = r.smoothed!;
      const plane = tile.core.width * tile.core.height;
      const smoothed = new Float32Array(plane * f);
      for (let j = 0; j < f; j++) {
        const from = j * plane;
        for (let p = 0; p < plane; p++) smoothed[p * f + j] = planes[from + p];
      }
      await visit({ core: tile.core, smoothed, valid: r.valid!, smoothedPlanes: planes }, i);
    },
  });
  if (ctx.options.execution.profile) reporter.info(formatPassProfile(profile));
}
