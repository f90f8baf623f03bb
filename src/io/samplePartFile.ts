import { UserError } from '../errors.js';
import { readBytes, readPrefix, writeBytes } from './anyPath.js';

export const SAMPLE_PART_FORMAT = 'smoothcluster-sample-part';
export const SAMPLE_PART_VERSION = 1;
const MAGIC = 'SMOOTHCLUSTER-SAMPLE\n';

/** Rows of one bottom-k sample, sorted by key: what a shard contributes. */
export interface SampleRows {
  n: number;
  keys: Float64Array;
  indices: Float64Array;
  /** n * nFeatures, row-major. */
  data: Float32Array;
}

/** What one `sample --shard i/N` wrote: its train and test rows and how they were drawn. */
export interface SamplePart<H extends object = Record<string, unknown>> {
  header: H & { format: string; version: number; nFeatures: number };
  train: SampleRows;
  test: SampleRows;
}

function rowsBytes(r: SampleRows): number {
  return r.n * 16 + r.data.length * 4;
}

/**
 * A sample part file: a magic line, a JSON header line, zero padding to 8
 * bytes, then little-endian train keys (f64), indices (f64), features (f32),
 * and the same for the test rows. Exact, so merged parts give the very sample
 * a plain run draws. Written atomically to a local or GDAL virtual path.
 */
export function writeSamplePart<H extends object>(path: string, header: H & { nFeatures: number }, train: SampleRows, test: SampleRows): void {
  const head = Buffer.from(`${MAGIC}${JSON.stringify({ format: SAMPLE_PART_FORMAT, version: SAMPLE_PART_VERSION, ...header, trainRows: train.n, testRows: test.n })}\n`, 'utf8');
  const offset = Math.ceil(head.length / 8) * 8;
  const out = Buffer.alloc(offset + rowsBytes(train) + rowsBytes(test));
  head.copy(out, 0);
  let at = offset;
  for (const r of [train, test]) {
    for (const arr of [r.keys.subarray(0, r.n), r.indices.subarray(0, r.n), r.data.subarray(0, r.n * header.nFeatures)]) {
      const bytes = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
      bytes.copy(out, at);
      at += bytes.length;
    }
  }
  writeBytes(path, out);
}

/** Only the header of a part (from its first bytes), for checks before the rows are read. */
/** True when `path` is a file that starts like a sample part, whatever its name. */
export function isSamplePartFile(path: string): boolean {
  try {
    return readPrefix(path, MAGIC.length).toString('utf8') === MAGIC;
  } catch {
    return false; // a folder, or nothing there
  }
}

export function readSamplePartHeader<H extends object>(path: string): SamplePart<H>['header'] {
  return readSamplePart<H>(path, true).header;
}

/** Headers hold options and feature names: a megabyte is far more than any needs. */
const HEADER_MAX_BYTES = 1 << 20;

export function readSamplePart<H extends object>(path: string, headerOnly = false): SamplePart<H> {
  const bytes = headerOnly ? readPrefix(path, HEADER_MAX_BYTES, 'sample part') : readBytes(path, 'sample part');
  const notPart = () =>
    new UserError(`'${path}' is not a smoothcluster sample part (written by \`smoothcluster sample --shard i/N --out FILE\`). Give the files the sample stage wrote.`);
  if (bytes.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) throw notPart();
  const end = bytes.indexOf(0x0a, MAGIC.length);
  if (end < 0) throw notPart();
  let header: SamplePart<H>['header'] & { trainRows: number; testRows: number };
  try {
    header = JSON.parse(bytes.subarray(MAGIC.length, end).toString('utf8'));
  } catch {
    throw notPart();
  }
  if (header.format !== SAMPLE_PART_FORMAT) throw notPart();
  if (header.version !== SAMPLE_PART_VERSION) {
    throw new UserError(`sample part '${path}' has version ${header.version}; this smoothcluster reads version ${SAMPLE_PART_VERSION}. Re-run the sample stage.`);
  }
  const f = header.nFeatures;
  let at = Math.ceil((end + 1) / 8) * 8;
  const none: SampleRows = { n: 0, keys: new Float64Array(0), indices: new Float64Array(0), data: new Float32Array(0) };
  if (headerOnly) return { header, train: none, test: none };
  const expected = at + (header.trainRows + header.testRows) * (16 + 4 * f);
  if (bytes.length !== expected) {
    throw new UserError(`sample part '${path}' is ${bytes.length} bytes, expected ${expected}: it is cut short or damaged. Re-run its shard.`);
  }
  // Copy into aligned arrays (the buffer's offset need not be a multiple of 8).
  const take = (n: number): SampleRows => {
    const keys = new Float64Array(n), indices = new Float64Array(n), data = new Float32Array(n * f);
    for (const arr of [keys, indices, data]) {
      const dst = Buffer.from(arr.buffer);
      bytes.copy(dst, 0, at, at + dst.length);
      at += dst.length;
    }
    return { n, keys, indices, data };
  };
  const train = take(header.trainRows);
  const test = take(header.testRows);
  return { header, train, test };
}
