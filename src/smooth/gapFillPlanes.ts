/**
 * Node flags and gap filling on band-sequential planes, as a GDAL window read
 * delivers them (plane t holds date t for every pixel of the window).
 *
 * Same rule and the same arithmetic as {@link fillGapsInTime} (which works on
 * pixel-interleaved rows), so the filled values are bit-identical; but the raw
 * planes are never modified: each date is filled into a scratch plane when it is
 * needed. That keeps the original values (with their gaps) for the per-cluster
 * statistics, and avoids transposing 128-date windows.
 */

/** Slack on the missing-date threshold; the same as fillGapsInTime's. */
const THRESHOLD_TOLERANCE = 1e-9;

/**
 * Marks the nodes of a window: at most `maxMissing` of the dates missing (NaN or
 * +-Infinity, which is a broken value, not a measurement), at least one present,
 * and every static layer finite.
 *
 * @param planes - nDates date planes (time order) then nStatic static planes, `plane` values each
 * @param valid - receives 1 (node) or 0 per pixel
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
): number {
  if (planes.length < (nDates + nStatic) * plane) throw new RangeError(`planes hold ${planes.length} values, expected (nDates + nStatic) * plane = ${(nDates + nStatic) * plane}`);
  if (valid.length < plane || missing.length < plane) throw new RangeError(`valid and missing need ${plane} entries`);
  missing.fill(0, 0, plane);
  for (let t = 0; t < nDates; t++) {
    const base = t * plane;
    for (let p = 0; p < plane; p++) {
      const v = planes[base + p];
      // v - v is 0 for finite v and NaN for NaN and +-Infinity.
      if (v - v !== 0) {
        missing[p]++;
        if (infinite && v === v) infinite.add(t, p);
      }
    }
  }
  const maxMissingCount = maxMissing * nDates + THRESHOLD_TOLERANCE;
  for (let p = 0; p < plane; p++) valid[p] = missing[p] < nDates && missing[p] <= maxMissingCount ? 1 : 0;
  for (let s = 0; s < nStatic; s++) {
    const base = (nDates + s) * plane;
    for (let p = 0; p < plane; p++) {
      const v = planes[base + p];
      if (v - v !== 0) {
        valid[p] = 0;
        if (infinite && v === v) infinite.add(nDates + s, p);
      }
    }
  }
  let nodes = 0;
  for (let p = 0; p < plane; p++) nodes += valid[p];
  return nodes;
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

/**
 * Fills the dates of the nodes one plane at a time, in time order.
 *
 * A missing date between two present ones is interpolated linearly in time
 * (`dayOffsets`, not band index); before the first or after the last present
 * value it takes that nearest value. The arithmetic is fillGapsInTime's, operation
 * for operation, so the values are the same bits. Call {@link fillDate} with
 * t = 0, 1, 2, ... (the filler tracks each pixel's last and next present date).
 */
export class DateGapFiller {
  private readonly last: Int32Array;
  private readonly next: Int32Array;
  private expected = 0;

  constructor(
    private readonly planes: Float32Array,
    private readonly plane: number,
    private readonly nDates: number,
    private readonly dayOffsets: Float64Array,
    private readonly valid: Uint8Array,
  ) {
    if (dayOffsets.length !== nDates) throw new RangeError(`dayOffsets has ${dayOffsets.length} entries, expected one per date (${nDates})`);
    for (let t = 1; t < nDates; t++) {
      if (!(dayOffsets[t] > dayOffsets[t - 1])) throw new RangeError(`dates must be strictly increasing, but date ${t} (day ${dayOffsets[t]}) follows day ${dayOffsets[t - 1]}`);
    }
    this.last = new Int32Array(plane).fill(-1);
    this.next = new Int32Array(plane);
  }

  /** Writes date `t` of every node into `out` (plane values); non-nodes get whatever is there (never read). */
  fillDate(t: number, out: Float32Array): void {
    if (t !== this.expected) throw new RangeError(`dates must be filled in order: expected date ${this.expected}, got ${t}`);
    this.expected++;
    const { planes, plane, nDates, dayOffsets, valid, last, next } = this;
    const base = t * plane;
    for (let p = 0; p < plane; p++) {
      const v = planes[base + p];
      if (v - v === 0) {
        out[p] = v;
        last[p] = t;
        continue;
      }
      if (valid[p] !== 1) continue;
      let n = next[p];
      if (n <= t) {
        n = t + 1;
        while (n < nDates && planes[n * plane + p] - planes[n * plane + p] !== 0) n++;
        next[p] = n;
      }
      const l = last[p];
      if (l < 0) {
        out[p] = planes[n * plane + p]; // leading gap: the first present value
      } else if (n >= nDates) {
        out[p] = planes[l * plane + p]; // trailing gap: the last present value
      } else {
        const startValue = planes[l * plane + p];
        const endValue = planes[n * plane + p];
        const startDay = dayOffsets[l];
        const span = dayOffsets[n] - startDay;
        out[p] = startValue + ((endValue - startValue) * (dayOffsets[t] - startDay)) / span;
      }
    }
  }
}
