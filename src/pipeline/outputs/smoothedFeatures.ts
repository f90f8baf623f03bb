import { checkOutputsAreNotInputs, checkOutputsWritable } from '../../io/atomicOutput.js';
import { FloatStackWriter } from '../../io/writeFloatStack.js';
import type { Reporter } from '../../reporter.js';
import type { MethodOptions } from '../options.js';
import { forEachSmoothedTile } from '../passes/smoothedTiles.js';
import { withRun } from '../session.js';

/** `smooth`: writes the smoothed (unscaled) feature stack, one named band per feature. */
export async function writeSmoothedFeatures(scenePath: string, out: string, options: MethodOptions, reporter: Reporter): Promise<{ out: string; featureNames: string[] }> {
  checkOutputsAreNotInputs([out], [scenePath, ...options.features.statics]);
  checkOutputsWritable([out], options.execution.overwrite);
  return withRun(scenePath, options, reporter, 'nothing', async (ctx, passes) => {
    const { scene } = ctx;
    const writer = new FloatStackWriter(
      out,
      { width: scene.width, height: scene.height, geoTransform: scene.facts.geoTransform, srsWkt: scene.facts.srsWkt },
      ctx.featureNames,
      { metadata: { SMOOTHCLUSTER_HOPS: String(ctx.smoothing.hops), SMOOTHCLUSTER_ALPHA: String(ctx.smoothing.alpha), SMOOTHCLUSTER_AGGREGATE: ctx.smoothing.aggregate } },
    );
    try {
      const f = ctx.nFeatures;
      await forEachSmoothedTile(ctx, 'smooth', passes, async ({ core, smoothed }) => {
        const plane = core.width * core.height;
        const bsq = new Float32Array(plane * f);
        for (let p = 0; p < plane; p++) for (let j = 0; j < f; j++) bsq[j * plane + p] = smoothed[p * f + j];
        await writer.writeWindow(core, bsq);
      });
      await writer.finish();
    } catch (err) {
      writer.abort();
      throw err;
    }
    return { out, featureNames: ctx.featureNames };
  });
}
