import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { getGdal } from './gdal.js';

/**
 * Bytes at GDAL virtual paths (/vsis3/, /vsigs/, /vsiaz/, /vsimem/ ...).
 * gdal-async has no byte-level VSI API, so bytes go through a raw VRT band
 * (VRTRawRasterBand) whose source file is the target: GDAL then reads or writes
 * exactly those bytes through the virtual file system, with no sidecar file.
 */
export function isVirtualPath(path: string): boolean {
  return path.startsWith('/vsi');
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A raster band's x size is a 32-bit int: the largest file moved this way. */
const MAX_BYTES = 2 ** 31 - 1;
const CHUNK = 16 * 1024 * 1024;

function rawBandVrt(target: string, length: number): string {
  return (
    `<VRTDataset rasterXSize="${length}" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">` +
    `<SourceFilename relativeToVRT="0">${xmlEscape(target)}</SourceFilename><ImageOffset>0</ImageOffset>` +
    `<PixelOffset>1</PixelOffset><LineOffset>${length}</LineOffset></VRTRasterBand></VRTDataset>`
  );
}

/** A raw band may seek while writing; object storage then needs GDAL's local spill file (unless the user chose otherwise). */
function allowRandomWrite(): void {
  const g = getGdal();
  if (!g.config.get('CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE')) g.config.set('CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE', 'YES');
}

/**
 * Opens the raw band for writing a new file. GDAL checks that a wide raw raster's
 * file is already as long as the raster ("Image file is too small"), which a file
 * about to be written never is: the check is off for this one open.
 */
function openForWrite(path: string, length: number) {
  const g = getGdal();
  const before = g.config.get('RAW_CHECK_FILE_SIZE');
  g.config.set('RAW_CHECK_FILE_SIZE', 'NO');
  try {
    return g.open(rawBandVrt(path, length), 'r+');
  } finally {
    g.config.set('RAW_CHECK_FILE_SIZE', before as string);
  }
}

function checkSize(path: string, length: number): void {
  if (length > MAX_BYTES) throw new UserError(`'${path}': ${length} bytes is more than this build can move to a virtual path (2 GiB); write it to a local path instead.`);
  if (length === 0) throw new UserError(`'${path}': refusing to write an empty file to a virtual path.`);
}

/** Writes `bytes` to a virtual path; on object storage the object appears when the upload completes. */
export function writeVsiBytes(path: string, bytes: Uint8Array): void {
  checkSize(path, bytes.length);
  allowRandomWrite();
  const ds = openForWrite(path, bytes.length);
  try {
    for (let x = 0; x < bytes.length; x += CHUNK) {
      const n = Math.min(CHUNK, bytes.length - x);
      ds.bands.get(1).pixels.write(x, 0, n, 1, bytes.subarray(x, x + n));
    }
    ds.flush();
  } finally {
    ds.close();
  }
}

/** Copies a local file to a virtual path in chunks (a large COG is never held whole in memory). */
export function uploadFile(local: string, path: string): void {
  const length = statSync(local).size;
  checkSize(path, length);
  allowRandomWrite();
  const fd = openSync(local, 'r');
  const ds = openForWrite(path, length);
  try {
    const buf = Buffer.alloc(Math.min(CHUNK, length));
    for (let x = 0; x < length; x += CHUNK) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, length - x), x);
      ds.bands.get(1).pixels.write(x, 0, n, 1, buf.subarray(0, n));
    }
    ds.flush();
  } finally {
    ds.close();
    closeSync(fd);
  }
}

/** Size of a file at a virtual path, or null when there is none (or it cannot be reached). */
export function vsiSize(path: string): number | null {
  try {
    return getGdal().fs.stat(path).size;
  } catch {
    return null;
  }
}

/** The whole file at a virtual path. */
export function readVsiBytes(path: string, size: number): Buffer {
  if (size === 0) return Buffer.alloc(0);
  const ds = getGdal().open(rawBandVrt(path, size));
  try {
    return Buffer.from(ds.bands.get(1).pixels.read(0, 0, size, 1) as Uint8Array);
  } finally {
    ds.close();
  }
}

/** Names of the files directly under a virtual folder (object-storage prefix). */
export function listVsiFolder(folder: string): string[] {
  return (getGdal().fs.readDir(folder) ?? []).filter((n) => n !== '.' && n !== '..');
}
