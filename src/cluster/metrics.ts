/**
 * Quality measures for a partition: agreement with a reference (ARI), spatial
 * coherence of a label raster, and inertia of a model on some rows.
 */
import { sumNearestDistances, type KMeansModel } from './nearestCentre.js';

/**
 * Adjusted Rand index of two labelings (Hubert & Arabie 1985): 1 for identical partitions
 * whatever the label names, about 0 for independent ones, negative when worse than chance.
 *
 * Pixels where either labeling equals `ignore` (default 255, the nodata label) are skipped.
 * When no pair of pixels can disagree (fewer than two pixels, or both labelings put
 * everything in one cluster, or both make every pixel its own cluster) the result is 1,
 * as in scikit-learn's `adjusted_rand_score`.
 *
 * @throws RangeError when the labelings differ in length.
 */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>, ignore = 255): number {
  if (a.length !== b.length) throw new RangeError(`labelings differ in length: ${a.length} and ${b.length}`);
  const rowsOf = new Map<number, number>();
  const colsOf = new Map<number, number>();
  const cells = new Map<number, number>();
  // Cell key row * stride + column needs the column count, so compact the labels first.
  const compactA = new Int32Array(a.length);
  const compactB = new Int32Array(a.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const la = a[i];
    const lb = b[i];
    if (la === ignore || lb === ignore) continue;
    let ra = rowsOf.get(la);
    if (ra === undefined) rowsOf.set(la, (ra = rowsOf.size));
    let cb = colsOf.get(lb);
    if (cb === undefined) colsOf.set(lb, (cb = colsOf.size));
    compactA[n] = ra;
    compactB[n] = cb;
    n++;
  }
  const stride = colsOf.size;
  const rowTotals = new Float64Array(rowsOf.size);
  const colTotals = new Float64Array(colsOf.size);
  for (let i = 0; i < n; i++) {
    const key = compactA[i] * stride + compactB[i];
    cells.set(key, (cells.get(key) ?? 0) + 1);
    rowTotals[compactA[i]] += 1;
    colTotals[compactB[i]] += 1;
  }

  let sumCells = 0;
  for (const count of cells.values()) sumCells += pairs(count);
  let sumRows = 0;
  for (const count of rowTotals) sumRows += pairs(count);
  let sumCols = 0;
  for (const count of colTotals) sumCols += pairs(count);

  if (n < 2) return 1;
  const expected = (sumRows * sumCols) / pairs(n);
  const maximum = (sumRows + sumCols) / 2;
  const denominator = maximum - expected;
  if (denominator === 0) return 1;
  return (sumCells - expected) / denominator;
}

function pairs(count: number): number {
  return (count * (count - 1)) / 2;
}

/** Counts behind {@link spatialCoherence}, so tiles can be summed (count each seam pair once). */
export interface CoherenceCounts {
  /** 4-neighbour pairs in which both pixels are labelled. */
  pairs: number;
  /** Of those, pairs with the same label. */
  samePairs: number;
}

/** Count labelled 4-neighbour pairs (right and down neighbours) of a row-major label grid. */
export function coherenceCounts(labels: Uint8Array, width: number, height: number, nodata = 255): CoherenceCounts {
  if (labels.length < width * height) throw new RangeError(`labels holds ${labels.length} pixels, expected ${width} x ${height}`);
  let total = 0;
  let same = 0;
  for (let y = 0; y < height; y++) {
    const rowBase = y * width;
    for (let x = 0; x < width; x++) {
      const here = labels[rowBase + x];
      if (here === nodata) continue;
      if (x + 1 < width) {
        const right = labels[rowBase + x + 1];
        if (right !== nodata) {
          total++;
          if (right === here) same++;
        }
      }
      if (y + 1 < height) {
        const below = labels[rowBase + width + x];
        if (below !== nodata) {
          total++;
          if (below === here) same++;
        }
      }
    }
  }
  return { pairs: total, samePairs: same };
}

/**
 * Share of 4-neighbour pairs of labelled pixels that carry the same label: 1 for a map of
 * solid regions, about sum_c p_c^2 for labels scattered at random. NaN when no two labelled
 * pixels touch (there is nothing to measure).
 */
export function spatialCoherence(labels: Uint8Array, width: number, height: number, nodata = 255): number {
  const { pairs: total, samePairs } = coherenceCounts(labels, width, height, nodata);
  return total === 0 ? NaN : samePairs / total;
}

/** Inertia: mean squared distance of n rows to their nearest centre (NaN for n = 0). */
export function inertia(model: KMeansModel, data: Float32Array, n: number): number {
  return n === 0 ? NaN : sumNearestDistances(model, data, n) / n;
}
