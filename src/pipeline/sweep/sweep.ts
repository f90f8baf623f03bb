import type { Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import type { MethodOptions } from '../options.js';
import { prepareRun, withSession } from '../session.js';
import { recommendCombination } from './sweepRecommend.js';
import { checkSweepOutputs, sweepOutputPaths, writeSweepOutputs, type SweepOutputs } from './sweepOutputs.js';
import { evaluateSetting, type SweepRow } from './sweepSetting.js';

import type { SweepGrid, SweepResult } from '../../report/sweepResult.js';

export type { SweepGrid, SweepResult, SweepRow } from '../../report/sweepResult.js';

/** How each combination is measured. */
export interface SweepSettings {
  /** Test rows the silhouette is computed on (it costs O(n^2)): the first ones by draw key, a uniform subset. */
  silhouetteRows: number;
  /** Edge of the square window, at the scene centre, whose labels give the spatial coherence (the whole scene when smaller). */
  coherenceWindow: number;
}

export const SWEEP_DEFAULTS: SweepSettings = { silhouetteRows: 3000, coherenceWindow: 256 };

/** The distinct smoothing settings of a grid: hops 0 once (alpha changes nothing without smoothing). */
export function smoothingSettings(grid: SweepGrid): { hops: number; alpha: number }[] {
  const settings: { hops: number; alpha: number }[] = [];
  for (const hops of grid.hops) {
    if (hops === 0) settings.push({ hops, alpha: grid.alpha[0] });
    else for (const alpha of grid.alpha) settings.push({ hops, alpha });
  }
  return settings;
}

/** The coherence window: a centred square of `edge` pixels, clipped to the scene. */
export function coherenceWindowOf(width: number, height: number, edge: number): Window {
  const w = Math.min(edge, width);
  const h = Math.min(edge, height);
  return { x0: Math.floor((width - w) / 2), y0: Math.floor((height - h) / 2), width: w, height: h };
}

/**
 * `sweep`: scores every (k, hops, alpha) of `grid` on the training sample of the scene.
 * Smoothing is the costly part, so it runs once per (hops, alpha): one sample pass over
 * the scene and one over the coherence window; every k is then fitted on that sample.
 * Other options (graph, features, sample size, seed...) are fixed by `options`.
 */
export async function sweepScene(scenePath: string, grid: SweepGrid, options: MethodOptions, settings: SweepSettings, reporter: Reporter): Promise<SweepResult> {
  const started = performance.now();
  // With --window-cache, each setting's sample pass reads the windows the first one decoded; its smoothing differs, so no features.
  return withSession(scenePath, options, reporter, 'windows', async (session) => {
    const { scene } = session;
    const window = coherenceWindowOf(scene.width, scene.height, settings.coherenceWindow);
    const ks = [...grid.k].sort((a, b) => a - b);
    const rows: SweepRow[] = [];
    const smoothing = smoothingSettings(grid);
    let last: Awaited<ReturnType<typeof evaluateSetting>> | null = null;
    for (const [i, s] of smoothing.entries()) {
      const ctx = prepareRun(session, { ...options, smoothing: { ...options.smoothing, hops: s.hops, alpha: s.alpha } });
      reporter.info(`setting ${i + 1}/${smoothing.length}: hops ${s.hops}${s.hops === 0 ? '' : `, alpha ${s.alpha}`}: sample pass over ${ctx.tiles.length} tiles, then k = ${ks.join(', ')}`);
      last = await evaluateSetting(ctx, ks, settings.silhouetteRows, window, reporter);
      rows.push(...last.rows);
    }
    session.lastPassDone();
    const recommendation = recommendCombination(rows);
    return {
      scene: scenePath,
      grid: { k: ks, hops: grid.hops, alpha: grid.alpha },
      rows,
      recommendation,
      evaluation: {
        validPixels: last?.validPixels ?? 0,
        trainRows: last?.trainRows ?? 0,
        testRows: last?.testRows ?? 0,
        silhouetteRows: last?.silhouetteRows ?? 0,
        coherenceWindow: window,
        coherencePixels: last?.coherencePixels ?? 0,
        samplePasses: smoothing.length,
        description:
          'Every combination is fitted on the same training pixels and scored on the same held-out test pixels (the draw does not depend on ' +
          'smoothing). Inertia, Davies-Bouldin and Calinski-Harabasz use all test rows, the silhouette the first silhouetteRows of them ' +
          '(a uniform subset), all in the scaled units of their (hops, alpha). Spatial coherence is the share of 4-neighbour pairs with the ' +
          'same label among the labelled pixels of coherenceWindow (a centred window, the whole scene when it is smaller).',
      },
      timingsSeconds: { total: Number(((performance.now() - started) / 1000).toFixed(3)) },
    };
  });
}

/**
 * The `sweep` command: checks the outputs, sweeps the grid, and with `prefix` writes
 * PREFIX.csv, PREFIX.json and PREFIX.svg.
 */
export async function runSweep(
  scenePath: string,
  grid: SweepGrid,
  options: MethodOptions,
  settings: SweepSettings,
  prefix: string | null,
  reporter: Reporter,
): Promise<{ result: SweepResult; outputs: SweepOutputs | null }> {
  const outputs = prefix === null ? null : sweepOutputPaths(prefix);
  if (outputs) checkSweepOutputs(outputs, options.execution.overwrite);
  const result = await sweepScene(scenePath, grid, options, settings, reporter);
  if (outputs) await writeSweepOutputs(result, options, outputs);
  return { result, outputs };
}
