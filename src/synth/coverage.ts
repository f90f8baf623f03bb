import { smoothRandomField } from './fields.js';
import { topQuantile } from './quantiles.js';
import { gaussianFromHash, hashKeys, mix32 } from './random.js';

/**
 * Coverage patterns of a synthetic scene, by the name `synth --coverage` accepts:
 *
 * - `preset`: the preset's own coverage (the fjord, vegetated lowland or glaciers).
 * - `full`: every pixel covered.
 * - `blobby`: a thresholded smooth field: a few large covered patches with clean edges.
 * - `fragmented`: the same smooth field plus pixel noise before the threshold, as real
 *   InSAR coverage looks (coherence drops pixel by pixel): ragged edges, isolated
 *   covered pixels in the gaps and isolated holes in the patches.
 *
 * With every pattern but `preset`, the regimes are laid out over the whole grid (the
 * fjord counts as flat land) and the pattern then decides which pixels have data.
 */
export const COVERAGE_PATTERNS = ['preset', 'full', 'blobby', 'fragmented'] as const;

/** A key of {@link COVERAGE_PATTERNS}. */
export type CoveragePattern = (typeof COVERAGE_PATTERNS)[number];

/** Default share of covered pixels for `blobby` and `fragmented`: that of the scene in issue 13. */
export const DEFAULT_VALID_SHARE = 0.65;

/**
 * Std of the per-pixel noise added to the unit-variance field of `fragmented`: enough
 * that about half the covered pixels miss one of their 8 neighbours at 65 % coverage.
 */
const FRAGMENT_NOISE = 0.9;

/** Random stream of the coverage field and of its pixel noise (distinct from the layout's fields). */
const COVERAGE_STREAM = 0xc0fe;

/**
 * Which pixels of a `width` x `height` grid have data (1) under a pattern other than
 * `preset`: the top `validShare` of a score, so the share is what was asked whatever the
 * seed (exact on small grids, within a fraction of a percent on large ones, whose
 * threshold comes from a regular subsample). Deterministic by seed.
 */
export function coverageMask(pattern: Exclude<CoveragePattern, 'preset'>, width: number, height: number, validShare: number, cellPixels: number, seed: number): Uint8Array {
  const n = width * height;
  const mask = new Uint8Array(n);
  if (pattern === 'full') return mask.fill(1);
  // Coverage blobs are finer than the regime patches, so every patch is cut by gaps.
  const score = smoothRandomField(width, height, cellPixels / 2, hashKeys(seed, COVERAGE_STREAM, 0), 3);
  if (pattern === 'fragmented') {
    const key = hashKeys(seed, COVERAGE_STREAM, 1);
    for (let i = 0; i < n; i++) score[i] += FRAGMENT_NOISE * gaussianFromHash(mix32((Math.imul(i, 0x9e3779b1) ^ key) >>> 0));
  }
  const everyPixel = new Uint8Array(n).fill(1);
  const count = Math.round(validShare * n);
  if (count === 0) return mask;
  const threshold = topQuantile(score, everyPixel, count);
  for (let i = 0; i < n; i++) mask[i] = score[i] >= threshold ? 1 : 0;
  return mask;
}
