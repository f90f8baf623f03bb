import { readWindowWithHalo, type Window, type WindowData } from '../io/readWindow.js';
import type { Reporter } from '../reporter.js';
import { smoothTile } from '../smooth/smoothTile.js';
import type { FeatureTile } from '../smooth/types.js';
import { buildFeatureTile } from './featureTile.js';
import type { RunContext } from './runContext.js';
import { forEachTileReadAhead } from './tiles.js';

/** One tile after smoothing: the core window and its smoothed features. */
export interface SmoothedTile {
  core: Window;
  /** core.width * core.height * nFeatures, pixel-interleaved; NaN for non-nodes. */
  smoothed: Float32Array;
  /** 1 where the core pixel is a node. */
  valid: Uint8Array;
  /** The raw window read (core + halo): original displacement for statistics. */
  read: WindowData;
  featureTile: FeatureTile;
}

/** Node flags of the core part of a feature tile. */
export function coreValid(tile: FeatureTile, core: Window): Uint8Array {
  const out = new Uint8Array(core.width * core.height);
  for (let r = 0; r < core.height; r++) {
    const src = (core.y0 - tile.y0 + r) * tile.width + (core.x0 - tile.x0);
    out.set(tile.valid.subarray(src, src + core.width), r * core.width);
  }
  return out;
}

/**
 * The pass every command shares: read each tile with its halo (one read
 * ahead), build the feature tile, smooth its core, hand it to `visit`.
 */
export async function forEachSmoothedTile(
  ctx: RunContext,
  label: string,
  reporter: Reporter,
  visit: (tile: SmoothedTile, index: number) => Promise<void> | void,
  tiles: Window[] = ctx.tiles,
): Promise<void> {
  const { scene } = ctx;
  let done = 0;
  await forEachTileReadAhead(
    tiles,
    (core, i) => readWindowWithHalo(scene, core, ctx.halo, i),
    async (core, read, i) => {
      const featureTile = buildFeatureTile(read, ctx.nDates, ctx.nStatic, ctx.useStatics, scene.dayOffsets, ctx.options.graph.maxMissing);
      const smoothed = smoothTile(featureTile, { ...core }, ctx.graph, ctx.smoothing);
      await visit({ core, smoothed, valid: coreValid(featureTile, core), read, featureTile }, i);
      reporter.progress(label, ++done, tiles.length);
    },
  );
}
