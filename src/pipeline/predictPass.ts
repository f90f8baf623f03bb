import { assignNearest, type KMeansModel } from '../cluster/nearestCentre.js';
import { applyScaler, type FeatureScaler } from '../cluster/scaler.js';
import { LABEL_NODATA } from '../io/writeClassified.js';
import type { Window } from '../io/readWindow.js';
import type { Reporter } from '../reporter.js';
import { ClusterStatsAccumulator } from './clusterStats.js';
import { pixelSizeAtRow, type RunContext } from './runContext.js';
import { forEachSmoothedTile } from './smoothedTiles.js';

export interface PredictResult {
  stats: ClusterStatsAccumulator;
  validPixels: number;
  /** Sum of squared distances of every labelled pixel to its centre (scaled units). */
  sumSquaredDistance: number;
}

/**
 * The predict pass: smooth, scale and label every tile, hand each label tile
 * to `writeLabels`, and gather per-cluster statistics of the original values.
 */
export async function predictPass(
  ctx: RunContext,
  model: KMeansModel,
  scaler: FeatureScaler,
  reporter: Reporter,
  writeLabels: (core: Window, labels: Uint8Array) => Promise<void>,
): Promise<PredictResult> {
  const stats = new ClusterStatsAccumulator(model.k, ctx.nDates, ctx.nStatic);
  const areaCache = new Map<number, number>();
  const areaOfRow = (row: number) => {
    let a = areaCache.get(row);
    if (a === undefined) {
      const [sx, sy] = pixelSizeAtRow(ctx.graph.grid, row);
      a = sx * sy;
      areaCache.set(row, a);
    }
    return a;
  };
  const f = ctx.nFeatures;
  let validPixels = 0;
  let sumSquaredDistance = 0;
  await forEachSmoothedTile(ctx, 'predict pass', reporter, async ({ core, smoothed, valid, read }) => {
    const n = core.width * core.height;
    // Gather the nodes densely so the assignment kernel sees no NaN rows.
    let m = 0;
    for (let p = 0; p < n; p++) if (valid[p]) m++;
    const dense = new Float32Array(m * f);
    for (let p = 0, j = 0; p < n; p++) if (valid[p]) dense.set(smoothed.subarray(p * f, (p + 1) * f), (j++) * f);
    applyScaler(scaler, dense, m, dense);
    const denseLabels = new Uint8Array(m);
    sumSquaredDistance += assignNearest(model, dense, m, denseLabels);
    const labels = new Uint8Array(n).fill(LABEL_NODATA);
    for (let p = 0, j = 0; p < n; p++) if (valid[p]) labels[p] = denseLabels[j++];
    validPixels += m;
    stats.addTile(core, labels, read, areaOfRow);
    await writeLabels(core, labels);
  });
  return { stats, validPixels, sumSquaredDistance };
}
