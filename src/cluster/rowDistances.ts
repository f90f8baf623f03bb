/**
 * The fit's distance loops in the WebAssembly kernel: the training rows are copied into a
 * {@link KernelArena} once per fit, and each pass over them (the batch labels of a
 * mini-batch step, the k-means++ seeding's candidates, the training inertia) gets the
 * squared distances of a block of rows to a few reference vectors, four references per
 * row and feature in two f64x2.
 *
 * The numbers are those of the scalar loops, bit for bit: each distance is the float64 sum
 * of (row value - reference value)^2 in feature order. {@link nearestOfRows} gives
 * assignRange's labels and sums (every centre's sum is completed here, where assignRange
 * stops one that cannot win: a sum of squares only grows, so the winner and its distance
 * are the same).
 */
import { KernelArena, type ArenaBuffer } from '../wasm/kernelArena.js';

/** Rows whose distances one kernel call computes (the output block stays in the L2 cache). */
const BLOCK_ROWS = 2048;

export class RowDistances {
  private readonly arena = new KernelArena();
  private readonly rows: ArenaBuffer<'f32'>;
  private refs: ArenaBuffer<'f64'> | null = null;
  private out: ArenaBuffer<'f64'> | null = null;
  /** References the buffers have room for (a multiple of 4). */
  private room = 0;

  /**
   * @param data - n rows of dim float32 features, row-major (copied: later changes to it are not seen)
   */
  constructor(
    data: Float32Array,
    readonly n: number,
    readonly dim: number,
  ) {
    if (data.length < n * dim) throw new RangeError(`data holds ${data.length} values, expected n * dim = ${n * dim}`);
    this.rows = this.arena.allocate('f32', Math.max(1, n * dim));
    this.rows.view.set(data.subarray(0, n * dim));
  }

  /**
   * Squared distances of rows start .. start + count - 1 (count at most {@link BLOCK_ROWS}) to
   * the m references `refs` (m rows of dim float64, row-major): entry (i - start) * stride + c
   * of the returned view, good until the next call.
   */
  block(refs: Float64Array, m: number, start: number, count: number): { d: Float64Array; stride: number } {
    if (count > BLOCK_ROWS || start < 0 || start + count > this.n) throw new RangeError(`rows ${start} .. ${start + count - 1} are not a block of at most ${BLOCK_ROWS} of the ${this.n} rows`);
    if (refs.length < m * this.dim) throw new RangeError(`refs hold ${refs.length} values, expected m * dim = ${m * this.dim}`);
    const stride = Math.max(4, Math.ceil(m / 4) * 4);
    if (stride > this.room) {
      this.refs = this.arena.allocate('f64', stride * this.dim);
      this.out = this.arena.allocate('f64', stride * BLOCK_ROWS);
      this.room = stride;
    }
    const t = this.refs!.view;
    const { dim } = this;
    for (let f = 0; f < dim; f++) {
      for (let c = 0; c < m; c++) t[f * stride + c] = refs[c * dim + f];
      for (let c = m; c < stride; c++) t[f * stride + c] = 0;
    }
    this.arena.kernels.rowDistances(this.rows.address + 4 * start * dim, count, dim, this.refs!.address, stride, this.out!.address);
    return { d: this.out!.view, stride };
  }

  /** Rows per {@link block} call. */
  static readonly BLOCK_ROWS = BLOCK_ROWS;
}

/**
 * assignRange on the rows of `distances`: the nearest of the k centres (row-major, dim each)
 * for rows start .. end - 1, written at 0 .. end - start - 1 of `labels` (ties to the lower
 * centre); returns the sum of the nearest squared distances, in row order.
 */
export function nearestOfRows(distances: RowDistances, centres: Float64Array, k: number, start: number, end: number, labels: Int32Array | Uint8Array | null): number {
  let total = 0;
  for (let b = start; b < end; b += BLOCK_ROWS) {
    const count = Math.min(BLOCK_ROWS, end - b);
    const { d, stride } = distances.block(centres, k, b, count);
    for (let i = 0; i < count; i++) {
      let best = Infinity;
      let bestCentre = 0;
      for (let c = 0; c < k; c++) {
        const sum = d[i * stride + c];
        if (sum < best) {
          best = sum;
          bestCentre = c;
        }
      }
      if (labels !== null) labels[b - start + i] = bestCentre;
      total += best;
    }
  }
  return total;
}
