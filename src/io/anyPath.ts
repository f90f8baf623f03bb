import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.js';
import { commitOutputs, temporaryPathFor } from './atomicOutput.js';
import { getGdal } from './gdal.js';

/**
 * Plain files (JSON, QML, HTML...) at local paths or GDAL virtual paths
 * (/vsis3/, /vsigs/, /vsiaz/, /vsimem/ ...). gdal-async has no byte-level VSI
 * API, so bytes go through a raw VRT band (VRTRawRasterBand) whose source file
 * is the target: GDAL then reads or writes exactly those bytes, through
 * whatever virtual file system the path names, with no sidecar file.
 */
export function isVirtualPath(path: string): boolean {
  return path.startsWith('/vsi');
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function rawBandVrt(target: string, length: number): string {
  return (
    `<VRTDataset rasterXSize="${length}" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1" subClass="VRTRawRasterBand">` +
    `<SourceFilename relativeToVRT="0">${xmlEscape(target)}</SourceFilename><ImageOffset>0</ImageOffset>` +
    `<PixelOffset>1</PixelOffset><LineOffset>${length}</LineOffset></VRTRasterBand></VRTDataset>`
  );
}

/**
 * Writes `bytes` to `path`. Local files appear atomically (temporary + rename);
 * on object storage an object appears only when its upload completes, so a
 * reader never sees a partial file there either.
 */
export function writeBytes(path: string, bytes: Uint8Array): void {
  if (!isVirtualPath(path)) {
    const tmp = temporaryPathFor(path);
    writeFileSync(tmp, bytes);
    commitOutputs([{ tmp, final: path }]);
    return;
  }
  if (bytes.length === 0) throw new UserError(`'${path}': refusing to write an empty file to object storage.`);
  const ds = getGdal().open(rawBandVrt(path, bytes.length), 'r+');
  try {
    ds.bands.get(1).pixels.write(0, 0, bytes.length, 1, bytes);
    ds.flush();
  } finally {
    ds.close();
  }
}

export function writeText(path: string, text: string): void {
  writeBytes(path, Buffer.from(text, 'utf8'));
}

/** Reads a whole file from a local or GDAL virtual path; a UserError names it when it is missing. */
export function readBytes(path: string, role = 'file'): Buffer {
  if (!isVirtualPath(path)) {
    if (!existsSync(path)) throw new UserError(`${role} '${path}' does not exist. Check the path.`);
    return readFileSync(path);
  }
  const size = statSize(path);
  if (size === null) throw new UserError(`${role} '${path}' does not exist (or cannot be reached). Check the path and the credentials.`);
  if (size === 0) return Buffer.alloc(0);
  const ds = getGdal().open(rawBandVrt(path, size));
  try {
    return Buffer.from(ds.bands.get(1).pixels.read(0, 0, size, 1) as Uint8Array);
  } finally {
    ds.close();
  }
}

export function readText(path: string, role = 'file'): string {
  return readBytes(path, role).toString('utf8');
}

/** Size in bytes, or null when the file does not exist. */
export function statSize(path: string): number | null {
  if (!isVirtualPath(path)) return existsSync(path) ? statSync(path).size : null;
  try {
    return getGdal().fs.stat(path).size;
  } catch {
    return null;
  }
}

/** Files directly in a folder (or object-storage prefix), sorted, as full paths. */
export function listFolder(folder: string): string[] {
  const names = isVirtualPath(folder) ? (getGdal().fs.readDir(folder) ?? []) : existsSync(folder) ? readdirSync(folder) : [];
  return names.filter((n) => n !== '.' && n !== '..').sort().map((n) => join(folder, n));
}

/** Removes a local file; on object storage files are replaced, not removed (gdal-async cannot delete). */
export function removeLocal(path: string): void {
  if (!isVirtualPath(path)) rmSync(path, { force: true });
}

export { basename, dirname };
