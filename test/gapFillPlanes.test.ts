/**
 * Node marking and gap filling on band-sequential planes against the pixel-interleaved
 * rule (fillGapsInTime): the same nodes and the same filled bits, for date counts that
 * take every path of the marking (a remainder of dates, more than 128 dates), on coverage
 * where nodes and holes alternate pixel by pixel.
 */
import { describe, expect, it } from 'vitest';
import { fillGapsInTime } from '../src/smooth/fillGaps.js';
import { fillGapsInPlace, GapList, InfiniteCount, markNodes, restoreGaps } from '../src/smooth/gapFillPlanes.js';
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
  for (let t = 0; t < 3; t++) planes[t * plane + 100] = NaN; // leading gap
  const dayOffsets = Float64Array.from({ length: nDates }, (_v, t) => t * 12 + (t % 3));
  return { planes, plane, dayOffsets };
}

describe('markNodes + fillGapsInPlace', () => {
  it.each([9, 64, 130, 200].flatMap((n) => [[n, 'scalar code'], [n, 'the WebAssembly kernel']]))('give the nodes and filled values of fillGapsInTime, bit for bit (%i dates, counted by %s)', (nDates, by) => {
    const arena = by === 'scalar code' ? undefined : new KernelArena();
    const { planes, plane, dayOffsets } = scene(Number(nDates), Number(nDates));
    const original = planes.slice();
    const valid = new Uint8Array(plane), missing = new Int32Array(plane);
    const window = { x0: 0, y0: 0, width: W, height: H };
    const infinite = new InfiniteCount(window, window);
    const gaps = new GapList();
    const nodes = markNodes(planes, plane, nDates, STATICS, 0.2, valid, missing, infinite, gaps, arena);
    const filled = fillGapsInPlace(planes, plane, nDates, dayOffsets, valid, gaps);

    // The pixel-interleaved rule on the same values (infinities are missing values).
    const interleaved = new Float32Array(plane * nDates);
    for (let p = 0; p < plane; p++) for (let t = 0; t < nDates; t++) interleaved[p * nDates + t] = Number.isFinite(original[t * plane + p]) ? original[t * plane + p] : NaN;
    const expectedValid = new Uint8Array(plane);
    fillGapsInTime(interleaved, plane, nDates, dayOffsets, 0.2, expectedValid);
    for (let p = 0; p < plane; p++) for (let s = 0; s < STATICS; s++) if (!Number.isFinite(original[(nDates + s) * plane + p])) expectedValid[p] = 0;
    expect(Array.from(valid)).toEqual(Array.from(expectedValid));
    expect(nodes).toBe(expectedValid.reduce((a, v) => a + v, 0));
    expect(nodes).toBeGreaterThan(plane / 3);
    let compared = 0;
    for (let p = 0; p < plane; p++) {
      if (!valid[p]) continue;
      for (let t = 0; t < nDates; t++) {
        if (!Object.is(planes[t * plane + p], interleaved[p * nDates + t])) throw new Error(`pixel ${p} date ${t}: ${planes[t * plane + p]} != ${interleaved[p * nDates + t]}`);
        compared++;
      }
    }
    expect(compared).toBe(nodes * nDates);
    expect(filled.index.length).toBeGreaterThan(nodes * nDates * 0.005);
    expect(infinite).toMatchObject({ count: 3, first: { layer: 2, col: 300 % W, row: Math.floor(300 / W) } });
    // Put back, the window is as read.
    restoreGaps(planes, filled);
    expect(Buffer.from(planes.buffer).equals(Buffer.from(original.buffer))).toBe(true);
    // Without gap bookkeeping (the predict pass with ready features): the same nodes.
    const again = new Uint8Array(plane);
    expect(markNodes(planes, plane, nDates, STATICS, 0.2, again, missing, undefined, undefined, arena)).toBe(nodes);
    expect(Array.from(again)).toEqual(Array.from(valid));
  });
});
