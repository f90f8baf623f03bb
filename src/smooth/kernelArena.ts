import { EIGHT_KERNELS_WASM } from './eightKernelsWasm.js';

/**
 * The WebAssembly SIMD kernels of the 8-neighbour runs (scripts/wasm/buildKernels.mjs says
 * what they compute: the scalar kernels' arithmetic, bit for bit, two pixels per f64x2).
 * Compiled once per thread; a module is immutable, each arena instantiates it over its own memory.
 */
const EIGHT_KERNELS = new WebAssembly.Module(Buffer.from(EIGHT_KERNELS_WASM, 'base64'));

/** Room left after each buffer: the kernels' last odd pixel reads up to 2 values past a plane. */
const PAD_BYTES = 16;
const PAGE_BYTES = 65_536;

export interface EightKernels {
  /** Addresses are byte addresses in the arena; start, end, w, shift in elements. */
  unitEight(src: number, dst: number, blend: number, start: number, end: number, w: number, shift: number, alpha: number): void;
  /** As unitEight, with the 8 neighbour weights (float64, window order) at byte address `weights`. */
  weightedEight(src: number, dst: number, blend: number, start: number, end: number, w: number, shift: number, alpha: number, weights: number): void;
}

/** A typed view in the arena and its byte address (what the kernels take). */
export interface ArenaBuffer<T extends Float32Array | Float64Array> {
  view: T;
  address: number;
}

/**
 * The memory the smoothing of one tile works in: its planes must live where the WebAssembly
 * kernels can read them. One arena per runner of tile jobs (a worker thread, or the main
 * thread for --threads 1), reused from tile to tile: each {@link KernelArena.allocate} lays the
 * buffers out afresh from the start, so views from an earlier call must no longer be used.
 */
export class KernelArena {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  readonly kernels: EightKernels;

  constructor() {
    this.kernels = new WebAssembly.Instance(EIGHT_KERNELS, { env: { memory: this.memory } }).exports as unknown as EightKernels;
  }

  /** Buffers of the given types and lengths, one after the other (contents left as they were). */
  allocate(specs: readonly { type: 'f32' | 'f64'; length: number }[]): ArenaBuffer<Float32Array | Float64Array>[] {
    const addresses: number[] = [];
    let end = 0;
    for (const s of specs) {
      addresses.push(end);
      end += Math.ceil((s.length * (s.type === 'f64' ? 8 : 4) + PAD_BYTES) / 16) * 16;
    }
    const have = this.memory.buffer.byteLength;
    if (end > have) this.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    const buffer = this.memory.buffer;
    return specs.map((s, k) => ({ view: s.type === 'f64' ? new Float64Array(buffer, addresses[k], s.length) : new Float32Array(buffer, addresses[k], s.length), address: addresses[k] }));
  }
}
