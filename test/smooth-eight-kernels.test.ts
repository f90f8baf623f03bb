import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without types
import { kernelsModuleText } from '../scripts/wasm/buildKernels.mjs';
import { KernelArena } from '../src/smooth/kernelArena.js';
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

describe('WebAssembly 8-neighbour kernels', () => {
  it('are assembled from the build script as committed (run node scripts/wasm/buildKernels.mjs after editing it)', async () => {
    const committed = readFileSync(new URL('../src/smooth/eightKernelsWasm.ts', import.meta.url), 'utf8');
    expect(committed).toBe(await kernelsModuleText());
  });

  it('give the scalar bits for every run length, offset and shift, with cancelling sums, -0 and NaN blend factors', () => {
    const random = testRandom(11);
    const W = 41, H = 9, P = W * H;
    const arena = new KernelArena();
    const [src, dst, blend, weights] = arena.allocate([
      { type: 'f32', length: P },
      { type: 'f32', length: P + 64 },
      { type: 'f64', length: P },
      { type: 'f64', length: 8 },
    ]);
    const s = src.view as Float32Array, b = blend.view as Float64Array;
    for (let p = 0; p < P; p++) {
      const r = random();
      // Huge values of both signs next to small ones, zeros of both signs: any other order or rounding shows in the bits.
      s[p] = r < 0.2 ? 2 ** 60 : r < 0.4 ? -(2 ** 60) : r < 0.5 ? -0 : r < 0.6 ? 0 : (random() - 0.5) * 10;
      const q = random();
      b[p] = q < 0.1 ? NaN : q < 0.2 ? 0 : q < 0.3 ? -0.0625 : 0.0625 * (1 + random());
    }
    const c = [0.7, 1.3, 0.7, 1.1, 0.9, 0.7, 1.3, 0.7].map((v) => v * (1 + random() * 1e-3));
    (weights.view as Float64Array).set(c);
    const expected = new Float32Array(P + 64);
    let runs = 0;
    for (const weighted of [false, true]) {
      for (let len = 1; len <= 19; len++) {
        for (const x0 of [1, 2, 3]) {
          for (const shift of [0, 5, 37]) {
            for (const alpha of [0.5, 0.3, -0]) {
              const y = 1 + (len % (H - 2));
              const start = y * W + x0, end = Math.min(start + len, y * W + W - 1);
              const d = dst.view as Float32Array;
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

  it('keep working after the arena grows (views are laid out afresh)', () => {
    const arena = new KernelArena();
    const small = arena.allocate([{ type: 'f32', length: 16 }]);
    expect(small[0].view.length).toBe(16);
    const W = 600, H = 200;
    const [src, dst, blend] = arena.allocate([
      { type: 'f32', length: W * H },
      { type: 'f32', length: W * H },
      { type: 'f64', length: W * H },
    ]);
    (src.view as Float32Array).fill(2);
    (blend.view as Float64Array).fill(0.5 / 8);
    arena.kernels.unitEight(src.address, dst.address, blend.address, W + 1, 2 * W - 1, W, 0, 0.5);
    // 0.5 * 2 + (0.5 / 8) * 16 = 2
    expect(Array.from((dst.view as Float32Array).subarray(W + 1, 2 * W - 1)).every((v) => v === 2)).toBe(true);
  });
});
