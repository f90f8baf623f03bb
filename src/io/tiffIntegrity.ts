import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * A cheap structural check of a local TIFF before any pixel is read: every
 * directory (IFD), every strip or tile, and the offset arrays that point at
 * them must lie inside the file, and each image must list as many blocks as its
 * size needs. GDAL opens a TIFF whose directory sits at the front even when the
 * file was cut short (still being copied, an interrupted download), and only
 * fails when a read reaches a missing block — possibly an hour into a run.
 * This check turns that into a clear answer at open time.
 *
 * Only what a complete file never has is flagged: a directory, block list or
 * block that reaches past the end, fewer blocks than the image needs, or a
 * loop of directories. GDAL may still open such a file when only a later
 * directory is hit (its internal mask or overviews), but then it silently
 * loses that mask; refusing is the safe answer.
 */
export type TiffProblem =
  | { kind: 'truncated'; needed: number; size: number; what: string }
  | { kind: 'damaged'; detail: string };

const TAG_WIDTH = 256, TAG_HEIGHT = 257, TAG_SAMPLES = 277, TAG_ROWS_PER_STRIP = 278, TAG_PLANAR = 284;
const TAG_STRIP_OFFSETS = 273, TAG_STRIP_BYTES = 279, TAG_TILE_WIDTH = 322, TAG_TILE_HEIGHT = 323, TAG_TILE_OFFSETS = 324, TAG_TILE_BYTES = 325;
/** Bytes per value of each TIFF field type (0: unknown type, which libtiff skips too). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];
/** More directories than any real file has (overviews, masks): a loop or garbage beyond it. */
const MAX_DIRECTORIES = 4096;

interface Entry {
  type: number;
  count: number;
  /** File offset of the values (inline values sit inside the entry). */
  at: number;
}

class Reader {
  private readonly scratch = Buffer.alloc(16);
  constructor(readonly fd: number, readonly size: number, readonly little: boolean) {}

  bytes(at: number, n: number): Buffer {
    const buf = n <= 16 ? this.scratch : Buffer.alloc(n);
    const got = readSync(this.fd, buf, 0, n, at);
    return got === n ? buf : buf.subarray(0, got);
  }

  uint(at: number, bytes: number): number {
    const b = this.bytes(at, bytes);
    if (b.length < bytes) return NaN;
    switch (bytes) {
      case 1: return b[0];
      case 2: return this.little ? b.readUInt16LE(0) : b.readUInt16BE(0);
      case 4: return this.little ? b.readUInt32LE(0) : b.readUInt32BE(0);
      default: return Number(this.little ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0));
    }
  }

  /** Unsigned integer values of an entry (SHORT, LONG, LONG8; others give null). */
  values(e: Entry): number[] | null {
    const size = TYPE_SIZE[e.type] ?? 0;
    if (![3, 4, 16].includes(e.type) || e.count === 0 || !(e.at + e.count * size <= this.size)) return null;
    const buf = this.bytes(e.at, e.count * size);
    if (buf.length < e.count * size) return null;
    const out = new Array<number>(e.count);
    for (let i = 0; i < e.count; i++) {
      const o = i * size;
      out[i] = size === 2 ? (this.little ? buf.readUInt16LE(o) : buf.readUInt16BE(o))
        : size === 4 ? (this.little ? buf.readUInt32LE(o) : buf.readUInt32BE(o))
        : Number(this.little ? buf.readBigUInt64LE(o) : buf.readBigUInt64BE(o));
    }
    return out;
  }
}

/**
 * Checks a TIFF file's structure. Returns null when it is complete (or not a
 * TIFF at all: GDAL decides about those), else what is wrong.
 */
export function tiffProblem(path: string): TiffProblem | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return check(fd);
  } finally {
    closeSync(fd);
  }
}

function check(fd: number): TiffProblem | null {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(16);
  const got = readSync(fd, head, 0, 16, 0);
  const order = head.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  if (got < 8) {
    const start = head.subarray(0, 4).toString('latin1');
    const tiffStart = ['II*\0', 'MM\0*', 'II+\0', 'MM\0+'].some((m) => m.startsWith(start.slice(0, Math.max(got, 2))));
    return got >= 2 && tiffStart ? { kind: 'truncated', needed: 8, size, what: 'the TIFF header' } : null;
  }
  const r = new Reader(fd, size, order === 'II');
  const magic = r.uint(2, 2);
  if (magic !== 42 && magic !== 43) return null;
  const big = magic === 43;
  if (big && got < 16) return { kind: 'truncated', needed: 16, size, what: 'the BigTIFF header' };
  const offsetBytes = big ? 8 : 4;
  const countBytes = big ? 8 : 2;
  const entryBytes = big ? 20 : 12;

  let ifd = r.uint(big ? 8 : 4, offsetBytes);
  const seen = new Set<number>();
  for (let n = 0; ifd !== 0 && n < MAX_DIRECTORIES; n++) {
    if (seen.has(ifd)) return { kind: 'damaged', detail: `its directories form a loop (directory ${n + 1} points back to byte ${ifd})` };
    seen.add(ifd);
    if (!(ifd + countBytes <= size)) return { kind: 'truncated', needed: ifd + countBytes, size, what: `directory ${n + 1}` };
    const count = r.uint(ifd, countBytes);
    const end = ifd + countBytes + count * entryBytes + offsetBytes;
    if (!(end <= size)) return { kind: 'truncated', needed: end, size, what: `directory ${n + 1}` };
    const entries = new Map<number, Entry>();
    for (let i = 0; i < count; i++) {
      const at = ifd + countBytes + i * entryBytes;
      const tag = r.uint(at, 2);
      const type = r.uint(at + 2, 2);
      const valueCount = r.uint(at + 4, big ? 8 : 4);
      const bytes = valueCount * (TYPE_SIZE[type] ?? 0);
      const valueAt = bytes <= offsetBytes ? at + 4 + (big ? 8 : 4) : r.uint(at + 4 + (big ? 8 : 4), offsetBytes);
      if (!entries.has(tag)) entries.set(tag, { type, count: valueCount, at: valueAt });
    }
    const problem = checkImage(r, entries, n + 1);
    if (problem) return problem;
    ifd = r.uint(end - offsetBytes, offsetBytes);
  }
  return null;
}

/** Checks one directory's blocks: listed in full, and inside the file. */
function checkImage(r: Reader, tags: Map<number, Entry>, index: number): TiffProblem | null {
  const tiled = tags.has(TAG_TILE_OFFSETS);
  const offsetsEntry = tags.get(tiled ? TAG_TILE_OFFSETS : TAG_STRIP_OFFSETS);
  if (!offsetsEntry) return null; // not an image directory (e.g. EXIF); libtiff decides
  const bytesEntry = tags.get(tiled ? TAG_TILE_BYTES : TAG_STRIP_BYTES);
  for (const e of [offsetsEntry, bytesEntry]) {
    if (!e) continue;
    const end = e.at + e.count * (TYPE_SIZE[e.type] ?? 0);
    if (!(end <= r.size)) return { kind: 'truncated', needed: end, size: r.size, what: `the block list of image ${index}` };
  }
  const scalar = (tag: number) => {
    const e = tags.get(tag);
    const v = e ? r.values(e) : null;
    return v && v.length > 0 ? v[0] : null;
  };
  const width = scalar(TAG_WIDTH), height = scalar(TAG_HEIGHT);
  const offsets = r.values(offsetsEntry);
  if (width === null || height === null || !offsets) return null;
  const planes = scalar(TAG_PLANAR) === 2 ? (scalar(TAG_SAMPLES) ?? 1) : 1;
  let expected: number;
  if (tiled) {
    const tw = scalar(TAG_TILE_WIDTH), th = scalar(TAG_TILE_HEIGHT);
    if (!tw || !th) return null;
    expected = Math.ceil(width / tw) * Math.ceil(height / th) * planes;
  } else {
    const rows = Math.min(scalar(TAG_ROWS_PER_STRIP) ?? height, height) || height;
    expected = Math.ceil(height / rows) * planes;
  }
  if (offsets.length < expected) {
    return {
      kind: 'damaged',
      detail: `image ${index} is ${width} x ${height} pixels, which needs ${expected} ${tiled ? 'tiles' : 'strips'}, but its directory lists ${offsets.length}`,
    };
  }
  const counts = bytesEntry ? r.values(bytesEntry) : null;
  let needed = 0;
  for (let i = 0; i < expected; i++) {
    const n = counts?.[i] ?? 0;
    if (n > 0) needed = Math.max(needed, offsets[i] + n);
    else if (!counts && offsets[i] > 0) needed = Math.max(needed, offsets[i] + 1);
  }
  if (needed > r.size) return { kind: 'truncated', needed, size: r.size, what: `the pixel data of image ${index}` };
  return null;
}
