import type { WindowData, Window } from '../io/readWindow.js';

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
  addTile(core: Window, labels: Uint8Array, read: WindowData, areaOfRow: (row: number) => number): void {
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
