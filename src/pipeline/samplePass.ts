import { BottomKSample, pixelUniform } from '../cluster/hashSample.js';
import type { Reporter } from '../reporter.js';
import { InfiniteTally } from './infiniteValues.js';
import type { RunContext } from './runContext.js';
import { forEachSmoothedTile } from './smoothedTiles.js';

/** Hash streams: which pixels are drawn, and which of them are held out for testing. */
export const STREAM_DRAW = 0;
export const STREAM_TEST = 1;

export interface TrainingSample {
  /** Rows sorted by draw key: the first `warmStart` rows are the warm-start pool. */
  train: { n: number; data: Float32Array };
  test: { n: number; data: Float32Array };
  /** Nodes in the whole scene. */
  validPixels: number;
  /** +-Infinity values met (treated as missing). */
  infinite: InfiniteTally;
}

/**
 * The sample pass: smooth every tile and keep the pixels with the smallest
 * draw keys over ALL nodes of the scene (a uniform sample that does not depend
 * on tile size or order), split into train and a held-out test set by a second
 * hash. Memory is bounded by the sample size, not the raster.
 */
export async function samplePass(ctx: RunContext, reporter: Reporter): Promise<TrainingSample> {
  const { sampleSize, testFraction, seed } = ctx.options.cluster;
  const testCapacity = testFraction > 0 ? Math.max(1, Math.round((sampleSize * testFraction) / (1 - testFraction))) : 0;
  const train = new BottomKSample(sampleSize, ctx.nFeatures);
  const test = new BottomKSample(testCapacity, ctx.nFeatures);
  const width = ctx.scene.width;
  const f = ctx.nFeatures;
  let validPixels = 0;
  const infinite = new InfiniteTally();
  await forEachSmoothedTile(ctx, 'sample pass', reporter, ({ core, smoothed, valid, read }) => {
    infinite.add(read, core);
    for (let r = 0; r < core.height; r++) {
      for (let c = 0; c < core.width; c++) {
        const p = r * core.width + c;
        if (!valid[p]) continue;
        validPixels++;
        const gi = (core.y0 + r) * width + core.x0 + c;
        const key = pixelUniform(seed, gi, STREAM_DRAW);
        const target = testCapacity > 0 && pixelUniform(seed, gi, STREAM_TEST) < testFraction ? test : train;
        target.offer(key, gi, smoothed, p * f);
      }
    }
  });
  const t = train.finish();
  const s = test.finish();
  return { train: { n: t.n, data: t.data }, test: { n: s.n, data: s.data }, validPixels, infinite };
}
