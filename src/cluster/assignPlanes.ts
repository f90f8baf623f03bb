import type { KMeansModel } from './nearestCentre.js';
import type { FeatureScaler } from './scaler.js';

/**
 * Scaling and nearest-centre assignment fed one feature plane at a time, so a tile's
 * smoothed features never need to exist all at once: after each feature plane the
 * squared differences to every centre are added to per-node running sums.
 *
 * The numbers are those of applyScaler + assignNearest, bit for bit: the scaled value
 * is (x - offset) * scale rounded to float32, each node's distance to a centre is the
 * float64 sum of squared differences in feature order, the smallest sum wins and ties
 * go to the lower centre. (assignNearest stops summing a centre once it cannot win;
 * a sum of squares only grows, so that never changes the winner or its distance.)
 */
/** Nodes per block of the assignment loops. */
const BLOCK = 1024;

export class PlaneAssigner {
  private readonly k: number;
  private readonly dim: number;
  /** dist[c * n + j]: running squared distance of node j to centre c. */
  private readonly dist: Float64Array;
  private readonly scaled: Float64Array;
  private nextFeature = 0;

  /**
   * @param nodes - positions of the nodes in the feature planes given to {@link addFeature}
   */
  /**
   * @param work - optional buffer of at least k * n values for the running sums, reused between
   *   tiles (zeroed here)
   */
  constructor(
    private readonly model: KMeansModel,
    private readonly scaler: FeatureScaler,
    private readonly nodes: Int32Array,
    private readonly n: number = nodes.length,
    work?: Float64Array,
  ) {
    if (model.centres.length !== model.k * model.dim) throw new RangeError(`model has ${model.centres.length} centre values, expected k * dim = ${model.k * model.dim}`);
    if (scaler.offset.length !== model.dim) throw new RangeError(`scaler has ${scaler.offset.length} features, the model ${model.dim}`);
    this.k = model.k;
    this.dim = model.dim;
    this.dist = work && work.length >= this.k * n ? work.subarray(0, this.k * n).fill(0) : new Float64Array(this.k * n);
    this.scaled = new Float64Array(Math.min(n, BLOCK));
  }

  /** Adds feature `f` (call with f = 0, 1, ..., dim - 1) from its plane of unscaled values. */
  addFeature(f: number, plane: Float32Array): void {
    if (f !== this.nextFeature) throw new RangeError(`features must be added in order: expected ${this.nextFeature}, got ${f}`);
    this.nextFeature++;
    const { n, nodes, scaled, dist, k, dim } = this;
    const offset = this.scaler.offset[f];
    const scale = this.scaler.scale[f];
    const centres = this.model.centres;
    // In blocks of nodes, so the scaled values and the k running sums stay in the L1 cache.
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const j1 = Math.min(n, j0 + BLOCK);
      for (let j = j0; j < j1; j++) scaled[j - j0] = Math.fround((plane[nodes[j]] - offset) * scale);
      for (let c = 0; c < k; c++) {
        const centre = centres[c * dim + f];
        const base = c * n;
        for (let j = j0; j < j1; j++) {
          const d = scaled[j - j0] - centre;
          dist[base + j] += d * d;
        }
      }
    }
  }

  /**
   * Labels of the nodes (in `nodes` order) once every feature was added; returns the
   * sum of the nodes' squared distances to their centres, summed in node order.
   */
  finish(labels: Uint8Array | Int32Array): number {
    if (this.nextFeature !== this.dim) throw new RangeError(`${this.nextFeature} of ${this.dim} features were added`);
    const { n, k, dist } = this;
    let total = 0;
    for (let j = 0; j < n; j++) {
      let best = Infinity;
      let bestCentre = 0;
      for (let c = 0; c < k; c++) {
        const sum = dist[c * n + j];
        if (sum < best) {
          best = sum;
          bestCentre = c;
        }
      }
      labels[j] = bestCentre;
      total += best;
    }
    return total;
  }
}
