/**
 * Per-cell statistics of the points of one band of grid rows: for every value
 * (dates, then static attributes) the mean, or the median, of the points in the
 * cell that have it; and how many points fall in each cell. Memory is that of
 * the band (and, for the median, of its points), never of the whole grid.
 */
import type { CellStat } from './grid.js';

export class BandAccumulator {
  private readonly sums: Float64Array | null;
  private readonly valueCounts: Uint32Array | null;
  private readonly countStore: Int32Array;
  private readonly outStore: Float32Array;
  /** Points per cell of the current band. */
  pointCounts: Int32Array;
  private rows: Float32Array;
  private rowCells: Int32Array;
  private nRows = 0;
  /** Cells of the current band. */
  cells: number;
  /** Values per point of the current band (a slice of the dates when a band of all of them would not fit). */
  nValues: number;

  /**
   * `capacity` cells and `capacityValues` cell-values (cells x values) of the
   * largest band; the buffers are reused band after band (`reset`), so memory is one band's.
   */
  constructor(readonly capacity: number, readonly capacityValues: number, readonly stat: CellStat) {
    this.cells = capacity;
    this.nValues = Math.max(1, Math.floor(capacityValues / Math.max(1, capacity)));
    this.countStore = new Int32Array(capacity);
    this.pointCounts = this.countStore;
    this.outStore = new Float32Array(capacityValues);
    const nValues = this.nValues;
    if (stat === 'mean') {
      this.sums = new Float64Array(capacityValues);
      this.valueCounts = new Uint32Array(capacityValues);
      this.rows = new Float32Array(0);
      this.rowCells = new Int32Array(0);
    } else {
      this.sums = null;
      this.valueCounts = null;
      this.rows = new Float32Array(1024 * nValues);
      this.rowCells = new Int32Array(1024);
    }
  }

  /** Starts a band of `cells` cells and `nValues` values per point. */
  reset(cells: number, nValues = this.nValues): void {
    if (cells > this.capacity || cells * nValues > this.capacityValues) throw new RangeError(`band of ${cells} cells x ${nValues} values in an accumulator for ${this.capacity} x ${this.capacityValues}`);
    this.cells = cells;
    this.nValues = nValues;
    if (this.stat === 'median' && this.rows.length < this.rowCells.length * nValues) this.rows = new Float32Array(this.rowCells.length * nValues);
    this.pointCounts = this.countStore.subarray(0, cells);
    this.pointCounts.fill(0);
    this.sums?.fill(0, 0, cells * this.nValues);
    this.valueCounts?.fill(0, 0, cells * this.nValues);
    this.nRows = 0;
  }

  /** Adds one point: its cell (0-based within the band) and values[offset .. offset + nValues) (NaN = missing). */
  add(cell: number, values: Float32Array, offset: number): void {
    this.pointCounts[cell]++;
    const nv = this.nValues;
    if (this.sums && this.valueCounts) {
      // Cell-major sums: one point's values are neighbours in memory.
      const sums = this.sums, counts = this.valueCounts, base = cell * nv;
      for (let j = 0; j < nv; j++) {
        const v = values[offset + j];
        if (v === v) {
          sums[base + j] += v;
          counts[base + j]++;
        }
      }
      return;
    }
    if (this.nRows === this.rowCells.length) {
      const rows = new Float32Array(this.rows.length * 2);
      rows.set(this.rows);
      this.rows = rows;
      const rowCells = new Int32Array(this.rowCells.length * 2);
      rowCells.set(this.rowCells);
      this.rowCells = rowCells;
    }
    this.rows.set(values.subarray(offset, offset + nv), this.nRows * nv);
    this.rowCells[this.nRows++] = cell;
  }

  /** One plane of `cells` per value (NaN where no point of the cell has the value), band-sequential; valid until the next `reset`. */
  finish(): Float32Array {
    const out = this.outStore.subarray(0, this.cells * this.nValues).fill(NaN);
    const cells = this.cells;
    if (this.sums && this.valueCounts) {
      const nv = this.nValues;
      for (let c = 0; c < cells; c++) {
        if (this.pointCounts[c] === 0) continue;
        for (let j = 0; j < nv; j++) {
          const n = this.valueCounts[c * nv + j];
          if (n > 0) out[j * cells + c] = this.sums[c * nv + j] / n;
        }
      }
      return out;
    }
    // Median: the rows of each cell, by a counting sort on the cell.
    const start = new Int32Array(cells + 1);
    for (let r = 0; r < this.nRows; r++) start[this.rowCells[r] + 1]++;
    for (let c = 0; c < cells; c++) start[c + 1] += start[c];
    const order = new Int32Array(this.nRows);
    const next = start.slice(0, cells);
    for (let r = 0; r < this.nRows; r++) order[next[this.rowCells[r]]++] = r;
    const nv = this.nValues;
    const scratch = new Float64Array(Math.max(1, maxRun(start)));
    for (let c = 0; c < cells; c++) {
      const a = start[c], b = start[c + 1];
      if (a === b) continue;
      for (let j = 0; j < nv; j++) {
        let n = 0;
        for (let k = a; k < b; k++) {
          const v = this.rows[order[k] * nv + j];
          if (v === v) scratch[n++] = v;
        }
        if (n === 0) continue;
        const sorted = scratch.subarray(0, n).sort();
        out[j * cells + c] = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      }
    }
    return out;
  }
}

function maxRun(start: Int32Array): number {
  let m = 0;
  for (let c = 0; c + 1 < start.length; c++) m = Math.max(m, start[c + 1] - start[c]);
  return m;
}

/**
 * Bands of grid rows to accumulate one at a time, each within `budgetBytes`:
 * the per-cell sums of all values (mean) or the band's points (median). A single
 * row (`rowAlign` rows: bands start at its multiples) is always a band, whatever its cost.
 */
export function planBands(pointsPerRow: ArrayLike<number>, width: number, nValues: number, stat: CellStat, budgetBytes: number, rowAlign = 1): [number, number][] {
  const perCell = 4 + 4 * nValues + (stat === 'mean' ? 12 * nValues : 4); // counts, the output planes, sums and counts per value
  const perPoint = stat === 'median' ? 8 + 4 * nValues : 0;
  const bands: [number, number][] = [];
  let start = 0, cost = 0;
  for (let r = 0; r < pointsPerRow.length; r++) {
    const rowCost = width * perCell + pointsPerRow[r] * perPoint * 2; // median: rows may be doubled while growing
    if (r > start && r % rowAlign === 0 && cost + rowCost > budgetBytes) {
      bands.push([start, r]);
      start = r;
      cost = 0;
    }
    cost += rowCost;
  }
  if (pointsPerRow.length > start) bands.push([start, pointsPerRow.length]);
  return bands;
}

/**
 * How many values (dates, attributes) one pass over a band may take within
 * `budgetBytes`: all of them when they fit, else a slice, the band's points
 * being read again for each slice. So even a grid row too wide for all the
 * dates of a long series stays within the budget.
 */
export function valuesPerSlice(cells: number, points: number, nValues: number, stat: CellStat, budgetBytes: number): number {
  const perValue = cells * (4 + (stat === 'mean' ? 12 : 0)) + (stat === 'median' ? points * 8 : 0);
  const fixed = cells * 4 + (stat === 'median' ? points * 8 : 0);
  return Math.max(1, Math.min(nValues, Math.floor((budgetBytes - fixed) / Math.max(1, perValue))));
}

/**
 * Refers a point's series to its first date (`first`): EGMS and InSAR Norway
 * series do not start at zero, and averaging points with different offsets would
 * mix their reference epochs. A series whose first date is missing is referred
 * to its first date with a value. Returns the index of that date, or -1.
 */
export function referToFirstDate(values: Float64Array, n: number): number {
  for (let j = 0; j < n; j++) {
    const v0 = values[j];
    if (v0 === v0) {
      for (let k = j; k < n; k++) values[k] -= v0;
      return j;
    }
  }
  return -1;
}
