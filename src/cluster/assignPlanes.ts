import { KernelArena, type ArenaBuffer } from '../wasm/kernelArena.js';
import type { KMeansModel } from './nearestCentre.js';
import type { FeatureScaler } from './scaler.js';

/** Nodes per block of the assignment loops (as the WebAssembly kernel's ASSIGN_BLOCK). */
const BLOCK = 1024;
/** Features whose squared differences are added in one sweep over the running sums. */
const GROUP = 4;

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
 *
 * The running sums and scaled values live in a {@link KernelArena}: the gathering and the
 * sums of full groups of 4 features go through its WebAssembly kernels (two nodes per
 * f64x2, the same operations in the same order), the rest through the scalar loops below.
 */
export class PlaneAssigner {
  private readonly k: number;
  private readonly dim: number;
  /** dist[c * n + j]: running squared distance of node j to centre c. */
  private readonly dist: ArenaBuffer<'f64'>;
  /** Scaled values (float32, as rounded) of the features not yet added to the sums: GROUP planes of n. */
  private readonly scaled: ArenaBuffer<'f32'>;
  /** The nodes' positions, and the centre values of a group (4 per centre), for the kernels. */
  private readonly nodeIndex: ArenaBuffer<'i32'>;
  private readonly groupCentres: ArenaBuffer<'f64'>;
  private readonly arena: KernelArena;
  private readonly groupFeatures: number[] = [];
  private nextFeature = 0;

  /**
   * @param nodes - positions of the nodes in the feature planes given to {@link addFeature}
   * @param arena - where the sums live (default: a new one); planes in it are read in place
   */
  constructor(
    private readonly model: KMeansModel,
    private readonly scaler: FeatureScaler,
    private readonly nodes: Int32Array,
    private readonly n: number = nodes.length,
    arena: KernelArena = new KernelArena(),
  ) {
    if (model.centres.length !== model.k * model.dim) throw new RangeError(`model has ${model.centres.length} centre values, expected k * dim = ${model.k * model.dim}`);
    if (scaler.offset.length !== model.dim) throw new RangeError(`scaler has ${scaler.offset.length} features, the model ${model.dim}`);
    this.k = model.k;
    this.dim = model.dim;
    this.arena = arena;
    this.dist = arena.allocate('f64', this.k * n);
    this.dist.view.fill(0);
    this.scaled = arena.allocate('f32', GROUP * n);
    this.nodeIndex = arena.allocate('i32', n);
    this.nodeIndex.view.set(nodes.subarray(0, n));
    this.groupCentres = arena.allocate('f64', GROUP * this.k);
  }

  /** Adds feature `f` (call with f = 0, 1, ..., dim - 1) from its plane of unscaled values. */
  addFeature(f: number, plane: Float32Array): void {
    if (f !== this.nextFeature) throw new RangeError(`features must be added in order: expected ${this.nextFeature}, got ${f}`);
    this.nextFeature++;
    const { n, nodes } = this;
    const offset = this.scaler.offset[f];
    const scale = this.scaler.scale[f];
    const at = this.groupFeatures.length * n;
    if (plane.buffer === this.arena.buffer) {
      this.arena.kernels.gatherScale(plane.byteOffset, this.nodeIndex.address, n, offset, scale, this.scaled.address + 4 * at);
    } else {
      const scaled = this.scaled.view;
      for (let j = 0; j < n; j++) scaled[at + j] = (plane[nodes[j]] - offset) * scale;
    }
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
    const { n, k, dim, groupFeatures } = this;
    const centres = this.model.centres;
    const g = groupFeatures.length;
    if (g === GROUP) {
      const e = this.groupCentres.view;
      for (let c = 0; c < k; c++) for (let q = 0; q < GROUP; q++) e[c * GROUP + q] = centres[c * dim + groupFeatures[q]];
      this.arena.kernels.addGroup4(this.scaled.address, n, this.dist.address, k, this.groupCentres.address);
      groupFeatures.length = 0;
      return;
    }
    const scaled = this.scaled.view, dist = this.dist.view;
    for (let j0 = 0; j0 < n; j0 += BLOCK) {
      const j1 = Math.min(n, j0 + BLOCK);
      for (let c = 0; c < k; c++) {
        const base = c * n;
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
    groupFeatures.length = 0;
  }

  /**
   * Labels of the nodes (in `nodes` order) once every feature was added; returns the
   * sum of the nodes' squared distances to their centres, summed in node order.
   */
  finish(labels: Uint8Array | Int32Array): number {
    if (this.nextFeature !== this.dim) throw new RangeError(`${this.nextFeature} of ${this.dim} features were added`);
    if (this.groupFeatures.length > 0) this.addGroup();
    const { n, k } = this;
    const dist = this.dist.view;
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
