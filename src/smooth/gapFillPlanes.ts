/**
 * Node flags and gap filling on band-sequential planes, as a GDAL window read
 * delivers them (plane t holds date t for every pixel of the window).
 *
 * Same rule and the same arithmetic as {@link fillGapsInTime} (which works on
 * pixel-interleaved rows), so the filled values are bit-identical, without
 * transposing 128-date windows. {@link markNodes} notes where the gaps are while it
 * counts them; {@link fillGapsInPlace} then touches only the gaps (a few percent of
 * the values) and can put the original values back for the per-cluster statistics.
 */

import type { KernelArena } from '../wasm/kernelArena.js';

/** Slack on the missing-date threshold; the same as fillGapsInTime's. */
const THRESHOLD_TOLERANCE = 1e-9;

/**
 * Marks the nodes of a window: at most `maxMissing` of the dates missing (NaN or
 * +-Infinity, which is a broken value, not a measurement), at least one present,
 * and every static layer finite.
 *
 * @param planes - nDates date planes (time order) then nStatic static planes, `plane` values each
 * @param valid - receives 1 (node) or 0 per pixel
 * @param arena - where the WebAssembly kernels count the missing dates (the planes are copied
 *   in, a few at a time); without it, scalar code does, with the same result
 * @returns the number of nodes
 */
export function markNodes(
  planes: Float32Array,
  plane: number,
  nDates: number,
  nStatic: number,
  maxMissing: number,
  valid: Uint8Array,
  missing: Int32Array,
  infinite?: InfiniteCount,
  gaps?: GapList,
  arena?: KernelArena,
): number {
  if (planes.length < (nDates + nStatic) * plane) throw new RangeError(`planes hold ${planes.length} values, expected (nDates + nStatic) * plane = ${(nDates + nStatic) * plane}`);
  if (valid.length < plane || missing.length < plane) throw new RangeError(`valid and missing need ${plane} entries`);
  if (planes.byteOffset % 4 !== 0) throw new RangeError('planes must be 4-byte aligned');
  // Float32 bits: an exponent of all ones is NaN or +-Infinity (a mantissa of 0: infinity).
  const bits = new Int32Array(planes.buffer, planes.byteOffset, (nDates + nStatic) * plane);
  // A node has at most this many missing dates (an integer: the count is one).
  const maxMissingCount = Math.floor(maxMissing * nDates + THRESHOLD_TOLERANCE);
  missing.fill(0, 0, plane);
  // 32 bits per pixel mark which blocks of `span` dates have a gap.
  const span = 4 * Math.max(1, Math.ceil(nDates / 128));
  const blocks = gaps ? gaps.blockScratch(plane) : undefined;
  if (arena) countMissingInArena(arena, bits, plane, nDates, missing, blocks, span, infinite);
  else {
    countMissing(bits, plane, nDates, missing, blocks, span, blocks ? infinite : undefined);
    if (infinite && !blocks) noteInfinities(bits, 0, nDates, plane, infinite);
  }
  // Without branches: where nodes and holes alternate pixel by pixel, a branch would be mispredicted at every other pixel.
  for (let p = 0; p < plane; p++) {
    const m = missing[p];
    valid[p] = ((m - nDates) >>> 31) & ((maxMissingCount - m) >>> 31 ^ 1);
  }
  for (let s = 0; s < nStatic; s++) {
    const base = (nDates + s) * plane;
    for (let p = 0; p < plane; p++) valid[p] &= (((bits[base + p] & 0x7f800000) + 0x00800000) >>> 31) ^ 1;
  }
  if (infinite && nStatic > 0) noteInfinities(bits, nDates, nDates + nStatic, plane, infinite);
  let nodes = 0;
  for (let p = 0; p < plane; p++) nodes += valid[p];
  if (gaps) noteGaps(bits, plane, nDates, valid, missing, blocks!, span, gaps);
  return nodes;
}

/**
 * Missing dates per pixel: four planes at a time, without branches, so a pixel's count is
 * read and written once per four dates. A value is missing when its exponent bits are all
 * ones: (bits & exponent) + 2^23 then reaches 2^31. With `blocks`, bit b of blocks[p] is set
 * when one of dates b * span .. (b + 1) * span - 1 of pixel p is missing (span a multiple of
 * 4 that makes 32 bits cover every date), so the gaps can be found again without a second
 * pass over every value. With `infinite`, +-Infinity is noted in the same pass (a test
 * that is practically never true, so its branch costs little).
 */
function countMissing(bits: Int32Array, plane: number, nDates: number, missing: Int32Array, blocks?: Int32Array, span = 4, infinite?: InfiniteCount): void {
  let t = 0;
  for (; t + 4 <= nDates; t += 4) {
    const b0 = t * plane, b1 = b0 + plane, b2 = b1 + plane, b3 = b2 + plane;
    if (!blocks) {
      for (let p = 0; p < plane; p++) {
        missing[p] +=
          (((bits[b0 + p] & 0x7f800000) + 0x00800000) >>> 31) + (((bits[b1 + p] & 0x7f800000) + 0x00800000) >>> 31) +
          (((bits[b2 + p] & 0x7f800000) + 0x00800000) >>> 31) + (((bits[b3 + p] & 0x7f800000) + 0x00800000) >>> 31);
      }
      continue;
    }
    const shift = (t / span) | 0;
    for (let p = 0; p < plane; p++) {
      const v0 = bits[b0 + p], v1 = bits[b1 + p], v2 = bits[b2 + p], v3 = bits[b3 + p];
      const m =
        (((v0 & 0x7f800000) + 0x00800000) >>> 31) + (((v1 & 0x7f800000) + 0x00800000) >>> 31) +
        (((v2 & 0x7f800000) + 0x00800000) >>> 31) + (((v3 & 0x7f800000) + 0x00800000) >>> 31);
      missing[p] += m;
      blocks[p] |= ((-m) >>> 31) << shift;
      if (infinite && ((v0 & 0x7fffffff) === 0x7f800000 || (v1 & 0x7fffffff) === 0x7f800000 || (v2 & 0x7fffffff) === 0x7f800000 || (v3 & 0x7fffffff) === 0x7f800000)) {
        for (let q = 0; q < 4; q++) if ((bits[b0 + q * plane + p] & 0x7fffffff) === 0x7f800000) infinite.add(t + q, p);
      }
    }
  }
  for (; t < nDates; t++) {
    const base = t * plane;
    const shift = (t / span) | 0;
    for (let p = 0; p < plane; p++) {
      const m = ((bits[base + p] & 0x7f800000) + 0x00800000) >>> 31;
      missing[p] += m;
      if (blocks) blocks[p] |= m << shift;
      if (infinite && (bits[base + p] & 0x7fffffff) === 0x7f800000) infinite.add(t, p);
    }
  }
}

/** Date planes copied into the arena per call of its countMissing kernel. */
const ARENA_DATES = 16;

/**
 * countMissing in the arena's WebAssembly kernel: ARENA_DATES date planes at a time are copied
 * into the arena and counted four pixels per instruction; the same counts and block bits.
 * +-Infinity is looked for in the scalar way only in planes where the kernel saw one.
 */
function countMissingInArena(arena: KernelArena, bits: Int32Array, plane: number, nDates: number, missing: Int32Array, blocks: Int32Array | undefined, span: number, infinite?: InfiniteCount): void {
  const chunk = arena.allocate('i32', ARENA_DATES * plane);
  const counts = arena.allocate('i32', plane);
  const marks = arena.allocate('i32', plane);
  const shifts = arena.allocate('i32', ARENA_DATES);
  counts.view.fill(0, 0, plane);
  marks.view.fill(0, 0, plane);
  for (let t = 0; t < nDates; t += ARENA_DATES) {
    const n = Math.min(ARENA_DATES, nDates - t);
    chunk.view.set(bits.subarray(t * plane, (t + n) * plane));
    for (let d = 0; d < n; d++) shifts.view[d] = ((t + d) / span) | 0;
    const sawInfinity = arena.kernels.countMissing(chunk.address, n, plane, counts.address, marks.address, shifts.address);
    if (sawInfinity && infinite) noteInfinities(bits, t, t + n, plane, infinite);
  }
  missing.set(counts.view.subarray(0, plane));
  if (blocks) blocks.set(marks.view.subarray(0, plane));
}

/** Adds the +-Infinity values of layers first..end - 1 to the count: a branch that is practically never taken. */
function noteInfinities(bits: Int32Array, first: number, end: number, plane: number, infinite: InfiniteCount): void {
  for (let t = first; t < end; t++) {
    const base = t * plane;
    for (let p = 0; p < plane; p++) if ((bits[base + p] & 0x7fffffff) === 0x7f800000) infinite.add(t, p);
  }
}

/**
 * The positions of the missing dates of the nodes (the gaps to fill). The nodes with gaps
 * are sorted by the blocks of dates countMissing marked (a counting sort), then each block's
 * dates are looked at for its pixels in pixel order, so the planes are read in order rather
 * than one cache line per value. Pixels without data and nodes without gaps cost one look.
 */
function noteGaps(bits: Int32Array, plane: number, nDates: number, valid: Uint8Array, missing: Int32Array, blocks: Int32Array, span: number, gaps: GapList): void {
  let total = 0;
  for (let p = 0; p < plane; p++) total += valid[p] * missing[p];
  while (gaps.positions.length < total) gaps.grow();
  const positions = gaps.positions;
  const start = new Int32Array(33);
  let entries = 0;
  for (let p = 0; p < plane; p++) {
    let mask = blocks[p] & -valid[p];
    blocks[p] = mask;
    while (mask !== 0) {
      start[32 - Math.clz32(mask & -mask)]++; // lowest set bit b counts in start[b + 1]
      mask &= mask - 1;
      entries++;
    }
  }
  for (let b = 0; b < 32; b++) start[b + 1] += start[b];
  const order = gaps.orderScratch(entries);
  const next = start.slice(0, 32);
  for (let p = 0; p < plane; p++) {
    let mask = blocks[p];
    while (mask !== 0) {
      order[next[31 - Math.clz32(mask & -mask)]++] = p;
      mask &= mask - 1;
    }
  }
  let n = 0;
  for (let b = 0; b < 32; b++) {
    const t1 = Math.min(nDates, (b + 1) * span);
    for (let k = start[b]; k < start[b + 1]; k++) {
      const p = order[k];
      for (let t = b * span; t < t1; t++) {
        const at = t * plane + p;
        if (((bits[at] & 0x7f800000) + 0x00800000) >>> 31) positions[n++] = at;
      }
    }
  }
  gaps.length = n;
}

/**
 * Counts +-Infinity inside `core` of a window (a broken value, not a measurement: it is
 * treated as missing, and the run says so). The first one is the first met scanning
 * layer by layer, each layer row by row.
 */
export class InfiniteCount {
  count = 0;
  first: { layer: number; col: number; row: number } | null = null;

  constructor(
    private readonly window: { x0: number; y0: number; width: number; height: number },
    private readonly core: { x0: number; y0: number; width: number; height: number },
  ) {}

  /** Records an infinite value of `layer` at window position `p`, if it lies in the core. */
  add(layer: number, p: number): void {
    const col = this.window.x0 + (p % this.window.width);
    const row = this.window.y0 + Math.floor(p / this.window.width);
    const { core } = this;
    if (col < core.x0 || col >= core.x0 + core.width || row < core.y0 || row >= core.y0 + core.height) return;
    this.count++;
    if (this.first === null || layer < this.first.layer) this.first = { layer, col, row };
  }
}

/** Positions (t * plane + p) of the missing date values of a window's nodes, by blocks of dates; grows as needed. */
export class GapList {
  positions = new Int32Array(1024);
  length = 0;
  private blocks = new Int32Array(0);
  private order = new Int32Array(0);
  /** Scratch of {@link markNodes}: room for n pixel indices. */
  orderScratch(n: number): Int32Array {
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, 2 * this.order.length));
    return this.order;
  }
  /** Scratch of {@link markNodes}: per pixel, which blocks of dates have gaps (zeroed here). */
  blockScratch(plane: number): Int32Array {
    if (this.blocks.length < plane) this.blocks = new Int32Array(plane);
    return this.blocks.fill(0, 0, plane);
  }
  /** Scratch of {@link fillGapsInPlace}, kept from window to window: the filled gaps' positions, original and new values. */
  index = new Int32Array(0);
  original = new Float32Array(0);
  filled = new Float32Array(0);
  /** Doubles the capacity, keeping the positions; returns the new array. */
  grow(): Int32Array {
    const bigger = new Int32Array(this.positions.length * 2);
    bigger.set(this.positions);
    this.positions = bigger;
    return bigger;
  }
}

/**
 * Fills the gaps of the nodes in place (among the positions {@link markNodes} noted) and
 * returns their original values (NaN or +-Infinity), for {@link restoreGaps}: views of the
 * GapList's scratch, good until the next call with the same list.
 *
 * A missing date between two present ones is interpolated linearly in time
 * (`dayOffsets`, not band index); before the first or after the last present value
 * it takes that nearest value: fillGapsInTime's rule and arithmetic, operation for
 * operation. All fills are computed from the unfilled values before any is written.
 */
export function fillGapsInPlace(planes: Float32Array, plane: number, nDates: number, dayOffsets: Float64Array, valid: Uint8Array, gaps: GapList): { index: Int32Array; original: Float32Array } {
  if (dayOffsets.length !== nDates) throw new RangeError(`dayOffsets has ${dayOffsets.length} entries, expected one per date (${nDates})`);
  for (let t = 1; t < nDates; t++) {
    if (!(dayOffsets[t] > dayOffsets[t - 1])) throw new RangeError(`dates must be strictly increasing, but date ${t} (day ${dayOffsets[t]}) follows day ${dayOffsets[t - 1]}`);
  }
  let n = 0;
  if (gaps.index.length < gaps.length) {
    gaps.index = new Int32Array(gaps.positions.length);
    gaps.original = new Float32Array(gaps.positions.length);
    gaps.filled = new Float32Array(gaps.positions.length);
  }
  const { index, original, filled } = gaps;
  for (let i = 0; i < gaps.length; i++) {
    const at = gaps.positions[i];
    if (valid[at % plane] === 1) index[n++] = at;
  }
  for (let j = 0; j < n; j++) {
    const at = index[j];
    const t = Math.floor(at / plane);
    const p = at - t * plane;
    let l = t - 1;
    while (l >= 0 && planes[l * plane + p] - planes[l * plane + p] !== 0) l--;
    let r = t + 1;
    while (r < nDates && planes[r * plane + p] - planes[r * plane + p] !== 0) r++;
    let value: number;
    if (l < 0) {
      value = planes[r * plane + p]; // leading gap: the first present value (a node has one)
    } else if (r >= nDates) {
      value = planes[l * plane + p]; // trailing gap: the last present value
    } else {
      const startValue = planes[l * plane + p];
      const endValue = planes[r * plane + p];
      const startDay = dayOffsets[l];
      const span = dayOffsets[r] - startDay;
      value = startValue + ((endValue - startValue) * (dayOffsets[t] - startDay)) / span;
    }
    original[j] = planes[at];
    filled[j] = value;
  }
  for (let j = 0; j < n; j++) planes[index[j]] = filled[j];
  return { index: index.subarray(0, n), original: original.subarray(0, n) };
}

/** Puts back the original (missing) values that {@link fillGapsInPlace} replaced. */
export function restoreGaps(planes: Float32Array, filled: { index: Int32Array; original: Float32Array }): void {
  const { index, original } = filled;
  for (let j = 0; j < index.length; j++) planes[index[j]] = original[j];
}
