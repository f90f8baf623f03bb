import { closeSync, openSync, readSync } from 'node:fs';

/** `read(fd)` on `path` opened for reading, closed after; null when the file cannot be opened (not a local file, say). */
export function withOpenFile<T>(path: string, read: (fd: number) => T | null): T | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** Bytes per value of each TIFF field type (0: unknown type, which libtiff skips too). */
export const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8];

export const TAG_WIDTH = 256, TAG_HEIGHT = 257, TAG_BITS = 258, TAG_COMPRESSION = 259, TAG_SAMPLES = 277, TAG_ROWS_PER_STRIP = 278, TAG_PLANAR = 284;
export const TAG_STRIP_OFFSETS = 273, TAG_STRIP_BYTES = 279, TAG_TILE_WIDTH = 322, TAG_TILE_HEIGHT = 323, TAG_TILE_OFFSETS = 324, TAG_TILE_BYTES = 325;
export const TAG_SUBFILE_TYPE = 254, TAG_PREDICTOR = 317, TAG_SAMPLE_FORMAT = 339;

/** One field of a directory. */
export interface Entry {
  type: number;
  count: number;
  /** File offset of the values (inline values sit inside the entry). */
  at: number;
}

/** Reads a TIFF's integers in its byte order. */
export class TiffReader {
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

  /** The first value of `tag`'s entry, or null. */
  scalar(entries: Map<number, Entry>, tag: number): number | null {
    const e = entries.get(tag);
    const v = e ? this.values(e) : null;
    return v && v.length > 0 ? v[0] : null;
  }
}

/** The layout of a TIFF's header: byte order, BigTIFF or classic, and where its first directory is. */
export interface TiffHeader {
  little: boolean;
  big: boolean;
  firstDirectory: number;
}

/** Sizes of a directory's parts: classic TIFF, or BigTIFF (64-bit offsets and counts). */
export function directorySizes(big: boolean) {
  return { offsetBytes: big ? 8 : 4, countBytes: big ? 8 : 2, entryBytes: big ? 20 : 12 };
}

/**
 * The fields of the directory at `ifd` (the caller has checked that its entries lie in the
 * file), the first entry of a tag kept, and the offset of the next directory.
 */
export function directoryEntries(r: TiffReader, ifd: number, big: boolean): { entries: Map<number, Entry>; next: number } {
  const { offsetBytes, countBytes, entryBytes } = directorySizes(big);
  const count = r.uint(ifd, countBytes);
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
  return { entries, next: r.uint(ifd + countBytes + count * entryBytes, offsetBytes) };
}
