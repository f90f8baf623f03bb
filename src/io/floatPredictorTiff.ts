import { fstatSync, readSync } from 'node:fs';
import {
  directoryEntries, TAG_BITS, TAG_COMPRESSION, TAG_HEIGHT, TAG_PLANAR, TAG_PREDICTOR, TAG_ROWS_PER_STRIP, TAG_SAMPLE_FORMAT, TAG_SAMPLES,
  TAG_STRIP_BYTES, TAG_STRIP_OFFSETS, TAG_SUBFILE_TYPE, TAG_TILE_BYTES, TAG_TILE_HEIGHT, TAG_TILE_OFFSETS, TAG_TILE_WIDTH, TAG_WIDTH, TiffReader, withOpenFile,
} from './tiffDirectory.js';

/**
 * A GeoTIFF whose first image holds 32-bit floats stored with the floating-point predictor
 * (Predictor = 3, as `gdal_translate -co PREDICTOR=3` writes them). libtiff undoes that
 * predictor a byte at a time, which costs GDAL about as much as the decompression itself;
 * src/io/floatPredictorRead.ts lets GDAL decompress the blocks as bytes and undoes it in
 * WebAssembly SIMD. This is what it needs to know of the file.
 */
export interface FloatPredictorLayout {
  path: string;
  fileSize: number;
  /** The file's header is 16 bytes (BigTIFF) rather than 8. */
  big: boolean;
  width: number;
  height: number;
  /** Tile size, or for strips the image width and the rows per strip. */
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  samples: number;
  /** 1: samples interleaved in each block (pixel), 2: one block per sample (band). */
  planar: 1 | 2;
  compression: number;
  offsets: number[];
  counts: number[];
}

/** Codecs that decode to the bytes the predictor left, whatever they are (JPEG, LERC and the like never carry this predictor). */
const BYTE_CODECS = new Set([1, 5, 8, 32773, 32946, 34925, 50000]);

/**
 * The layout of `path` when its first image qualifies (a readable local TIFF; full resolution;
 * every sample a 32-bit float with Predictor 3; a codec of bytes; every block present), else null:
 * the file is then read the ordinary way.
 */
export function floatPredictorLayout(path: string): FloatPredictorLayout | null {
  try {
    return withOpenFile(path, (fd) => layoutOf(fd, path));
  } catch {
    return null; // a directory we cannot follow: GDAL reads the file the ordinary way
  }
}

function layoutOf(fd: number, path: string): FloatPredictorLayout | null {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(16);
  if (readSync(fd, head, 0, 16, 0) < 16) return null;
  const order = head.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const r = new TiffReader(fd, size, order === 'II');
  const magic = r.uint(2, 2);
  if (magic !== 42 && magic !== 43) return null;
  const big = magic === 43;
  const ifd = r.uint(big ? 8 : 4, big ? 8 : 4);
  if (!(ifd > 0 && ifd < size)) return null;
  const { entries } = directoryEntries(r, ifd, big);
  const scalar = (tag: number) => r.scalar(entries, tag);
  const all = (tag: number) => { const e = entries.get(tag); return e ? r.values(e) : null; };
  if ((scalar(TAG_SUBFILE_TYPE) ?? 0) !== 0 || scalar(TAG_PREDICTOR) !== 3) return null;
  const compression = scalar(TAG_COMPRESSION) ?? 1;
  if (!BYTE_CODECS.has(compression)) return null;
  const samples = scalar(TAG_SAMPLES) ?? 1;
  const bits = all(TAG_BITS), formats = all(TAG_SAMPLE_FORMAT);
  if (!bits || !formats || bits.some((b) => b !== 32) || formats.some((f) => f !== 3)) return null;
  const width = scalar(TAG_WIDTH), height = scalar(TAG_HEIGHT);
  if (!width || !height) return null;
  const planar = samples > 1 && scalar(TAG_PLANAR) === 2 ? 2 : 1;
  const tiled = entries.has(TAG_TILE_OFFSETS);
  const blockWidth = tiled ? scalar(TAG_TILE_WIDTH) : width;
  const blockHeight = tiled ? scalar(TAG_TILE_HEIGHT) : Math.min(scalar(TAG_ROWS_PER_STRIP) ?? height, height);
  if (!blockWidth || !blockHeight || (tiled && blockWidth % 16 !== 0)) return null;
  const offsets = all(tiled ? TAG_TILE_OFFSETS : TAG_STRIP_OFFSETS), counts = all(tiled ? TAG_TILE_BYTES : TAG_STRIP_BYTES);
  const blocks = Math.ceil(width / blockWidth) * Math.ceil(height / blockHeight) * (planar === 2 ? samples : 1);
  if (!offsets || !counts || offsets.length < blocks || counts.length < blocks) return null;
  for (let i = 0; i < blocks; i++) {
    // A sparse block (no data written) is filled by GDAL with nodata; a header of 16 bytes must not cover any block.
    if (!(counts[i] > 0 && offsets[i] >= 16 && offsets[i] + counts[i] <= size)) return null;
  }
  return {
    path, fileSize: size, big, width, height, blockWidth, blockHeight, tiled, samples, planar, compression,
    offsets: offsets.slice(0, blocks), counts: counts.slice(0, blocks),
  };
}

/** Bytes a row of one block holds in the byte view: 4 per float, every sample when they are interleaved. */
export function blockRowBytes(layout: FloatPredictorLayout): number {
  return 4 * layout.blockWidth * (layout.planar === 2 ? 1 : layout.samples);
}

/**
 * Tiles with one block per band are laid side by side in the byte view, the bands of each
 * tile column next to each other (tile column c of band b at view column c * samples + b),
 * so one read of a cell's rows brings every band: one GDAL call where there were as many as
 * bands. Strips (whose width need not be a multiple of 16 bytes) keep one sample per band.
 */
export function bandsSideBySide(layout: FloatPredictorLayout): boolean {
  return layout.tiled && layout.planar === 2;
}

/**
 * The byte view of the file: the same blocks declared as 8-bit samples without a predictor, so
 * libtiff decompresses each block and leaves its bytes as the file stores them. Its image is
 * the blocks' rows of bytes side by side (a partial last block column whole), with
 * {@link bandsSideBySide} every band's in its one band. Returns the new header (replacing the
 * file's first 8 or 16 bytes) and the directory to append at `at`, the first even offset at or
 * after the end of the file.
 */
export function byteViewTiff(layout: FloatPredictorLayout): { header: Buffer; directory: Buffer; at: number } {
  const at = layout.fileSize + (layout.fileSize % 2);
  const rowBytes = blockRowBytes(layout);
  const cols = Math.ceil(layout.width / layout.blockWidth), rows = Math.ceil(layout.height / layout.blockHeight);
  const sideBySide = bandsSideBySide(layout);
  const samples = layout.planar === 2 && !sideBySide ? layout.samples : 1;
  // The file lists a band's tiles after the other's (row by row); side by side, the view lists tile row r as the columns of every band.
  let offsets = layout.offsets, counts = layout.counts;
  if (sideBySide) {
    const order: number[] = [];
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) for (let b = 0; b < layout.samples; b++) order.push(b * rows * cols + r * cols + c);
    offsets = order.map((i) => layout.offsets[i]);
    counts = order.map((i) => layout.counts[i]);
  }
  // Classic TIFF when every offset fits 32 bits (and the file's header had room for 8 bytes), else BigTIFF.
  const big = layout.big && at + 64 * (layout.offsets.length + 2 * samples + 64) >= 2 ** 32;
  const SHORT = 3, LONG = big ? 16 : 4;
  const fields: [number, number, number[]][] = [
    [TAG_WIDTH, 4, [layout.tiled ? rowBytes * cols * (sideBySide ? layout.samples : 1) : rowBytes]],
    [TAG_HEIGHT, 4, [layout.height]],
    [TAG_BITS, SHORT, new Array(samples).fill(8)],
    [TAG_COMPRESSION, SHORT, [layout.compression]],
    [262, SHORT, [1]], // photometric: min-is-black
    [TAG_SAMPLES, SHORT, [samples]],
    [TAG_PLANAR, SHORT, [samples > 1 ? 2 : 1]],
    [TAG_SAMPLE_FORMAT, SHORT, new Array(samples).fill(1)],
  ];
  if (samples > 1) fields.push([338, SHORT, new Array(samples - 1).fill(0)]); // extra samples, unspecified
  if (layout.tiled) {
    fields.push([TAG_TILE_WIDTH, 4, [rowBytes]], [TAG_TILE_HEIGHT, 4, [layout.blockHeight]], [TAG_TILE_OFFSETS, LONG, offsets], [TAG_TILE_BYTES, LONG, counts]);
  } else {
    fields.push([TAG_ROWS_PER_STRIP, 4, [layout.blockHeight]], [TAG_STRIP_OFFSETS, LONG, offsets], [TAG_STRIP_BYTES, LONG, counts]);
  }
  fields.sort((a, b) => a[0] - b[0]);
  const entryBytes = big ? 20 : 12, countBytes = big ? 8 : 2, offsetBytes = big ? 8 : 4;
  const tableBytes = countBytes + fields.length * entryBytes + offsetBytes;
  const valueBytes = fields.map(([, type, values]) => values.length * (type === SHORT ? 2 : type === 4 ? 4 : 8));
  const outside = valueBytes.map((n) => (n > offsetBytes ? Math.ceil(n / 8) * 8 : 0));
  const directory = Buffer.alloc(tableBytes + outside.reduce((a, b) => a + b, 0));
  const writeUint = (buf: Buffer, o: number, v: number, bytes: number) => {
    if (bytes === 2) buf.writeUInt16LE(v, o);
    else if (bytes === 4) buf.writeUInt32LE(v, o);
    else buf.writeBigUInt64LE(BigInt(v), o);
  };
  writeUint(directory, 0, fields.length, countBytes);
  let spill = tableBytes;
  fields.forEach(([tag, type, values], i) => {
    const e = countBytes + i * entryBytes;
    const size = type === SHORT ? 2 : type === 4 ? 4 : 8;
    directory.writeUInt16LE(tag, e);
    directory.writeUInt16LE(type, e + 2);
    writeUint(directory, e + 4, values.length, big ? 8 : 4);
    const valueAt = e + 4 + (big ? 8 : 4);
    const target = outside[i] > 0 ? spill : valueAt;
    if (outside[i] > 0) {
      writeUint(directory, valueAt, at + spill, offsetBytes);
      spill += outside[i];
    }
    values.forEach((v, k) => writeUint(directory, target + k * size, v, size));
  });
  // The next directory: none.
  writeUint(directory, tableBytes - offsetBytes, 0, offsetBytes);
  const header = Buffer.alloc(big ? 16 : 8);
  header.write('II', 0, 'latin1');
  if (big) {
    header.writeUInt16LE(43, 2);
    header.writeUInt16LE(8, 4);
    header.writeBigUInt64LE(BigInt(at), 8);
  } else {
    header.writeUInt16LE(42, 2);
    header.writeUInt32LE(at, 4);
  }
  return { header, directory, at };
}
