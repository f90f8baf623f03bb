import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { commitOutputs, temporaryPathFor } from './atomicOutput.js';
import { isVirtualPath, listVsiFolder, readVsiBytes, vsiSize } from './vsiBytes.js';

/**
 * Plain files (JSON, samples, QML, HTML...) at local paths or GDAL virtual paths
 * (/vsis3/, /vsigs/, /vsiaz/ ...). Writes are atomic either way: a temporary
 * renamed into place locally, an upload that appears whole on object storage.
 */
export { isVirtualPath };

export function writeBytes(path: string, bytes: Uint8Array): void {
  const tmp = temporaryPathFor(path);
  writeFileSync(tmp, bytes);
  commitOutputs([{ tmp, final: path }]);
}

export function writeText(path: string, text: string): void {
  writeBytes(path, Buffer.from(text, 'utf8'));
}

/** Reads a whole file from a local or GDAL virtual path; a UserError names it (and its role) when it is missing. */
export function readBytes(path: string, role = 'file'): Buffer {
  if (!isVirtualPath(path)) {
    if (!existsSync(path)) throw new UserError(`${role} '${path}' does not exist. Check the path.`);
    return readFileSync(path);
  }
  const size = vsiSize(path);
  if (size === null) throw new UserError(`${role} '${path}' does not exist (or cannot be reached). Check the path and the credentials.`);
  return readVsiBytes(path, size);
}

/** At most the first `maxBytes` bytes of a file (e.g. a header), local or virtual. */
export function readPrefix(path: string, maxBytes: number, role = 'file'): Buffer {
  const size = statSize(path);
  if (size === null) throw new UserError(`${role} '${path}' does not exist${isVirtualPath(path) ? ' (or cannot be reached)' : ''}. Check the path.`);
  const n = Math.min(size, maxBytes);
  if (isVirtualPath(path)) return readVsiBytes(path, n);
  const buf = Buffer.alloc(n);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buf, 0, n, 0);
  } finally {
    closeSync(fd);
  }
  return buf;
}

export function readText(path: string, role = 'file'): string {
  return readBytes(path, role).toString('utf8');
}

/** Size in bytes, or null when the file does not exist. */
export function statSize(path: string): number | null {
  if (!isVirtualPath(path)) return existsSync(path) ? statSync(path).size : null;
  return vsiSize(path);
}

/** True when `path` is a folder (or an object-storage prefix with objects under it). */
export function isFolder(path: string): boolean {
  if (!isVirtualPath(path)) return existsSync(path) && statSync(path).isDirectory();
  return listVsiFolder(path).length > 0; // a prefix with objects under it (a file lists nothing)
}

/** Files directly in a folder (or object-storage prefix), sorted, as full paths. */
export function listFolder(folder: string): string[] {
  const names = isVirtualPath(folder) ? listVsiFolder(folder) : existsSync(folder) ? readdirSync(folder) : [];
  return names.sort().map((n) => join(folder, n));
}
