/**
 * The fit's distances in the WebAssembly kernel against the scalar loops: the same labels
 * and the same float64 sums, bit for bit, for any number of centres (the kernel pads them
 * to a multiple of 4), blocks that end mid-way, ties and rows far from the origin.
 */
import { describe, expect, it } from 'vitest';
import { kmeansPlusPlus } from '../src/cluster/kmeansPlusPlus.js';
import { MiniBatchScratch, miniBatchStep } from '../src/cluster/miniBatchStep.js';
import { assignRange } from '../src/cluster/nearestCentre.js';
import { SeededRandom } from '../src/cluster/random.js';
import { nearestOfRows, RowDistances } from '../src/cluster/rowDistances.js';
import { testRandom } from './helpers/testRandom.js';

function rows(n: number, dim: number, seed: number): Float32Array {
  const random = testRandom(seed);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < data.length; i++) data[i] = (random() - 0.5) * 10 + (i % 7 === 0 ? 1e4 : 0);
  return data;
}

describe('RowDistances', () => {
  it.each([1, 2, 3, 4, 5, 9])('gives assignRange labels and sums, bit for bit (k = %i)', (k) => {
    const n = RowDistances.BLOCK_ROWS * 2 + 37, dim = 19;
    const data = rows(n, dim, k);
    const centres = Float64Array.from(data.subarray(0, k * dim)); // rows 0 .. k-1 are centres: distance 0 there
    if (k > 1) centres.set(centres.subarray(0, dim), (k - 1) * dim); // a tie: the lower centre wins
    const distances = new RowDistances(data, n, dim);
    for (const [start, end] of [[0, n], [5, RowDistances.BLOCK_ROWS + 9], [n - 3, n]]) {
      const want = new Int32Array(end - start), got = new Int32Array(end - start);
      const wantSum = assignRange(centres, k, dim, data, start, end, want, null);
      const gotSum = nearestOfRows(distances, centres, k, start, end, got);
      expect(Object.is(gotSum, wantSum)).toBe(true);
      expect(Array.from(got)).toEqual(Array.from(want));
    }
  });

  it('makes the same k-means++ seeding and the same mini-batch steps', () => {
    const n = 5000, dim = 23;
    const data = rows(n, dim, 77);
    const distances = new RowDistances(data, n, dim);
    for (const k of [2, 4, 7]) {
      const a = kmeansPlusPlus(data, 3000, dim, k, new SeededRandom(k));
      const b = kmeansPlusPlus(data, 3000, dim, k, new SeededRandom(k), undefined, distances);
      expect(Array.from(b.rowIndices)).toEqual(Array.from(a.rowIndices));
      expect(Object.is(b.potential, a.potential)).toBe(true);
    }
    const k = 4, batch = 256;
    const scalar = { centres: Float64Array.from(data.subarray(0, k * dim)), counts: new Float64Array(k), scratch: new MiniBatchScratch(k, dim, batch) };
    const kernel = { centres: scalar.centres.slice(), counts: new Float64Array(k), scratch: new MiniBatchScratch(k, dim, batch, distances) };
    const rngA = new SeededRandom(3), rngB = new SeededRandom(3);
    for (let start = 0; start < n; start += batch) {
      const end = Math.min(n, start + batch);
      const a = miniBatchStep(scalar.centres, scalar.counts, k, dim, data, start, end, scalar.scratch, rngA, start % 2560 === 0, 0.01);
      const b = miniBatchStep(kernel.centres, kernel.counts, k, dim, data, start, end, kernel.scratch, rngB, start % 2560 === 0, 0.01);
      expect(Object.is(b, a)).toBe(true);
    }
    expect(Buffer.from(kernel.centres.buffer).equals(Buffer.from(scalar.centres.buffer))).toBe(true);
    expect(Array.from(kernel.counts)).toEqual(Array.from(scalar.counts));
  });
});
