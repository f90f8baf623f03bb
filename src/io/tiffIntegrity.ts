import { fstatSync, readSync } from 'node:fs';
import {
  directoryEntries, directorySizes, TAG_HEIGHT, TAG_PLANAR, TAG_ROWS_PER_STRIP, TAG_SAMPLES, TAG_STRIP_BYTES, TAG_STRIP_OFFSETS,
  TAG_TILE_BYTES, TAG_TILE_HEIGHT, TAG_TILE_OFFSETS, TAG_TILE_WIDTH, TAG_WIDTH, TiffReader, TYPE_SIZE, withOpenFile, type Entry,
} from './tiffDirectory.js';

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

/** More directories than any real file has (overviews, masks): a loop or garbage beyond it. */
const MAX_DIRECTORIES = 4096;

/**
 * Checks a TIFF file's structure. Returns null when it is complete (or not a
 * TIFF at all: GDAL decides about those), else what is wrong.
 */
export function tiffProblem(path: string): TiffProblem | null {
  return withOpenFile(path, check);
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
  const r = new TiffReader(fd, size, order === 'II');
  const magic = r.uint(2, 2);
  if (magic !== 42 && magic !== 43) return null;
  const big = magic === 43;
  if (big && got < 16) return { kind: 'truncated', needed: 16, size, what: 'the BigTIFF header' };
  const { offsetBytes, countBytes, entryBytes } = directorySizes(big);

  let ifd = r.uint(big ? 8 : 4, offsetBytes);
  const seen = new Set<number>();
  for (let n = 0; ifd !== 0 && n < MAX_DIRECTORIES; n++) {
    if (seen.has(ifd)) return { kind: 'damaged', detail: `its directories form a loop (directory ${n + 1} points back to byte ${ifd})` };
    seen.add(ifd);
    if (!(ifd + countBytes <= size)) return { kind: 'truncated', needed: ifd + countBytes, size, what: `directory ${n + 1}` };
    const count = r.uint(ifd, countBytes);
    const end = ifd + countBytes + count * entryBytes + offsetBytes;
    if (!(end <= size)) return { kind: 'truncated', needed: end, size, what: `directory ${n + 1}` };
    const { entries, next } = directoryEntries(r, ifd, big);
    const problem = checkImage(r, entries, n + 1);
    if (problem) return problem;
    ifd = next;
  }
  return null;
}

/** Checks one directory's blocks: listed in full, and inside the file. */
function checkImage(r: TiffReader, tags: Map<number, Entry>, index: number): TiffProblem | null {
  const tiled = tags.has(TAG_TILE_OFFSETS);
  const offsetsEntry = tags.get(tiled ? TAG_TILE_OFFSETS : TAG_STRIP_OFFSETS);
  if (!offsetsEntry) return null; // not an image directory (e.g. EXIF); libtiff decides
  const bytesEntry = tags.get(tiled ? TAG_TILE_BYTES : TAG_STRIP_BYTES);
  for (const e of [offsetsEntry, bytesEntry]) {
    if (!e) continue;
    const end = e.at + e.count * (TYPE_SIZE[e.type] ?? 0);
    if (!(end <= r.size)) return { kind: 'truncated', needed: end, size: r.size, what: `the block list of image ${index}` };
  }
  const scalar = (tag: number) => r.scalar(tags, tag);
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
