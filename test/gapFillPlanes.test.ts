/**
 * Node marking and gap filling on band-sequential planes against the pixel-interleaved
 * rule (fillGapsInTime): the same nodes and the same filled bits, for date counts that
 * take every path of the marking (a remainder of dates, more than 128 dates), on coverage
 * where nodes and holes alternate pixel by pixel, in chunks of pixels of every size from one
 * pixel to more than the window.
 */
import { describe, expect, it } from 'vitest';
import { fillGapsInTime } from '../src/smooth/fillGaps.js';
import { GapList, InfiniteCount, markNodes, restoreGaps } from '../src/smooth/gapFillPlanes.js';
import { KernelArena } from '../src/wasm/kernelArena.js';
import { testRandom } from './helpers/testRandom.js';

const W = 37, H = 23, STATICS = 2;

function scene(nDates: number, seed: number) {
  const random = testRandom(seed);
  const plane = W * H;
  const planes = new Float32Array((nDates + STATICS) * plane);
  for (let p = 0; p < plane; p++) {
    const hole = random() < 0.35; // no data at any date
    const gappy = random() < 0.2 ? 0.25 : 0.02; // some too gappy to be nodes
    for (let t = 0; t < nDates; t++) planes[t * plane + p] = hole || random() < gappy ? NaN : (random() - 0.5) * 50 + t;
    for (let s = 0; s < STATICS; s++) planes[(nDates + s) * plane + p] = random() < 0.02 ? NaN : random();
  }
  planes[(nDates - 1) * plane + 5] = Infinity;
  planes[2 * plane + 300] = -Infinity;
  planes[nDates * plane + 7] = Infinity; // a static infinity
  planes[4 * plane + 3 * W] = Infinity; // in column 0, outside the core the test counts in
  for (let t = 0; t < 3; t++) planes[t * plane + 100] = NaN; // leading gap
  const dayOffsets = Float64Array.from({ length: nDates }, (_v, t) => t * 12 + (t % 3));
  return { planes, plane, dayOffsets };
}

describe('markNodes', () => {
  it.each([9, 64, 130, 200].flatMap((n) => [[n, 1], [n, 7], [n, 256], [n, 4096]]))('gives the nodes and filled values of fillGapsInTime, bit for bit (%i dates, chunks of %i pixels)', (nDates, chunkPixels) => {
    const { planes, plane, dayOffsets } = scene(nDates, nDates);
    const original = planes.slice();
    const valid = new Uint8Array(plane), missing = new Int32Array(plane);
    const window = { x0: 0, y0: 0, width: W, height: H };
    const core = { x0: 2, y0: 0, width: W - 4, height: H - 2 }; // infinities outside the core are not counted
    const infinite = new InfiniteCount(window, core);
    const { nodes, filled } = markNodes(planes, plane, nDates, STATICS, 0.2, valid, missing, new KernelArena(), infinite, { dayOffsets, gaps: new GapList() }, chunkPixels);

    // The pixel-interleaved rule on the same values (infinities are missing values).
    const interleaved = new Float32Array(plane * nDates);
    for (let p = 0; p < plane; p++) for (let t = 0; t < nDates; t++) interleaved[p * nDates + t] = Number.isFinite(original[t * plane + p]) ? original[t * plane + p] : NaN;
    const expectedValid = new Uint8Array(plane);
    fillGapsInTime(interleaved, plane, nDates, dayOffsets, 0.2, expectedValid);
    for (let p = 0; p < plane; p++) for (let s = 0; s < STATICS; s++) if (!Number.isFinite(original[(nDates + s) * plane + p])) expectedValid[p] = 0;
    expect(Array.from(valid)).toEqual(Array.from(expectedValid));
    expect(nodes).toBe(expectedValid.reduce((a, v) => a + v, 0));
    expect(nodes).toBeGreaterThan(plane / 3);
    for (let p = 0; p < plane; p++) {
      let count = 0;
      for (let t = 0; t < nDates; t++) count += Number.isFinite(original[t * plane + p]) ? 0 : 1;
      if (missing[p] !== count) throw new Error(`pixel ${p}: ${missing[p]} missing dates counted, ${count} expected`);
    }
    let compared = 0;
    for (let p = 0; p < plane; p++) {
      for (let t = 0; t < nDates; t++) {
        const want = valid[p] ? interleaved[p * nDates + t] : original[t * plane + p]; // non-nodes are left as read
        if (!Object.is(planes[t * plane + p], want)) throw new Error(`pixel ${p} date ${t}: ${planes[t * plane + p]} != ${want}`);
        compared++;
      }
    }
    expect(compared).toBe(plane * nDates);
    expect(filled!.index.length).toBeGreaterThan(nodes * nDates * 0.005);
    // The first infinity in the lowest layer, scanning each layer row by row; those outside the core are not counted.
    expect(infinite).toMatchObject({ count: 3, first: { layer: 2, col: 300 % W, row: Math.floor(300 / W) } });
    // Put back, the window is as read.
    restoreGaps(planes, filled!);
    expect(Buffer.from(planes.buffer).equals(Buffer.from(original.buffer))).toBe(true);
    // Without filling (the predict pass with ready features): the same nodes, the window untouched.
    const again = new Uint8Array(plane);
    expect(markNodes(planes, plane, nDates, STATICS, 0.2, again, missing, new KernelArena(), undefined, undefined, chunkPixels)).toEqual({ nodes, filled: null });
    expect(Array.from(again)).toEqual(Array.from(valid));
    expect(Buffer.from(planes.buffer).equals(Buffer.from(original.buffer))).toBe(true);
  });
});
