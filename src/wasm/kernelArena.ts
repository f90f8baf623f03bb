import { KERNELS_WASM } from './kernelsWasm.js';

/**
 * The WebAssembly SIMD kernels of the hot loops (scripts/wasm/buildKernels.mjs says what
 * each computes: the scalar code's arithmetic, bit for bit, two values per f64x2). Compiled
 * once per thread; a module is immutable, each arena instantiates it over its own memory.
 */
const KERNELS = new WebAssembly.Module(Buffer.from(KERNELS_WASM, 'base64'));

/** Room left after each buffer: the smoothing kernels' last odd pixel reads up to 2 values past a plane. */
const PAD_BYTES = 16;
const PAGE_BYTES = 65_536;

/** Addresses are byte addresses in the arena; counts, indices and widths are in elements. */
export interface Kernels {
  /** The 8-neighbour smoothing run with unit weights (src/smooth/smoothPlanes.ts). */
  unitEight(src: number, dst: number, blend: number, start: number, end: number, w: number, shift: number, alpha: number): void;
  /** As unitEight, with the 8 neighbour weights (float64, window order) at `weights`. */
  weightedEight(src: number, dst: number, blend: number, start: number, end: number, w: number, shift: number, alpha: number, weights: number): void;
  /**
   * One hop of a plane over `n` runs (4 int32 each: row, first column, end column, edge flag) at
   * `spans`: the runs without the edge flag through unitEight or (weighted = 1) weightedEight,
   * as src/smooth/smoothPlanes.ts lays out window and core (scripts/wasm/buildKernels.mjs).
   */
  hopSpans(
    spans: number, n: number, src: number, dst: number, blend: number, w: number, wx0: number, wy0: number,
    last: number, cx0: number, cy0: number, cw: number, alpha: number, weighted: number, weights: number, weightsY0: number,
  ): void;
  /** plane[i] &= mask[i] for n int32 words (src/smooth/smoothPlanes.ts: non-nodes to +0, nodes as they are). */
  maskPlane(plane: number, mask: number, n: number): void;
  /**
   * Missing dates of n date planes (src/smooth/gapFillPlanes.ts): per pixel, adds the count of
   * NaN/+-Infinity values to `missing` and ORs 1 << shifts[d] into `blocks` for each missing date
   * d (int32 arrays); returns 1 when a value is +-Infinity.
   */
  countMissing(planes: number, n: number, plane: number, missing: number, blocks: number, shifts: number): number;
  /** out[j] = float32((plane[nodes[j]] - offset) * scale) for n nodes (src/cluster/assignPlanes.ts). */
  gatherScale(plane: number, nodes: number, n: number, offset: number, scale: number, out: number): void;
  /** Adds 4 features' squared differences to the k running sums of n nodes (src/cluster/assignPlanes.ts). */
  addGroup4(scaled: number, n: number, dist: number, k: number, centres: number): void;
  /**
   * Squared distances of n float32 rows of dim features to m float64 references (m a multiple
   * of 4, feature-major: refs[f * m + c]) into out[i * m + c], summed in feature order
   * (src/cluster/rowDistances.ts).
   */
  rowDistances(rows: number, n: number, dim: number, refs: number, m: number, out: number): void;
  /**
   * Undoes TIFF's floating-point predictor on `rows` rows of `words` 32-bit words: `src`
   * (4 * words bytes a row, overwritten) as a file stores them, `dst` the words (little-endian).
   * `stride` is the samples per pixel (src/io/floatPredictor.ts).
   */
  floatPredictorRows(src: number, dst: number, rows: number, words: number, stride: number): void;
  /**
   * Pixel-interleaved 32-bit words to planes: dst[i * stride + p] = src[p * samples + sel[i]] for
   * `pixels` pixels and `count` int32 sample indices at `sel` (src/io/floatPredictorRead.ts).
   */
  deinterleave(src: number, pixels: number, samples: number, sel: number, count: number, dst: number, stride: number): void;
}

type ElementType = 'f32' | 'f64' | 'i32' | 'u8';
const BYTES: Record<ElementType, number> = { f32: 4, f64: 8, i32: 4, u8: 1 };
type ViewOf<T extends ElementType> = T extends 'f64' ? Float64Array : T extends 'i32' ? Int32Array : T extends 'u8' ? Uint8Array : Float32Array;

/** A buffer in the arena: its byte address (what the kernels take) and a typed view of it. */
export class ArenaBuffer<T extends ElementType = ElementType> {
  private cached: ViewOf<T> | null = null;
  constructor(
    private readonly memory: WebAssembly.Memory,
    readonly type: T,
    readonly address: number,
    readonly length: number,
  ) {}

  /** The view, made again when the memory has grown since (growing detaches the old one). */
  get view(): ViewOf<T> {
    const buffer = this.memory.buffer;
    if (this.cached === null || this.cached.buffer !== buffer) {
      const View = this.type === 'f64' ? Float64Array : this.type === 'i32' ? Int32Array : this.type === 'u8' ? Uint8Array : Float32Array;
      this.cached = new View(buffer, this.address, this.length) as ViewOf<T>;
    }
    return this.cached;
  }
}

/**
 * The memory a tile's hot loops work in: their buffers must live where the WebAssembly
 * kernels can read them. One arena per runner of tile jobs (a worker thread, or the main
 * thread for --threads 1), reused from tile to tile: {@link reset} at the start of a tile,
 * then each user {@link allocate}s its buffers after the others' (the smoother, then the
 * assigner, which reads the smoother's planes in place).
 */
export class KernelArena {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  readonly kernels: Kernels;
  private end = 0;

  constructor() {
    this.kernels = new WebAssembly.Instance(KERNELS, { env: { memory: this.memory } }).exports as unknown as Kernels;
  }

  /** The arena's memory as it is now (a view on it lies in the arena when its buffer is this one). */
  get buffer(): ArrayBuffer {
    return this.memory.buffer;
  }

  /** Frees every buffer: the next allocations start again from the beginning (old views must no longer be used). */
  reset(): void {
    this.end = 0;
  }

  /** A buffer of `length` values of `type` after the ones allocated since the last reset (contents left as they were). */
  allocate<T extends ElementType>(type: T, length: number): ArenaBuffer<T> {
    const buffer = new ArenaBuffer(this.memory, type, this.end, length);
    this.end += Math.ceil((length * BYTES[type] + PAD_BYTES) / 16) * 16;
    const have = this.memory.buffer.byteLength;
    if (this.end > have) this.memory.grow(Math.ceil((this.end - have) / PAGE_BYTES));
    return buffer;
  }
}
