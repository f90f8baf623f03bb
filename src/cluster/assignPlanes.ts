import type { KMeansModel } from './nearestCentre.js';
import type { FeatureScaler } from './scaler.js';

/** Nodes per block of the assignment loops. */
const BLOCK = 1024;
/** Features whose squared differences are added in one sweep over the running sums. */
const GROUP = 4;

/** Length of the `scaledWork` buffer a {@link PlaneAssigner} of n nodes takes. */
export const scaledWorkLength = (n: number): number => GROUP * n;

/**
 * Scaling and nearest-centre assignment fed one feature plane at a time, so a tile's
 * smoothed features never need to exist all at once: every few feature planes their
 * squared differences to every centre are added to per-node running sums.
 *
 * The numbers are those of applyScaler + assignNearest, bit for bit: the scaled value
 * is (x - offset) * scale rounded to float32, each node's distance to a centre is the
 * float64 sum of squared differences in feature order, the smallest sum wins and ties
 * go to the lower centre. (assignNearest stops summing a centre once it cannot win;
 * a sum of squares only grows, so that never changes the winner or its distance.)
 */
export class PlaneAssigner {
  private readonly k: number;
  private readonly dim: number;
  /** dist[c * n + j]: running squared distance of node j to centre c. */
  private readonly dist: Float64Array;
  /** Scaled values (float32, as rounded) of the features not yet added to the sums: GROUP planes of n. */
  private readonly scaled: Float32Array;
  private readonly groupFeatures: number[] = [];
  private nextFeature = 0;

  /**
   * @param nodes - positions of the nodes in the feature planes given to {@link addFeature}
   * @param work - optional buffer of at least k * n values for the running sums, reused between
   *   tiles (zeroed here)
   * @param scaledWork - optional buffer of at least {@link scaledWorkLength}(n) values for the scaled features, reused between tiles
   */
  constructor(
    private readonly model: KMeansModel,
    private readonly scaler: FeatureScaler,
    private readonly nodes: Int32Array,
    private readonly n: number = nodes.length,
    work?: Float64Array,
    scaledWork?: Float32Array,
  ) {
    if (model.centres.length !== model.k * model.dim) throw new RangeError(`model has ${model.centres.length} centre values, expected k * dim = ${model.k * model.dim}`);
    if (scaler.offset.length !== model.dim) throw new RangeError(`scaler has ${scaler.offset.length} features, the model ${model.dim}`);
    this.k = model.k;
    this.dim = model.dim;
    this.dist = work && work.length >= this.k * n ? work.subarray(0, this.k * n).fill(0) : new Float64Array(this.k * n);
    this.scaled = scaledWork && scaledWork.length >= GROUP * n ? scaledWork.subarray(0, GROUP * n) : new Float32Array(GROUP * n);
  }

  /** Adds feature `f` (call with f = 0, 1, ..., dim - 1) from its plane of unscaled values. */
  addFeature(f: number, plane: Float32Array): void {
    if (f !== this.nextFeature) throw new RangeError(`features must be added in order: expected ${this.nextFeature}, got ${f}`);
    this.nextFeature++;
    const { n, nodes } = this;
    const offset = this.scaler.offset[f];
    const scale = this.scaler.scale[f];
    const scaled = this.scaled.subarray(this.groupFeatures.length * n, (this.groupFeatures.length + 1) * n);
    for (let j = 0; j < n; j++) scaled[j] = (plane[nodes[j]] - offset) * scale;
    this.groupFeatures.push(f);
    if (this.groupFeatures.length === GROUP) this.addGroup();
  }

  /**
   * Adds the squared differences of the features held back to the running sums: for each
   * node and centre one load and store of the sum for up to GROUP features, added in feature
   * order (the same float64 additions as one feature at a time). In blocks of nodes, so the
   * scaled values and the k running sums stay in the L1 cache.
   */
  private addGroup(): void {
    const { n, scaled, dist, k, dim, groupFeatures } = this;
    const centres = this.model.centres;
    const g = groupFeatures.length;
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const j1 = Math.min(n, j0 + BLOCK);
      for (let c = 0; c < k; c++) {
        const base = c * n;
        if (g === 4) {
          const e0 = centres[c * dim + groupFeatures[0]], e1 = centres[c * dim + groupFeatures[1]];
          const e2 = centres[c * dim + groupFeatures[2]], e3 = centres[c * dim + groupFeatures[3]];
          for (let j = j0; j < j1; j++) {
            const d0 = scaled[j] - e0, d1 = scaled[n + j] - e1, d2 = scaled[2 * n + j] - e2, d3 = scaled[3 * n + j] - e3;
            dist[base + j] = dist[base + j] + d0 * d0 + d1 * d1 + d2 * d2 + d3 * d3;
          }
        } else {
          for (let q = 0; q < g; q++) {
            const centre = centres[c * dim + groupFeatures[q]];
            const at = q * n;
            for (let j = j0; j < j1; j++) {
              const d = scaled[at + j] - centre;
              dist[base + j] += d * d;
            }
          }
        }
      }
    }
    groupFeatures.length = 0;
  }

  /**
   * Labels of the nodes (in `nodes` order) once every feature was added; returns the
   * sum of the nodes' squared distances to their centres, summed in node order.
   */
  finish(labels: Uint8Array | Int32Array): number {
    if (this.nextFeature !== this.dim) throw new RangeError(`${this.nextFeature} of ${this.dim} features were added`);
    if (this.groupFeatures.length > 0) this.addGroup();
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
