import { assignNearest } from '../../cluster/nearestCentre.js';
import { coherenceCounts } from '../../cluster/metrics.js';
import { calinskiHarabaszScore, condensedDistances, daviesBouldinScore, silhouetteFromDistances, type CondensedDistances } from '../../cluster/partitionScores.js';
import { applyScaler } from '../../cluster/scaler.js';
import type { Window } from '../../io/readWindow.js';
import type { SweepRow } from '../../report/sweepResult.js';

export type { SweepRow } from '../../report/sweepResult.js';
import { withTilePixels, type Reporter } from '../../reporter.js';
import { fitModel } from '../modelFile.js';
import type { RunContext } from '../session.js';
import { samplePass } from '../passes/samplePass.js';
import { forEachSmoothedTile } from '../passes/smoothedTiles.js';
import { tileGrid } from '../engine/tileLayout.js';

/** What every setting is measured on: the same rows and window for every k. */
export interface SettingEvaluation {
  rows: SweepRow[];
  validPixels: number;
  trainRows: number;
  testRows: number;
  silhouetteRows: number;
  /** Nodes in the coherence window. */
  coherencePixels: number;
}

/**
 * One (hops, alpha) setting: ONE sample pass (the smoothing of the whole scene) and one
 * smoothing of the coherence window, then every k fitted on that sample and scored.
 * The scaler depends only on the sample, so the scaled test rows and their pairwise
 * distances (for the silhouette) are computed once and shared by every k.
 */
export async function evaluateSetting(
  ctx: RunContext,
  ks: number[],
  silhouetteRowsWanted: number,
  window: Window,
  reporter: Reporter,
): Promise<SettingEvaluation> {
  const { hops, alpha } = ctx.options.smoothing;
  // The next setting's sample pass reads the windows again (the sweep's session keeps them).
  const sample = await samplePass(ctx, withTilePixels(reporter, ctx.tiles));
  reporter.debug?.(`hops ${hops}, alpha ${alpha}: ${sample.validPixels} valid pixels, ${sample.train.n} training and ${sample.test.n} test rows`);
  const windowFeatures = await smoothWindow(ctx, window, reporter);
  let shared: { test: Float32Array; total: number; distances: CondensedDistances; nSil: number } | null = null;
  const rows: SweepRow[] = [];
  for (const k of ks) {
    const t0 = performance.now();
    const fitted = fitModel({ ...ctx, options: { ...ctx.options, cluster: { ...ctx.options.cluster, k } } }, sample);
    const dim = ctx.nFeatures;
    if (shared === null) {
      const test = applyScaler(fitted.scaler, sample.test.data, sample.test.n);
      const nSil = Math.min(silhouetteRowsWanted, sample.test.n);
      shared = { test, total: totalVariance(test, sample.test.n, dim), distances: condensedDistances(test, nSil, dim), nSil };
    }
    const labels = new Int32Array(sample.test.n);
    assignNearest(fitted.model, shared.test, sample.test.n, labels);
    const testInertia = fitted.testInertia ?? NaN;
    rows.push({
      hops,
      alpha: hops === 0 ? null : alpha,
      k,
      testInertia,
      trainInertia: fitted.trainInertia,
      explainedShare: 1 - testInertia / shared.total,
      silhouette: silhouetteFromDistances(shared.distances, labels.subarray(0, shared.nSil)),
      daviesBouldin: daviesBouldinScore(shared.test, sample.test.n, dim, labels),
      calinskiHarabasz: calinskiHarabaszScore(shared.test, sample.test.n, dim, labels),
      spatialCoherence: windowCoherence(windowFeatures, fitted, window),
      smallestClusterShare: smallestShare(labels, k),
      epochs: fitted.fit.epochs,
      stopReason: fitted.fit.stopReason,
    });
    reporter.debug?.(`hops ${hops}, alpha ${alpha}, k ${k}: fitted in ${((performance.now() - t0) / 1000).toFixed(2)} s (${fitted.fit.epochs} epochs, ${fitted.fit.stopReason}), test inertia ${testInertia.toFixed(5)}`);
  }
  return { rows, validPixels: sample.validPixels, trainRows: sample.train.n, testRows: sample.test.n, silhouetteRows: shared?.nSil ?? 0, coherencePixels: windowFeatures.nodes };
}

/** Smoothed features of the coherence window (tiled like the scene, so memory stays per tile). */
interface WindowFeatures {
  features: Float32Array;
  valid: Uint8Array;
  nodes: number;
}

async function smoothWindow(ctx: RunContext, window: Window, reporter: Reporter): Promise<WindowFeatures> {
  const f = ctx.nFeatures;
  const features = new Float32Array(window.width * window.height * f);
  const valid = new Uint8Array(window.width * window.height);
  const tiles = tileGrid(window.width, window.height, ctx.options.execution.tileSize).map((t) => ({ ...t, x0: t.x0 + window.x0, y0: t.y0 + window.y0 }));
  let nodes = 0;
  await forEachSmoothedTile(
    ctx,
    'coherence window',
    withTilePixels(reporter, tiles),
    ({ core, smoothed, valid: coreValid }) => {
      for (let r = 0; r < core.height; r++) {
        for (let c = 0; c < core.width; c++) {
          const p = r * core.width + c;
          const q = (core.y0 - window.y0 + r) * window.width + (core.x0 - window.x0 + c);
          valid[q] = coreValid[p];
          nodes += coreValid[p];
          features.set(smoothed.subarray(p * f, (p + 1) * f), q * f);
        }
      }
    },
    tiles,
  );
  return { features, valid, nodes };
}

function windowCoherence(w: WindowFeatures, fitted: ReturnType<typeof fitModel>, window: Window): number {
  const dim = fitted.model.dim;
  const dense = new Float32Array(w.nodes * dim);
  for (let p = 0, j = 0; p < w.valid.length; p++) if (w.valid[p]) dense.set(w.features.subarray(p * dim, (p + 1) * dim), (j++) * dim);
  applyScaler(fitted.scaler, dense, w.nodes, dense);
  const denseLabels = new Uint8Array(w.nodes);
  assignNearest(fitted.model, dense, w.nodes, denseLabels);
  const labels = new Uint8Array(w.valid.length).fill(255);
  for (let p = 0, j = 0; p < w.valid.length; p++) if (w.valid[p]) labels[p] = denseLabels[j++];
  const { pairs, samePairs } = coherenceCounts(labels, window.width, window.height);
  return pairs === 0 ? NaN : samePairs / pairs;
}

/** Mean squared distance of the rows to their mean: the inertia of one cluster. */
function totalVariance(data: Float32Array, n: number, dim: number): number {
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) mean[f] += data[i * dim + f];
  for (let f = 0; f < dim; f++) mean[f] /= n;
  let sum = 0;
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) sum += (data[i * dim + f] - mean[f]) ** 2;
  return sum / n;
}

function smallestShare(labels: Int32Array, k: number): number {
  const counts = new Float64Array(k);
  for (const l of labels) counts[l]++;
  return labels.length === 0 ? NaN : Math.min(...counts) / labels.length;
}
