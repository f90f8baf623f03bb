import { UserError } from '../../errors.js';
import { CsvRowSplitter, detectSeparator, type CsvRow } from '../../points/csvRows.js';
import { fieldText } from '../../points/parseNumber.js';
import { pointFileStream, type PointFile } from './pointFiles.js';

/** The header of a CSV and its separator. */
export interface CsvHeader {
  names: string[];
  separator: number;
}

/**
 * Streams one point file row by row: `onHeader` sees the column names (first
 * line) and may return how many leading fields the pass needs; `onRow` sees
 * every data row as field offsets (the row object is reused).
 * A damaged stream (truncated gzip or zip, unreadable file) becomes a UserError
 * naming the file and the line it reached. Returns the number of data rows.
 */
export async function streamCsvRows(
  file: PointFile,
  onHeader: (header: CsvHeader) => number | void,
  onRow: (row: CsvRow) => void,
  /** Instead of `onRow`: every data line whole, for a pass that splits and parses in one go (`parseLineNumbers`). */
  onLine?: (bytes: Uint8Array, s: number, e: number, line: number) => void,
): Promise<number> {
  const stream = pointFileStream(file);
  let splitter: CsvRowSplitter | null = null;
  let rows = 0;
  let separator = 0x2c;
  const handle = (row: CsvRow) => {
    if (row.line === 1) {
      const names = Array.from({ length: Math.min(row.fields, row.starts.length) }, (_v, i) => fieldText(row.bytes, row.starts[i], row.ends[i]));
      // A pass that needs only the leading columns says how many: the rest of each row is skipped natively.
      const needed = onHeader({ names, separator });
      if (typeof needed === 'number') splitter!.limitFields(needed);
      if (onLine) {
        splitter!.lineHandler = (bytes, s, e, line) => {
          rows++;
          onLine(bytes, s, e, line);
        };
      }
      return;
    }
    rows++;
    onRow(row);
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let bytes: Uint8Array = chunk;
      if (!splitter) {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3); // UTF-8 byte order mark
        const nl = bytes.indexOf(0x0a);
        const first = Buffer.from(bytes.subarray(0, nl < 0 ? bytes.length : nl)).toString('utf8').replace(/\r$/, '');
        separator = detectSeparator(first);
        splitter = new CsvRowSplitter(separator, Math.max(1, first.split(String.fromCharCode(separator)).length));
      }
      splitter.push(bytes, handle);
    }
    if (splitter) splitter.end(handle);
  } catch (err) {
    stream.destroy();
    if (err instanceof UserError) throw err;
    const line = (splitter?.lines ?? 0) + 1;
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || /unexpected end/i.test(String((err as Error).message))) {
      throw new UserError(`'${file.label}' is truncated or damaged: its compressed data ends or breaks at line ${line} (${(err as Error).message}). Download it again.`);
    }
    throw new UserError(`'${file.label}' cannot be read at line ${line}: ${(err as Error).message}.`);
  }
  if (!splitter) throw new UserError(`'${file.label}' is empty; expected a CSV with a header line and one row per point.`);
  return rows;
}
