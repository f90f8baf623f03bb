import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { kernelsModuleText } from '../scripts/wasm/buildKernels.mjs';
import { PlaneAssigner } from '../src/cluster/assignPlanes.js';
import { KernelArena } from '../src/wasm/kernelArena.js';
import { testRandom } from './helpers/testRandom.js';

/**
 * The scalar 8-neighbour runs the WebAssembly kernels replace, as smoothPlanes.ts had them:
 * the documented order (S = 0 + the 8 terms in window order, float64; then
 * alpha * own + blend * S, stored as float32), one pixel at a time.
 */
function scalarRun(src: Float32Array, dst: Float32Array, blend: Float64Array, weights: number[] | null, i: number, end: number, w: number, shift: number, alpha: number): void {
  const c = weights ?? [1, 1, 1, 1, 1, 1, 1, 1];
  for (; i < end; i++) {
    const v = [src[i - w - 1], src[i - w], src[i - w + 1], src[i - 1], src[i + 1], src[i + w - 1], src[i + w], src[i + w + 1]];
    let sum = 0;
    for (let k = 0; k < 8; k++) sum = sum + (weights ? c[k] * v[k] : v[k]);
    dst[i + shift] = alpha * src[i] + blend[i] * sum;
  }
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('WebAssembly kernels', () => {
  it('are assembled from the build script as committed (run node scripts/wasm/buildKernels.mjs after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/kernelsWasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await kernelsModuleText());
  });

  it('give the scalar bits for every run length, offset and shift, with cancelling sums, -0 and NaN blend factors', () => {
    const random = testRandom(11);
    const W = 41, H = 9, P = W * H;
    const arena = new KernelArena();
    const src = arena.allocate('f32', P), dst = arena.allocate('f32', P + 64), blend = arena.allocate('f64', P), weights = arena.allocate('f64', 8);
    const s = src.view, b = blend.view;
    for (let p = 0; p < P; p++) {
      const r = random();
      // Huge values of both signs next to small ones, zeros of both signs: any other order or rounding shows in the bits.
      s[p] = r < 0.2 ? 2 ** 60 : r < 0.4 ? -(2 ** 60) : r < 0.5 ? -0 : r < 0.6 ? 0 : (random() - 0.5) * 10;
      const q = random();
      b[p] = q < 0.1 ? NaN : q < 0.2 ? 0 : q < 0.3 ? -0.0625 : 0.0625 * (1 + random());
    }
    const c = [0.7, 1.3, 0.7, 1.1, 0.9, 0.7, 1.3, 0.7].map((v) => v * (1 + random() * 1e-3));
    weights.view.set(c);
    const expected = new Float32Array(P + 64);
    let runs = 0;
    for (const weighted of [false, true]) {
      for (let len = 1; len <= 19; len++) {
        for (const x0 of [1, 2, 3]) {
          for (const shift of [0, 5, 37]) {
            for (const alpha of [0.5, 0.3, -0]) {
              const y = 1 + (len % (H - 2));
              const start = y * W + x0, end = Math.min(start + len, y * W + W - 1);
              const d = dst.view;
              d.fill(7);
              expected.fill(7);
              scalarRun(s, expected, b, weighted ? c : null, start, end, W, shift, alpha);
              if (weighted) arena.kernels.weightedEight(src.address, dst.address, blend.address, start, end, W, shift, alpha, weights.address);
              else arena.kernels.unitEight(src.address, dst.address, blend.address, start, end, W, shift, alpha);
              const got = bits(d), want = bits(expected);
              const first = want.findIndex((v, i) => v !== got[i]);
              expect({ weighted, len, x0, shift, alpha, first }).toEqual({ weighted, len, x0, shift, alpha, first: -1 });
              runs++;
            }
          }
        }
      }
    }
    expect(runs).toBe(2 * 19 * 3 * 3 * 3);
  });

  it('keep buffers allocated before the arena grows (their views are made again) and start afresh after a reset', () => {
    const arena = new KernelArena();
    const small = arena.allocate('f32', 16);
    small.view.set(Array.from({ length: 16 }, (_v, i) => i));
    const W = 600, H = 200;
    const src = arena.allocate('f32', W * H), dst = arena.allocate('f32', W * H), blend = arena.allocate('f64', W * H);
    expect(Array.from(small.view)).toEqual(Array.from({ length: 16 }, (_v, i) => i));
    src.view.fill(2);
    blend.view.fill(0.5 / 8);
    arena.kernels.unitEight(src.address, dst.address, blend.address, W + 1, 2 * W - 1, W, 0, 0.5);
    // 0.5 * 2 + (0.5 / 8) * 16 = 2
    expect(Array.from(dst.view.subarray(W + 1, 2 * W - 1)).every((v) => v === 2)).toBe(true);
    arena.reset();
    expect(arena.allocate('f32', 4).address).toBe(0);
  });

  it('assign as the scalar definition does, bit for bit: features read in place or copied, groups of 4 and a last partial group, odd node counts', () => {
    const random = testRandom(3);
    for (const [n, dim, k] of [[1, 4, 1], [7, 9, 3], [2049, 13, 4], [1500, 132, 6]]) {
      const corePlane = n + 37;
      const nodes = Int32Array.from({ length: n }, (_v, j) => j + Math.floor((j * 37) / n));
      const model = { k, dim, centres: Float64Array.from({ length: k * dim }, () => (random() - 0.5) * 4), counts: new Float64Array(k) };
      const scaler = { layout: { nDynamic: dim, nStatic: 0, staticWeight: 1 }, offset: Float64Array.from({ length: dim }, () => random() - 0.5), scale: Float64Array.from({ length: dim }, () => 0.5 + random()) };
      const planes = Array.from({ length: dim }, () => Float32Array.from({ length: corePlane }, () => (random() - 0.5) * 10 + (random() < 0.1 ? 2 ** 30 : 0)));
      // The definition: scaled = float32((x - offset) * scale); distance = float64 sum over features in order; lowest wins, ties to the lower centre.
      const want = new Uint8Array(n);
      let wantTotal = 0;
      for (let j = 0; j < n; j++) {
        let best = Infinity, bestC = 0;
        for (let c = 0; c < k; c++) {
          let d2 = 0;
          for (let f = 0; f < dim; f++) {
            const d = Math.fround((planes[f][nodes[j]] - scaler.offset[f]) * scaler.scale[f]) - model.centres[c * dim + f];
            d2 += d * d;
          }
          if (d2 < best) [best, bestC] = [d2, c];
        }
        want[j] = bestC;
        wantTotal += best;
      }
      for (const inPlace of [true, false]) {
        const arena = new KernelArena();
        const room = arena.allocate('f32', corePlane);
        const assigner = new PlaneAssigner(model, scaler, nodes, n, arena);
        for (let f = 0; f < dim; f++) {
          if (inPlace) room.view.set(planes[f]);
          assigner.addFeature(f, inPlace ? room.view : planes[f]);
        }
        const got = new Uint8Array(n);
        expect({ n, dim, k, inPlace, total: assigner.finish(got) }).toEqual({ n, dim, k, inPlace, total: wantTotal });
        expect(Array.from(got)).toEqual(Array.from(want));
      }
    }
  });

  it('undo the floating-point predictor as TIFF Technical Note 3 defines it: every stride, row length and bit pattern', () => {
    const random = testRandom(5);
    // The encoder, from the note: each row's words split into byte planes (most significant
    // first), then every byte less the one `stride` before it, from the row's end backwards.
    const encode = (words: Uint32Array, stride: number) => {
      const n = words.length, row = new Uint8Array(4 * n);
      for (let c = 0; c < n; c++) for (let b = 0; b < 4; b++) row[b * n + c] = (words[c] >>> (24 - 8 * b)) & 255;
      for (let j = 4 * n - 1; j >= stride; j--) row[j] = (row[j] - row[j - stride]) & 255;
      return row;
    };
    const special = [0x7fc00000, 0xffc00001, 0x7f800000, 0xff800000, 0x80000000, 0x00000001, 0x807fffff, 0xffffffff, 0];
    let cases = 0;
    for (const stride of [1, 2, 3, 4, 15, 16, 17, 32, 128]) {
      for (const pixels of [1, 2, 3, 5, 15, 16, 17, 31, 33, 64, 255]) {
        const words = pixels * stride;
        const rows = 1 + Math.floor(random() * 3);
        const arena = new KernelArena();
        const src = arena.allocate('u8', rows * 4 * words), dst = arena.allocate('f32', rows * words);
        const expected = new Uint32Array(rows * words);
        for (let i = 0; i < expected.length; i++) expected[i] = random() < 0.1 ? special[i % special.length] : Math.floor(random() * 2 ** 32);
        for (let r = 0; r < rows; r++) src.view.set(encode(expected.subarray(r * words, (r + 1) * words), stride), r * 4 * words);
        arena.kernels.floatPredictorRows(src.address, dst.address, rows, words, stride);
        expect(bits(dst.view), `stride ${stride}, ${pixels} pixels, ${rows} rows`).toEqual(expected);
        cases++;
      }
    }
    expect(cases).toBe(99);
  });

  it('mask a plane as an AND of int32 words: every length, the words past it untouched, NaN and -0 kept where the mask is -1', () => {
    const random = testRandom(6);
    const special = [0x7fc00000, 0xff800000, 0x80000000, 0x00000001, 0xffffffff];
    for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 63, 64, 65, 1001]) {
      const arena = new KernelArena();
      const plane = arena.allocate('i32', n + 4), mask = arena.allocate('i32', n + 4);
      for (let i = 0; i < n + 4; i++) {
        plane.view[i] = random() < 0.2 ? special[i % special.length] : Math.floor(random() * 2 ** 32);
        mask.view[i] = random() < 0.5 ? -1 : 0;
      }
      const want = Int32Array.from(plane.view, (v, i) => (i < n ? v & mask.view[i] : v));
      arena.kernels.maskPlane(plane.address, mask.address, n);
      expect(Array.from(plane.view), `n = ${n}`).toEqual(Array.from(want));
    }
  });
  it('deinterleave pixel-interleaved words into planes: any sample count, any choice and order of samples, partial blocks of 32 pixels', () => {
    const random = testRandom(8);
    for (const [pixels, samples, sel] of [[1, 1, [0]], [31, 3, [2, 0]], [32, 5, [4, 1, 3]], [33, 16, [15, 0, 7]], [100, 128, [127, 0, 64, 3]], [65, 2, [1, 1, 0]]] as [number, number, number[]][]) {
      const arena = new KernelArena();
      const stride = pixels + 3; // planes further apart than they are long: the words between stay
      const src = arena.allocate('i32', pixels * samples), selection = arena.allocate('i32', sel.length), dst = arena.allocate('i32', sel.length * stride);
      for (let i = 0; i < pixels * samples; i++) src.view[i] = Math.floor(random() * 2 ** 32);
      dst.view.fill(-7);
      selection.view.set(sel);
      arena.kernels.deinterleave(src.address, pixels, samples, selection.address, sel.length, dst.address, stride);
      const want = new Int32Array(sel.length * stride).fill(-7);
      sel.forEach((s, i) => {
        for (let p = 0; p < pixels; p++) want[i * stride + p] = src.view[p * samples + s];
      });
      expect(Array.from(dst.view), `${pixels} pixels of ${samples} samples, samples ${sel.join(',')}`).toEqual(Array.from(want));
    }
  });
});
