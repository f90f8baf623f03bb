/**
 * Internal scores of a partition, with scikit-learn's definitions (sklearn.metrics):
 * silhouette, Davies–Bouldin and Calinski–Harabasz. They need no ground truth, so a
 * parameter sweep can compare values of k on the same rows.
 *
 * Rows are `n` feature vectors of `dim` values, row-major (Float32, as the pipeline keeps
 * them); every sum is in float64. Labels are any non-negative integers: as in
 * scikit-learn, only the labels present count as clusters, so an empty cluster of a
 * model does not change a score. Each score is NaN where scikit-learn raises an error
 * (fewer than 2 or more than n - 1 distinct labels).
 */

/** Euclidean distances between every pair of rows, condensed (i < j), for reuse across labelings. */
export interface CondensedDistances {
  n: number;
  /** Entry for the pair i < j is at `pairIndex(n, i, j)`. */
  values: Float64Array;
}

/** Position of the pair (i, j), i < j, in a condensed distance array of n rows (scipy's order). */
export function pairIndex(n: number, i: number, j: number): number {
  return i * n - (i * (i + 1)) / 2 + (j - i - 1);
}

/**
 * Distances between every pair of rows: n (n - 1) / 2 values. Computing them once lets
 * the silhouette of many labelings of the same rows (one per k) cost O(n^2) each instead
 * of O(n^2 dim). Memory is 4 n^2 bytes, so callers bound n (a sweep uses a few thousand).
 */
export function condensedDistances(data: Float32Array, n: number, dim: number): CondensedDistances {
  checkRows(data, n, dim);
  const values = new Float64Array((n * (n - 1)) / 2);
  const row = new Float64Array(dim);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < dim; f++) row[f] = data[i * dim + f];
    for (let j = i + 1; j < n; j++) {
      const base = j * dim;
      let sum = 0;
      for (let f = 0; f < dim; f++) {
        const d = row[f] - data[base + f];
        sum += d * d;
      }
      values[at++] = Math.sqrt(sum);
    }
  }
  return { n, values };
}

/**
 * Mean silhouette coefficient from precomputed distances: for each row, a = mean distance
 * to the other members of its cluster, b = smallest mean distance to the members of another
 * cluster, s = (b - a) / max(a, b); a row alone in its cluster scores 0 (Rousseeuw 1987,
 * scikit-learn's `silhouette_score`). From -1 (wrong clusters) to 1 (tight, well apart).
 */
export function silhouetteFromDistances(distances: CondensedDistances, labels: ArrayLike<number>): number {
  const { n, values } = distances;
  if (labels.length < n) throw new RangeError(`labels holds ${labels.length} entries, expected n = ${n}`);
  const { compact, sizes } = compactLabels(labels, n);
  const k = sizes.length;
  if (k < 2 || k > n - 1) return NaN;
  // sums[i * k + c]: total distance from row i to the rows of cluster c.
  const sums = new Float64Array(n * k);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const ci = compact[i];
    for (let j = i + 1; j < n; j++) {
      const d = values[at++];
      sums[i * k + compact[j]] += d;
      sums[j * k + ci] += d;
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) {
    const own = compact[i];
    if (sizes[own] === 1) continue; // s = 0
    const a = sums[i * k + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[i * k + c] / sizes[c]);
    const denominator = Math.max(a, b);
    if (denominator > 0) total += (b - a) / denominator;
  }
  return total / n;
}

/** Mean silhouette coefficient of a labeling of n rows (see {@link silhouetteFromDistances}). */
export function silhouetteScore(data: Float32Array, n: number, dim: number, labels: ArrayLike<number>): number {
  return silhouetteFromDistances(condensedDistances(data, n, dim), labels);
}

/**
 * Davies–Bouldin index (scikit-learn's `davies_bouldin_score`): for each cluster, the
 * largest (s_i + s_j) / d(c_i, c_j) over the other clusters, averaged; s is the mean
 * distance of a cluster's rows to its centroid, c the centroid (mean of its rows).
 * 0 is best; lower means tighter clusters further apart.
 */
export function daviesBouldinScore(data: Float32Array, n: number, dim: number, labels: ArrayLike<number>): number {
  checkRows(data, n, dim);
  const { compact, sizes } = compactLabels(labels, n);
  const k = sizes.length;
  if (k < 2 || k > n - 1) return NaN;
  const centroids = clusterCentroids(data, n, dim, compact, sizes);
  const spread = new Float64Array(k);
  for (let i = 0; i < n; i++) spread[compact[i]] += Math.sqrt(squaredDistanceToCentroid(data, i, dim, centroids, compact[i]));
  for (let c = 0; c < k; c++) spread[c] /= sizes[c];
  const between = (a: number, b: number) => {
    let sum = 0;
    for (let f = 0; f < dim; f++) {
      const d = centroids[a * dim + f] - centroids[b * dim + f];
      sum += d * d;
    }
    return Math.sqrt(sum);
  };
  // scikit-learn returns 0 when every spread or every centroid distance is (close to) zero.
  const closeToZero = (v: number) => Math.abs(v) <= 1e-8;
  let allSpreadZero = true;
  for (let c = 0; c < k; c++) if (!closeToZero(spread[c])) allSpreadZero = false;
  let allCentresTogether = true;
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) if (a !== b && !closeToZero(between(a, b))) allCentresTogether = false;
  if (allSpreadZero || allCentresTogether) return 0;
  let total = 0;
  for (let a = 0; a < k; a++) {
    let worst = 0;
    for (let b = 0; b < k; b++) {
      if (b === a) continue;
      const d = between(a, b);
      // Coincident centroids: scikit-learn divides by infinity there, so the pair adds 0.
      const ratio = d === 0 ? 0 : (spread[a] + spread[b]) / d;
      if (ratio > worst) worst = ratio;
    }
    total += worst;
  }
  return total / k;
}

/**
 * Calinski–Harabasz index (variance ratio criterion, scikit-learn's
 * `calinski_harabasz_score`): (between-cluster dispersion / (k - 1)) divided by
 * (within-cluster dispersion / (n - k)). Higher is better; 1 when every cluster is a point.
 */
export function calinskiHarabaszScore(data: Float32Array, n: number, dim: number, labels: ArrayLike<number>): number {
  checkRows(data, n, dim);
  const { compact, sizes } = compactLabels(labels, n);
  const k = sizes.length;
  if (k < 2 || k > n - 1) return NaN;
  const centroids = clusterCentroids(data, n, dim, compact, sizes);
  const mean = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let f = 0; f < dim; f++) mean[f] += data[i * dim + f];
  for (let f = 0; f < dim; f++) mean[f] /= n;
  let betweenDispersion = 0;
  for (let c = 0; c < k; c++) {
    let sum = 0;
    for (let f = 0; f < dim; f++) {
      const d = centroids[c * dim + f] - mean[f];
      sum += d * d;
    }
    betweenDispersion += sizes[c] * sum;
  }
  let withinDispersion = 0;
  for (let i = 0; i < n; i++) withinDispersion += squaredDistanceToCentroid(data, i, dim, centroids, compact[i]);
  return withinDispersion === 0 ? 1 : (betweenDispersion * (n - k)) / (withinDispersion * (k - 1));
}

/** Labels renumbered 0..k-1 in order of first appearance, and the size of each cluster. */
function compactLabels(labels: ArrayLike<number>, n: number): { compact: Int32Array; sizes: number[] } {
  if (labels.length < n) throw new RangeError(`labels holds ${labels.length} entries, expected n = ${n}`);
  const index = new Map<number, number>();
  const compact = new Int32Array(n);
  const sizes: number[] = [];
  for (let i = 0; i < n; i++) {
    let c = index.get(labels[i]);
    if (c === undefined) {
      c = sizes.length;
      index.set(labels[i], c);
      sizes.push(0);
    }
    compact[i] = c;
    sizes[c]++;
  }
  return { compact, sizes };
}

function clusterCentroids(data: Float32Array, n: number, dim: number, compact: Int32Array, sizes: number[]): Float64Array {
  const centroids = new Float64Array(sizes.length * dim);
  for (let i = 0; i < n; i++) {
    const base = compact[i] * dim;
    for (let f = 0; f < dim; f++) centroids[base + f] += data[i * dim + f];
  }
  for (let c = 0; c < sizes.length; c++) for (let f = 0; f < dim; f++) centroids[c * dim + f] /= sizes[c];
  return centroids;
}

function squaredDistanceToCentroid(data: Float32Array, i: number, dim: number, centroids: Float64Array, c: number): number {
  let sum = 0;
  for (let f = 0; f < dim; f++) {
    const d = data[i * dim + f] - centroids[c * dim + f];
    sum += d * d;
  }
  return sum;
}

function checkRows(data: Float32Array, n: number, dim: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (data.length < n * dim) throw new RangeError(`data holds ${data.length} values, expected n * dim = ${n * dim}`);
}
