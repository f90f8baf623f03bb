/**
 * Splits a byte stream of CSV into rows and fields without copying: each row is
 * handed over as field offsets into a buffer, for `parseNumber` to read in place.
 * A row cut by a chunk boundary is copied once into a reusable buffer. Double
 * quotes protect separators inside a field (an EGMS `pid` is quoted text); quoted
 * line breaks are not supported (no product writes them).
 */

const LF = 0x0a, CR = 0x0d, QUOTE = 0x22;

/** The current row, as offsets into `bytes`. */
export interface CsvRow {
  bytes: Uint8Array;
  /** Field i spans bytes[starts[i], ends[i]) (only the first `capacity` fields are recorded). */
  starts: Int32Array;
  ends: Int32Array;
  /** How many fields the row has (may exceed the recorded capacity). */
  fields: number;
  /** 1-based line number in the file. */
  line: number;
}

/** The separator of a header line: the most frequent of comma, semicolon and tab. */
export function detectSeparator(headerLine: string): number {
  const counts: [number, number][] = [[0x2c, 0], [0x3b, 0], [0x09, 0]];
  for (const c of headerLine) {
    const code = c.charCodeAt(0);
    for (const entry of counts) if (entry[0] === code) entry[1]++;
  }
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : 0x2c;
}

export class CsvRowSplitter {
  private readonly row: CsvRow;
  private carry = new Uint8Array(1 << 16);
  private carryLength = 0;
  private line = 0;
  /** When set, complete lines are handed over whole (bytes[s, e), 1-based line number) instead of split into fields. */
  lineHandler: ((bytes: Uint8Array, s: number, e: number, line: number) => void) | null = null;
  /** Fields to split per row; past them the row is skipped to its end (its field count is then unknown: -1). */
  private limit: number;
  constructor(private readonly separator: number, capacity: number) {
    this.limit = capacity + 1;
    this.row = { bytes: new Uint8Array(0), starts: new Int32Array(capacity), ends: new Int32Array(capacity), fields: 0, line: 0 };
  }

  /**
   * Splits only the first `n` fields of the following rows (a pass that needs
   * the leading columns jumps to the line end natively); `row.fields` is then -1
   * for rows with more fields.
   */
  limitFields(n: number): void {
    this.limit = Math.min(n, this.row.starts.length);
  }

  /** Lines seen so far (the line number of the last complete row). */
  get lines(): number {
    return this.line;
  }

  /** Feeds one chunk; `onRow` sees every row completed by it (the row object is reused: read it, do not keep it). */
  push(chunk: Uint8Array, onRow: (row: CsvRow) => void): void {
    let from = 0;
    if (this.carryLength > 0) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.append(chunk, 0, chunk.length);
        return;
      }
      this.append(chunk, 0, nl + 1);
      const joined = this.carry;
      const length = this.carryLength;
      this.carryLength = 0;
      this.splitRows(joined, 0, length, onRow);
      from = nl + 1;
    }
    const rest = this.splitRows(chunk, from, chunk.length, onRow);
    if (rest < chunk.length) this.append(chunk, rest, chunk.length);
  }

  /** Ends the stream: a last row without a line break is still a row. */
  end(onRow: (row: CsvRow) => void): void {
    if (this.carryLength === 0) return;
    const length = this.carryLength;
    this.carryLength = 0;
    this.emit(this.carry, 0, length, onRow);
  }

  private append(chunk: Uint8Array, s: number, e: number): void {
    const need = this.carryLength + (e - s);
    if (need > this.carry.length) {
      const grown = new Uint8Array(Math.max(need, this.carry.length * 2));
      grown.set(this.carry.subarray(0, this.carryLength));
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(s, e), this.carryLength);
    this.carryLength = need;
  }

  /** Emits the complete rows of bytes[from, to); returns where the incomplete last row starts. */
  private splitRows(bytes: Uint8Array, from: number, to: number, onRow: (row: CsvRow) => void): number {
    let start = from;
    for (;;) {
      const nl = bytes.indexOf(LF, start);
      if (nl < 0 || nl >= to) return start;
      this.emit(bytes, start, nl, onRow);
      start = nl + 1;
    }
  }

  private emit(bytes: Uint8Array, s: number, e: number, onRow: (row: CsvRow) => void): void {
    this.line++;
    if (e > s && bytes[e - 1] === CR) e--;
    if (e === s) return; // blank line
    if (this.lineHandler) {
      this.lineHandler(bytes, s, e, this.line);
      return;
    }
    const row = this.row;
    const { starts, ends } = row;
    const capacity = starts.length;
    const sep = this.separator;
    const limit = this.limit;
    let fields = 0;
    let fieldStart = s;
    let quoted = false;
    let cut = false;
    for (let i = s; i < e; i++) {
      const c = bytes[i];
      if (c === QUOTE) quoted = !quoted;
      else if (c === sep && !quoted) {
        if (fields < capacity) {
          starts[fields] = fieldStart;
          ends[fields] = i;
        }
        fields++;
        fieldStart = i + 1;
        if (fields >= limit) {
          cut = true;
          break;
        }
      }
    }
    if (!cut && fields < capacity) {
      starts[fields] = fieldStart;
      ends[fields] = e;
    }
    row.fields = cut ? -1 : fields + 1;
    row.bytes = bytes;
    row.line = this.line;
    onRow(row);
  }
}
