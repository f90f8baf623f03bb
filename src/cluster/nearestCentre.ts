/**
 * The assignment kernel shared by training (batch labels) and prediction (every tile).
 * It is the hottest loop of a run, so it works on flat arrays and allocates nothing per row.
 */

/** A fitted k-means model: k centres of `dim` features, row-major. */
export interface KMeansModel {
  k: number;
  dim: number;
  /** k * dim centre coordinates, row-major. */
  centres: Float64Array;
  /** Per-centre weight sums of the mini-batch updates (scikit-learn's `_counts`), not pixel counts. */
  counts: Float64Array;
}

/**
 * Nearest centre of rows `start .. end - 1` of `data`: writes labels (and squared distances)
 * at positions `0 .. end - start - 1` and returns the sum of squared distances.
 *
 * Distances are summed over exact differences in float64 (not the |x|^2 - 2x.c + |c|^2
 * shortcut, which loses digits when points sit far from the origin). Ties go to the lower
 * centre index. A centre is abandoned as soon as its partial sum reaches the best so far;
 * that cannot change the result, because the winner's sum is always completed.
 */
export function assignRange(
  centres: Float64Array,
  k: number,
  dim: number,
  data: Float32Array,
  start: number,
  end: number,
  labels: Uint8Array | Int32Array | null,
  dist2: Float32Array | Float64Array | null,
): number {
  // One row widened to float64 and the nearest distance, allocated once per call (not per row).
  const row = new Float64Array(dim);
  const nearest = new Float64Array(1);
  let total = 0;
  for (let i = start; i < end; i++) {
    const rowBase = i * dim;
    // Widen the row to float64 once, not once per centre.
    for (let f = 0; f < dim; f++) row[f] = data[rowBase + f];
    const bestCentre = nearestCentreOfRow(centres, k, dim, row, nearest);
    const best = nearest[0];
    if (labels !== null) labels[i - start] = bestCentre;
    if (dist2 !== null) dist2[i - start] = best;
    total += best;
  }
  return total;
}

/**
 * Index of the centre nearest to `row`; its squared distance goes to `nearest[0]`.
 * Kept apart from the label writes so this loop only ever sees Float64Arrays: with the
 * label stores (Uint8Array in prediction, Int32Array in training) in the same function,
 * V8 ran the whole kernel up to twice as slowly.
 */
function nearestCentreOfRow(centres: Float64Array, k: number, dim: number, row: Float64Array, nearest: Float64Array): number {
  let best = Infinity;
  let bestCentre = 0;
  for (let c = 0; c < k; c++) {
    const centreBase = c * dim;
    let sum = 0;
    for (let f = 0; f < dim; f++) {
      const d = row[f] - centres[centreBase + f];
      sum += d * d;
      if (sum >= best) break;
    }
    if (sum < best) {
      best = sum;
      bestCentre = c;
    }
  }
  nearest[0] = best;
  return bestCentre;
}

/**
 * Nearest centre for every row; writes labels (and optionally squared distances);
 * returns the sum of squared distances. Ties go to the lower centre index.
 * Rows must be finite (the pipeline fills gaps before scaling): a row with a NaN gets
 * label 0 and distance Infinity, which makes the returned sum Infinity rather than hiding it.
 *
 * @param data - n rows of `model.dim` features (already scaled), row-major.
 * @param labels - n labels out; a Uint8Array needs k <= 255 (255 is the nodata label).
 * @param dist2 - optional n squared distances out.
 */
export function assignNearest(
  model: KMeansModel,
  data: Float32Array,
  n: number,
  labels: Uint8Array | Int32Array,
  dist2?: Float32Array,
): number {
  checkModelAndRows(model, data, n);
  if (labels.length < n) throw new RangeError(`labels holds ${labels.length} entries, expected at least n = ${n}`);
  if (labels instanceof Uint8Array && model.k > 255) {
    throw new RangeError(`k = ${model.k} does not fit Uint8Array labels (0..254, 255 is nodata); pass an Int32Array`);
  }
  if (dist2 !== undefined && dist2.length < n) throw new RangeError(`dist2 holds ${dist2.length} entries, expected at least n = ${n}`);
  return assignRange(model.centres, model.k, model.dim, data, 0, n, labels, dist2 ?? null);
}

/** Sum of squared distances of n rows to their nearest centre, without writing labels. */
export function sumNearestDistances(model: KMeansModel, data: Float32Array, n: number): number {
  checkModelAndRows(model, data, n);
  return assignRange(model.centres, model.k, model.dim, data, 0, n, null, null);
}

function checkModelAndRows(model: KMeansModel, data: Float32Array, n: number): void {
  if (model.centres.length !== model.k * model.dim) {
    throw new RangeError(`model has ${model.centres.length} centre values, expected k * dim = ${model.k * model.dim}`);
  }
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (data.length < n * model.dim) throw new RangeError(`data holds ${data.length} values, expected n * dim = ${n * model.dim}`);
}
