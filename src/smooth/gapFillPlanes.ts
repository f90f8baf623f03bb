/**
 * Node flags and gap filling on band-sequential planes, as a GDAL window read delivers
 * them (plane t holds date t for every pixel of the window), in one sweep a chunk of
 * pixels at a time.
 *
 * Same rule and the same arithmetic as {@link fillGapsInTime} (which works on
 * pixel-interleaved rows), so the filled values are bit-identical, without transposing
 * 128-date windows. Every date of a chunk of pixels is copied into the arena (about half a
 * megabyte), its missing dates are counted by the WebAssembly kernel, and its gaps are
 * found and filled while the chunk is still in the cache: found after a sweep over the
 * whole window (tens of megabytes), each gap cost a handful of loads that missed every
 * cache (a date plane is a quarter of a megabyte from the next), and on real coverage,
 * with about one gap per pixel, those cost more than the counting. The fills are computed
 * from the chunk's copy, which holds the values as read, so each comes from unfilled values.
 * The filled gaps' original values are kept, so they can be put back for the per-cluster
 * statistics ({@link restoreGaps}).
 */
import type { KernelArena } from '../wasm/kernelArena.js';

/** Pixels per chunk: its dates (128 x 4 bytes each) stay within a core's L2 cache. */
export const CHUNK_PIXELS = 1024;

/** Slack on the missing-date threshold; the same as fillGapsInTime's. */
const THRESHOLD_TOLERANCE = 1e-9;

/** The gaps filled in the window, for {@link restoreGaps}: positions and original values (views of the GapList's scratch). */
export interface FilledGaps {
  index: Int32Array;
  original: Float32Array;
}

/**
 * Marks the nodes of a window: at most `maxMissing` of the dates missing (NaN or
 * +-Infinity, which is a broken value, not a measurement), at least one present, and every
 * static layer finite. With `fill`, fills the nodes' gaps in place: a missing date between
 * two present ones is interpolated linearly in time (`dayOffsets`, not band index); before
 * the first or after the last present value it takes that nearest value.
 *
 * @param planes - nDates date planes (time order) then nStatic static planes, `plane` values each
 * @param valid - receives 1 (node) or 0 per pixel; `missing` the missing dates per pixel
 * @param infinite - where +-Infinity values are noted (none when omitted)
 * @param fill - the dates' day offsets and the list whose scratch keeps the filled gaps; omitted: nothing is filled
 * @param chunkPixels - pixels per chunk (tests use small ones to cross many chunk edges)
 */
export function markNodes(
  planes: Float32Array,
  plane: number,
  nDates: number,
  nStatic: number,
  maxMissing: number,
  valid: Uint8Array,
  missing: Int32Array,
  arena: KernelArena,
  infinite?: InfiniteCount,
  fill?: { dayOffsets: Float64Array; gaps: GapList },
  chunkPixels = CHUNK_PIXELS,
): { nodes: number; filled: FilledGaps | null } {
  if (planes.length < (nDates + nStatic) * plane) throw new RangeError(`planes hold ${planes.length} values, expected (nDates + nStatic) * plane = ${(nDates + nStatic) * plane}`);
  if (valid.length < plane || missing.length < plane) throw new RangeError(`valid and missing need ${plane} entries`);
  if (planes.byteOffset % 4 !== 0) throw new RangeError('planes must be 4-byte aligned');
  if (fill) checkDayOffsets(fill.dayOffsets, nDates);
  const bits = new Int32Array(planes.buffer, planes.byteOffset, (nDates + nStatic) * plane);
  // A node has at most this many missing dates (an integer: the count is one).
  const maxMissingCount = Math.floor(maxMissing * nDates + THRESHOLD_TOLERANCE);
  // 32 bits per pixel mark which blocks of `span` dates have a gap, so only those are looked at again.
  const span = 4 * Math.max(1, Math.ceil(nDates / 128));
  const len = Math.max(1, Math.min(chunkPixels, plane));
  const chunk = arena.allocate('i32', nDates * len);
  const counts = arena.allocate('i32', len);
  const marks = arena.allocate('i32', len);
  const shifts = arena.allocate('i32', Math.max(1, nDates));
  for (let d = 0; d < nDates; d++) shifts.view[d] = (d / span) | 0;
  const out = fill ? new GapWriter(fill.gaps) : null;
  let nodes = 0;
  for (let p0 = 0; p0 < plane; p0 += len) {
    const n = Math.min(len, plane - p0);
    const c = chunk.view;
    for (let t = 0; t < nDates; t++) c.set(bits.subarray(t * plane + p0, t * plane + p0 + n), t * n);
    counts.view.fill(0, 0, n);
    marks.view.fill(0, 0, n);
    const sawInfinity = arena.kernels.countMissing(chunk.address, nDates, n, counts.address, marks.address, shifts.address) !== 0;
    const m = counts.view;
    // Without branches: where nodes and holes alternate pixel by pixel, a branch would be
    // mispredicted at every other pixel. A node misses fewer than all dates and at most maxMissingCount.
    for (let q = 0; q < n; q++) {
      const k = m[q];
      missing[p0 + q] = k;
      valid[p0 + q] = ((k - nDates) >>> 31) & (((maxMissingCount - k) >>> 31) ^ 1);
    }
    // Float32 bits: an exponent of all ones (NaN or +-Infinity) makes (bits & exponent) + 2^23 reach 2^31.
    for (let s = 0; s < nStatic; s++) {
      const base = (nDates + s) * plane + p0;
      for (let q = 0; q < n; q++) valid[p0 + q] &= (((bits[base + q] & 0x7f800000) + 0x00800000) >>> 31) ^ 1;
    }
    if (infinite) {
      // In layer order within the chunk, the chunks in pixel order: the first noted in the lowest layer is its first pixel.
      if (sawInfinity) noteInfinities(c, 0, nDates, n, 0, n, p0, infinite);
      if (nStatic > 0) noteInfinities(bits, nDates, nDates + nStatic, plane, p0, n, p0, infinite);
    }
    for (let q = 0; q < n; q++) nodes += valid[p0 + q];
    if (out) fillChunk(planes, plane, nDates, fill!.dayOffsets, new Float32Array(c.buffer, c.byteOffset, nDates * n), n, p0, valid, m, marks.view, span, out);
  }
  return { nodes, filled: out ? out.result() : null };
}

/**
 * Fills the gaps of the chunk's nodes in `planes`, from the chunk's copy `c` (dates of n
 * pixels, as read): fillGapsInTime's rule and arithmetic, operation for operation. Only the
 * blocks of dates the kernel marked are looked at.
 */
function fillChunk(planes: Float32Array, plane: number, nDates: number, dayOffsets: Float64Array, c: Float32Array, n: number, p0: number, valid: Uint8Array, missing: Int32Array, blocks: Int32Array, span: number, out: GapWriter): void {
  for (let q = 0; q < n; q++) {
    if (valid[p0 + q] === 0 || missing[q] === 0) continue;
    let mask = blocks[q];
    while (mask !== 0) {
      const b = 31 - Math.clz32(mask & -mask);
      mask &= mask - 1;
      const t1 = Math.min(nDates, (b + 1) * span);
      for (let t = b * span; t < t1; t++) {
        const here = c[t * n + q];
        if (here - here === 0) continue;
        let l = t - 1;
        while (l >= 0 && c[l * n + q] - c[l * n + q] !== 0) l--;
        let r = t + 1;
        while (r < nDates && c[r * n + q] - c[r * n + q] !== 0) r++;
        let value: number;
        if (l < 0) {
          value = c[r * n + q]; // leading gap: the first present value (a node has one)
        } else if (r >= nDates) {
          value = c[l * n + q]; // trailing gap: the last present value
        } else {
          const startValue = c[l * n + q];
          const endValue = c[r * n + q];
          const startDay = dayOffsets[l];
          const daySpan = dayOffsets[r] - startDay;
          value = startValue + ((endValue - startValue) * (dayOffsets[t] - startDay)) / daySpan;
        }
        const at = t * plane + p0 + q;
        out.add(at, planes[at]);
        planes[at] = value;
      }
    }
  }
}

/** Notes the +-Infinity values of layers first .. end - 1 of pixels p0 .. p0 + n - 1, layer l's at values[l * stride + offset ..]. */
function noteInfinities(values: Int32Array, first: number, end: number, stride: number, offset: number, n: number, p0: number, infinite: InfiniteCount): void {
  for (let t = first; t < end; t++) {
    const base = t * stride + offset;
    for (let q = 0; q < n; q++) if ((values[base + q] & 0x7fffffff) === 0x7f800000) infinite.add(t, p0 + q);
  }
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

/** The filled gaps of a window: scratch kept from window to window (grown as needed). */
export class GapList {
  index = new Int32Array(0);
  original = new Float32Array(0);
}

/** The filled gaps' positions and original values, in the GapList's scratch (grown as needed). */
class GapWriter {
  private n = 0;
  constructor(private readonly gaps: GapList) {}

  add(at: number, original: number): void {
    const g = this.gaps;
    if (this.n === g.index.length) {
      const size = Math.max(1024, 2 * g.index.length);
      const index = new Int32Array(size), kept = new Float32Array(size);
      index.set(g.index.subarray(0, this.n));
      kept.set(g.original.subarray(0, this.n));
      g.index = index;
      g.original = kept;
    }
    g.index[this.n] = at;
    g.original[this.n++] = original;
  }

  result(): FilledGaps {
    return { index: this.gaps.index.subarray(0, this.n), original: this.gaps.original.subarray(0, this.n) };
  }
}

/** Throws unless `dayOffsets` has one strictly increasing entry per date (the interpolation divides by their differences). */
function checkDayOffsets(dayOffsets: Float64Array, nDates: number): void {
  if (dayOffsets.length !== nDates) throw new RangeError(`dayOffsets has ${dayOffsets.length} entries, expected one per date (${nDates})`);
  for (let t = 1; t < nDates; t++) {
    if (!(dayOffsets[t] > dayOffsets[t - 1])) throw new RangeError(`dates must be strictly increasing, but date ${t} (day ${dayOffsets[t]}) follows day ${dayOffsets[t - 1]}`);
  }
}

/** Puts back the original (missing) values that {@link fillGapsInPlace} replaced. */
export function restoreGaps(planes: Float32Array, filled: { index: Int32Array; original: Float32Array }): void {
  const { index, original } = filled;
  for (let j = 0; j < index.length; j++) planes[index[j]] = original[j];
}
