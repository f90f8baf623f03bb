/**
 * Deterministic, tile-order-free sampling of training pixels.
 *
 * The training sample must not depend on tile size, tile order, thread count or
 * shard (docs/DESIGN.md, contracts). So each pixel gets a key that is a pure function of
 * (seed, global pixel index), and the sample is "the `capacity` pixels with the
 * smallest keys": a bottom-k sample, which is a uniform sample without replacement
 * and can be built in any arrival order and merged across workers.
 */

import { murmurFinalise, murmurRound } from '../hash/murmur3.js';

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** MurmurHash3 of the five words (seed lo/hi, stream, index lo/hi) under a hash seed. */
function hashWords(hashSeed: number, seedLo: number, seedHi: number, stream: number, indexLo: number, indexHi: number): number {
  let h = hashSeed;
  h = murmurRound(h, seedLo);
  h = murmurRound(h, seedHi);
  h = murmurRound(h, stream);
  h = murmurRound(h, indexLo);
  h = murmurRound(h, indexHi);
  return murmurFinalise(h, 20);
}

/**
 * Uniform in [0, 1) from (seed, global pixel index, stream) by a good integer hash
 * (two independently seeded MurmurHash3 words give 53 bits); deterministic and
 * tile-order free.
 *
 * Use different `stream` values for independent decisions about the same pixel,
 * e.g. stream 0 for "is it in the sample" (its key) and stream 1 for "train or test".
 *
 * @param seed - the run's seed (any integer with |seed| < 2^53).
 * @param globalIndex - row * width + column in the whole raster; an integer in [0, 2^53).
 *   Not checked, because this is called once per pixel.
 * @param stream - a small integer naming the decision (taken modulo 2^32).
 */
export function pixelUniform(seed: number, globalIndex: number, stream: number): number {
  const seedLo = seed | 0;
  const seedHi = Math.floor(seed / TWO_POW_32) | 0;
  const indexLo = globalIndex | 0;
  const indexHi = Math.floor(globalIndex / TWO_POW_32) | 0;
  const a = hashWords(0x5bd1e995, seedLo, seedHi, stream | 0, indexLo, indexHi);
  const b = hashWords(0x27d4eb2f, seedLo, seedHi, stream | 0, indexLo, indexHi);
  return ((a >>> 5) * 67108864 + (b >>> 6)) / TWO_POW_53;
}

/** What {@link BottomKSample.finish} returns: rows sorted by key ascending (ties by global index). */
export interface BottomKResult {
  /** Number of rows kept: min(capacity, number of offers). */
  n: number;
  keys: Float64Array;
  /** Global pixel indices (doubles, because rasters can exceed 2^32 pixels). */
  indices: Float64Array;
  /** n * dim features, row-major. */
  data: Float32Array;
}

/**
 * A bounded "bottom-k" sample: keeps the `capacity` items with the smallest keys
 * seen so far, whatever order they arrive in.
 *
 * Items are compared by (key, global index), so equal keys are broken by index and
 * the kept set never depends on arrival order. A max-heap of slot numbers holds the
 * current worst item at the top, so a rejected offer costs one comparison and an
 * accepted one O(log capacity) swaps of slot numbers (feature rows never move).
 *
 * Offer each global index at most once: the sample treats two offers as two items.
 */
export class BottomKSample {
  readonly capacity: number;
  readonly dim: number;
  private size = 0;
  /** Finished in place ({@link finishInPlace}): its rows belong to the result. */
  private spent = false;
  private readonly keys: Float64Array;
  private readonly indices: Float64Array;
  private readonly rows: Float32Array;
  /** heap[position] = slot; the slot at position 0 holds the largest (key, index). */
  private readonly heap: Int32Array;

  constructor(capacity: number, dim: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`capacity must be a non-negative integer, got ${capacity}`);
    if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dim must be a positive integer, got ${dim}`);
    this.capacity = capacity;
    this.dim = dim;
    this.keys = new Float64Array(capacity);
    this.indices = new Float64Array(capacity);
    this.rows = new Float32Array(capacity * dim);
    this.heap = new Int32Array(capacity);
  }

  /** Number of items currently kept. */
  get count(): number {
    return this.size;
  }

  /**
   * Keys above this cannot enter the sample any more: the largest kept key once the sample
   * is full, Infinity before (and -Infinity at capacity 0, which takes nothing). Workers
   * drop the pixels above it before smoothing them.
   */
  get threshold(): number {
    if (this.capacity === 0) return -Infinity;
    return this.size < this.capacity ? Infinity : this.keys[this.heap[0]];
  }

  /**
   * Offer one item. `features[offset .. offset + dim)` is copied only if the item is kept.
   */
  offer(key: number, globalIndex: number, features: Float32Array, offset: number): void {
    if (this.spent) this.checkNotSpent();
    let slot: number;
    if (this.size < this.capacity) {
      slot = this.size;
      this.heap[this.size] = slot;
      this.size++;
      this.store(slot, key, globalIndex, features, offset);
      this.siftUp(this.size - 1);
      return;
    }
    if (this.capacity === 0) return;
    slot = this.heap[0];
    const worstKey = this.keys[slot];
    // Quick reject first: this is the common case once the sample is full.
    if (key > worstKey || (key === worstKey && globalIndex >= this.indices[slot])) return;
    this.store(slot, key, globalIndex, features, offset);
    this.siftDown(0);
  }

  /** Offer every item of `other` (same dim); the result is the bottom-k of the union. */
  merge(other: BottomKSample): void {
    if (other.dim !== this.dim) throw new RangeError(`cannot merge samples of dim ${other.dim} into dim ${this.dim}`);
    other.checkNotSpent();
    for (let slot = 0; slot < other.size; slot++) {
      this.offer(other.keys[slot], other.indices[slot], other.rows, slot * other.dim);
    }
  }

  /** The kept items sorted by key ascending (ties by index); copies, so the sample stays usable. */
  finish(): BottomKResult {
    this.checkNotSpent();
    const n = this.size;
    const order = this.sortedSlots();
    const dim = this.dim;
    const keys = new Float64Array(n);
    const indices = new Float64Array(n);
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const slot = order[i];
      keys[i] = this.keys[slot];
      indices[i] = this.indices[slot];
      data.set(this.rows.subarray(slot * dim, slot * dim + dim), i * dim);
    }
    return { n, keys, indices, data };
  }

  /**
   * {@link finish}'s result without copying the rows: they are put in key order in the
   * sample's own memory, which the result's `data` views. The sample is spent after it (a
   * training sample of 100,000 rows of 132 features is 53 MB a copy would touch afresh).
   */
  finishInPlace(): BottomKResult {
    this.checkNotSpent();
    this.spent = true;
    const n = this.size;
    const order = this.sortedSlots();
    const keys = new Float64Array(n);
    const indices = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      keys[i] = this.keys[order[i]];
      indices[i] = this.indices[order[i]];
    }
    // Row i takes slot order[i]'s row: follow each cycle of the permutation with one spare row.
    const dim = this.dim, rows = this.rows;
    const spare = new Float32Array(dim);
    const placed = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (placed[i] || order[i] === i) continue;
      spare.set(rows.subarray(i * dim, i * dim + dim));
      let j = i;
      for (;;) {
        placed[j] = 1;
        const from = order[j];
        if (from === i) break;
        rows.copyWithin(j * dim, from * dim, from * dim + dim);
        j = from;
      }
      rows.set(spare, j * dim);
    }
    return { n, keys, indices, data: rows.subarray(0, n * dim) };
  }

  /** The slots of the kept items in (key, index) order. */
  private sortedSlots(): Int32Array {
    const order = this.heap.slice(0, this.size);
    order.sort((a, b) => this.keys[a] - this.keys[b] || this.indices[a] - this.indices[b]);
    return order;
  }

  private checkNotSpent(): void {
    if (this.spent) throw new Error('this sample was finished in place; its rows are the result now');
  }

  private store(slot: number, key: number, globalIndex: number, features: Float32Array, offset: number): void {
    this.keys[slot] = key;
    this.indices[slot] = globalIndex;
    const dim = this.dim;
    const base = slot * dim;
    for (let f = 0; f < dim; f++) this.rows[base + f] = features[offset + f];
  }

  /** True when the item in slot a sorts after the item in slot b. */
  private after(a: number, b: number): boolean {
    const ka = this.keys[a];
    const kb = this.keys[b];
    return ka > kb || (ka === kb && this.indices[a] > this.indices[b]);
  }

  private siftUp(position: number): void {
    const heap = this.heap;
    const slot = heap[position];
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.after(slot, heap[parent])) break;
      heap[position] = heap[parent];
      position = parent;
    }
    heap[position] = slot;
  }

  private siftDown(position: number): void {
    const heap = this.heap;
    const size = this.size;
    const slot = heap[position];
    for (;;) {
      let child = 2 * position + 1;
      if (child >= size) break;
      if (child + 1 < size && this.after(heap[child + 1], heap[child])) child++;
      if (!this.after(heap[child], slot)) break;
      heap[position] = heap[child];
      position = child;
    }
    heap[position] = slot;
  }
}
