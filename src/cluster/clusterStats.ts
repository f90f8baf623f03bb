import type { WindowBands } from '../smooth/featureTile.js';
import type { Rect } from '../smooth/types.js';

/**
 * Per-cluster sums gathered tile by tile during the predict pass, from the
 * ORIGINAL (unsmoothed, not gap-filled) values: missing dates are skipped, so
 * each date has its own count. Sums are float64; partial sums from shards or
 * tiles add up exactly in any order of tiles within float64 rounding.
 */
export class ClusterStatsAccumulator {
  readonly count: Float64Array;
  readonly area: Float64Array;
  readonly dateN: Float64Array;
  readonly dateSum: Float64Array;
  readonly dateSumSq: Float64Array;
  readonly staticN: Float64Array;
  readonly staticSum: Float64Array;
  readonly staticSumSq: Float64Array;
  /** minCol, minRow, maxCol, maxRow per cluster. */
  readonly bbox: Float64Array;

  constructor(readonly k: number, readonly nDates: number, readonly nStatic: number) {
    this.count = new Float64Array(k);
    this.area = new Float64Array(k);
    this.dateN = new Float64Array(k * nDates);
    this.dateSum = new Float64Array(k * nDates);
    this.dateSumSq = new Float64Array(k * nDates);
    this.staticN = new Float64Array(k * nStatic);
    this.staticSum = new Float64Array(k * nStatic);
    this.staticSumSq = new Float64Array(k * nStatic);
    this.bbox = new Float64Array(k * 4);
    for (let c = 0; c < k; c++) this.bbox.set([Infinity, Infinity, -Infinity, -Infinity], c * 4);
  }

  /**
   * Adds the labelled core pixels of one tile. `labels` covers the core;
   * `read` is the window read with its halo; `areaOfRow` gives a pixel's ground area in m².
   */
  addTile(core: Rect, labels: Uint8Array, read: WindowBands, areaOfRow: (row: number) => number): void {
    const w = read.window;
    const plane = w.width * w.height;
    const { nDates, nStatic } = this;
    for (let r = 0; r < core.height; r++) {
      const row = core.y0 + r;
      const pixelArea = areaOfRow(row);
      for (let c = 0; c < core.width; c++) {
        const label = labels[r * core.width + c];
        if (label >= this.k) continue;
        const col = core.x0 + c;
        const p = (row - w.y0) * w.width + (col - w.x0);
        this.count[label]++;
        this.area[label] += pixelArea;
        const b = label * 4;
        if (col < this.bbox[b]) this.bbox[b] = col;
        if (row < this.bbox[b + 1]) this.bbox[b + 1] = row;
        if (col > this.bbox[b + 2]) this.bbox[b + 2] = col;
        if (row > this.bbox[b + 3]) this.bbox[b + 3] = row;
        for (let d = 0; d < nDates; d++) {
          const v = read.dynamic[d * plane + p];
          if (!Number.isFinite(v)) continue;
          const i = label * nDates + d;
          this.dateN[i]++;
          this.dateSum[i] += v;
          this.dateSumSq[i] += v * v;
        }
        for (let s = 0; s < nStatic; s++) {
          const v = read.statics[s * plane + p];
          const i = label * nStatic + s;
          this.staticN[i]++;
          this.staticSum[i] += v;
          this.staticSumSq[i] += v * v;
        }
      }
    }
  }

  /**
   * Adds the sums of one tile computed apart (in a worker, by {@link tileStatsPartial}).
   * Add partials in tile order: float64 sums then come out the same for any thread count.
   */
  addPartial(p: ClusterStatsPartial): void {
    const add = (to: Float64Array, from: Float64Array) => {
      for (let i = 0; i < to.length; i++) to[i] += from[i];
    };
    add(this.count, p.count);
    add(this.area, p.area);
    add(this.dateN, p.dateN);
    add(this.dateSum, p.dateSum);
    add(this.dateSumSq, p.dateSumSq);
    add(this.staticN, p.staticN);
    add(this.staticSum, p.staticSum);
    add(this.staticSumSq, p.staticSumSq);
    for (let c = 0; c < this.k; c++) {
      const b = c * 4;
      this.bbox[b] = Math.min(this.bbox[b], p.bbox[b]);
      this.bbox[b + 1] = Math.min(this.bbox[b + 1], p.bbox[b + 1]);
      this.bbox[b + 2] = Math.max(this.bbox[b + 2], p.bbox[b + 2]);
      this.bbox[b + 3] = Math.max(this.bbox[b + 3], p.bbox[b + 3]);
    }
  }

  /** Mean and (population) standard deviation of date `d` (or static `s`) for cluster `c`. */
  moments(kind: 'date' | 'static', c: number, j: number): { mean: number; std: number; n: number } {
    const [N, S, SS, stride] = kind === 'date' ? [this.dateN, this.dateSum, this.dateSumSq, this.nDates] : [this.staticN, this.staticSum, this.staticSumSq, this.nStatic];
    const i = c * stride + j;
    const n = N[i];
    if (n === 0) return { mean: NaN, std: NaN, n };
    const mean = S[i] / n;
    return { mean, std: Math.sqrt(Math.max(0, SS[i] / n - mean * mean)), n };
  }
}

/** The per-cluster sums of one tile, as {@link ClusterStatsAccumulator} holds them for the scene. */
export interface ClusterStatsPartial {
  count: Float64Array;
  area: Float64Array;
  dateN: Float64Array;
  dateSum: Float64Array;
  dateSumSq: Float64Array;
  staticN: Float64Array;
  staticSum: Float64Array;
  staticSumSq: Float64Array;
  bbox: Float64Array;
}

/**
 * The sums of one tile's labelled nodes from the ORIGINAL values of its window
 * (band-sequential planes: dates in time order, then static layers; missing dates are
 * NaN or +-Infinity and are skipped). Band by band, so the 128-date window is read
 * plane after plane rather than pixel by pixel across planes.
 *
 * @param windowIndex - each node's position in the window planes, in core row-major order
 * @param labels - each node's label (< k)
 * @param rowOf - each node's global row and column: row = rowOf[2j], col = rowOf[2j + 1]
 * @param areaOfRow - ground area of a pixel of a global row, m²
 */
export function tileStatsPartial(
  k: number,
  nDates: number,
  nStatic: number,
  planes: Float32Array,
  plane: number,
  windowIndex: Int32Array,
  labels: Uint8Array,
  rowOf: Int32Array,
  areaOfRow: (row: number) => number,
): ClusterStatsPartial {
  const n = windowIndex.length;
  const p: ClusterStatsPartial = {
    count: new Float64Array(k),
    area: new Float64Array(k),
    dateN: new Float64Array(k * nDates),
    dateSum: new Float64Array(k * nDates),
    dateSumSq: new Float64Array(k * nDates),
    staticN: new Float64Array(k * nStatic),
    staticSum: new Float64Array(k * nStatic),
    staticSumSq: new Float64Array(k * nStatic),
    bbox: new Float64Array(k * 4),
  };
  for (let c = 0; c < k; c++) p.bbox.set([Infinity, Infinity, -Infinity, -Infinity], c * 4);
  let lastRow = -1;
  let pixelArea = 0;
  for (let j = 0; j < n; j++) {
    const label = labels[j];
    if (label >= k) continue;
    const row = rowOf[2 * j], col = rowOf[2 * j + 1];
    if (row !== lastRow) {
      pixelArea = areaOfRow(row);
      lastRow = row;
    }
    p.count[label]++;
    p.area[label] += pixelArea;
    const b = label * 4;
    if (col < p.bbox[b]) p.bbox[b] = col;
    if (row < p.bbox[b + 1]) p.bbox[b + 1] = row;
    if (col > p.bbox[b + 2]) p.bbox[b + 2] = col;
    if (row > p.bbox[b + 3]) p.bbox[b + 3] = row;
  }
  // The nodes of each cluster in node order, so each (cluster, layer) sum runs in registers,
  // adding the same values in the same order as a loop over all nodes would.
  const members: Int32Array[] = [];
  for (let c = 0; c < k; c++) members.push(new Int32Array(p.count[c]));
  const filled = new Int32Array(k);
  for (let j = 0; j < n; j++) if (labels[j] < k) members[labels[j]][filled[labels[j]]++] = windowIndex[j];
  for (let c = 0; c < k; c++) {
    const at = members[c];
    let d = 0;
    // Four dates at a time: four independent (count, sum, sum of squares) chains, so the
    // additions of one date need not wait for the last; each chain adds its date's values
    // in node order, as one date at a time would.
    for (; d + 4 <= nDates; d += 4) {
      const b0 = d * plane, b1 = b0 + plane, b2 = b1 + plane, b3 = b2 + plane;
      let n0 = 0, s0 = 0, q0 = 0, n1 = 0, s1 = 0, q1 = 0, n2 = 0, s2 = 0, q2 = 0, n3 = 0, s3 = 0, q3 = 0;
      for (let j = 0; j < at.length; j++) {
        const i = at[j];
        const v0 = planes[b0 + i], v1 = planes[b1 + i], v2 = planes[b2 + i], v3 = planes[b3 + i];
        // A missing date (NaN or +-Infinity) is skipped: v - v is then not 0.
        if (v0 - v0 === 0) {
          n0++;
          s0 += v0;
          q0 += v0 * v0;
        }
        if (v1 - v1 === 0) {
          n1++;
          s1 += v1;
          q1 += v1 * v1;
        }
        if (v2 - v2 === 0) {
          n2++;
          s2 += v2;
          q2 += v2 * v2;
        }
        if (v3 - v3 === 0) {
          n3++;
          s3 += v3;
          q3 += v3 * v3;
        }
      }
      const o = c * nDates + d;
      p.dateN.set([n0, n1, n2, n3], o);
      p.dateSum.set([s0, s1, s2, s3], o);
      p.dateSumSq.set([q0, q1, q2, q3], o);
    }
    for (; d < nDates + nStatic; d++) {
      const base = d * plane;
      let count = 0, sum = 0, sumSq = 0;
      if (d < nDates) {
        for (let j = 0; j < at.length; j++) {
          const v = planes[base + at[j]];
          if (v - v !== 0) continue; // a missing date: NaN or +-Infinity
          count++;
          sum += v;
          sumSq += v * v;
        }
      } else {
        for (let j = 0; j < at.length; j++) {
          const v = planes[base + at[j]];
          sum += v;
          sumSq += v * v;
        }
        count = at.length;
      }
      if (d < nDates) {
        p.dateN[c * nDates + d] = count;
        p.dateSum[c * nDates + d] = sum;
        p.dateSumSq[c * nDates + d] = sumSq;
      } else {
        const i = c * nStatic + d - nDates;
        p.staticN[i] = count;
        p.staticSum[i] = sum;
        p.staticSumSq[i] = sumSq;
      }
    }
  }
  return p;
}
