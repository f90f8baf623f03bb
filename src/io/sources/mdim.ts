import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { getGdal, type Dataset } from '../gdal.js';

type MDArray = ReturnType<Dataset['root']['arrays']['get']>;
type Group = Dataset['root'];

/** The HDF5 signature (also netCDF-4 files, which are HDF5). */
const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The first bytes of a local file (empty when it cannot be read). */
export function fileHead(path: string, n = 8): Buffer {
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(n);
      const got = readSync(fd, buf, 0, n, 0);
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  } catch {
    return Buffer.alloc(0);
  }
}

/** True for an HDF5 file (by its signature at byte 0, where h5py and MintPy/LiCSBAS put it). */
export function isHdf5File(path: string): boolean {
  return fileHead(path).equals(HDF5_MAGIC);
}

/** True for a netCDF classic / 64-bit offset file (CDF\x01, \x02, \x05). */
export function isNetcdfClassicFile(path: string): boolean {
  const head = fileHead(path, 4);
  return head.length === 4 && head.subarray(0, 3).toString('latin1') === 'CDF' && [1, 2, 5].includes(head[3]);
}

/** A multidimensional dataset (GDAL's multidimensional API), or a UserError naming the file. */
export function openMultidim(path: string, what: string): Dataset {
  try {
    return getGdal().open(path, 'mr');
  } catch (err) {
    throw new UserError(`${what} '${path}' could not be opened (GDAL says: ${err instanceof Error ? err.message.trim() : String(err)}). Check that the file is complete.`);
  }
}

/** Names of the arrays at a group. */
export function arrayNames(group: Group): string[] {
  return group.arrays.names;
}

/** A root (or group) attribute as a string, or null. */
export function attrString(group: Group | MDArray, name: string): string | null {
  if (!group.attributes.names.includes(name)) return null;
  const v = group.attributes.get(name).value;
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  return s === '' || s.toLowerCase() === 'none' ? null : s;
}

/** A numeric attribute (MintPy stores numbers as strings), or null when absent or not a number. */
export function attrNumber(group: Group | MDArray, name: string): number | null {
  const s = attrString(group, name);
  if (s === null) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Sizes of an array's dimensions, outermost first. */
export function arrayShape(a: MDArray): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.dimensions.count(); i++) out.push(a.dimensions.get(i).size);
  return out;
}

/** The (date, row, column) shape of a product's 3-D time-series dataset `name`; anything else is refused naming the file. */
export function timeSeriesShape(root: Group, name: string, what: string): [number, number, number] {
  const shape = arrayShape(root.arrays.get(name));
  if (shape.length !== 3) throw new UserError(`${what}: '${name}' has ${shape.length} dimensions; expected (date, row, column).`);
  return [shape[0], shape[1], shape[2]];
}

/** All values of a numeric array of at most one dimension (a scalar gives one value). */
export function readNumbers(a: MDArray): number[] {
  const shape = arrayShape(a);
  if (shape.length > 1) throw new Error(`readNumbers: ${a.description} has ${shape.length} dimensions`);
  // As doubles: Int64 times (xarray's default encoding) would come back as BigInts.
  return Array.from(a.read({ origin: shape.map(() => 0), span: shape, data_type: getGdal().GDT_Float64 }) as ArrayLike<number>);
}

/** How far from each end of the file string data are looked for (MintPy writes `date` after the time series). */
const SCAN_BYTES = 64 * 1024 * 1024;
const SCAN_BLOCK = 4 * 1024 * 1024;

/**
 * Finds the bytes of a small string dataset (MintPy's `date`: fixed-length YYYYMMDD strings;
 * LiCSBAS's `refarea`) in an HDF5 file. gdal-async cannot read string arrays, and this
 * project starts no processes, so the values are found where h5py puts them: as plain ASCII,
 * near the end of the file (written after the large datasets) or its start. `pattern` must
 * match the whole value sequence (it is tried on overlapping blocks); returns every distinct
 * match, so a caller can refuse an ambiguous file.
 */
export function findAsciiRuns(path: string, pattern: RegExp, maxLength: number): string[] {
  const size = statSync(path).size;
  const found = new Set<string>();
  const fd = openSync(path, 'r');
  try {
    const scan = (from: number, to: number) => {
      const overlap = maxLength;
      for (let pos = from; pos < to; pos += SCAN_BLOCK) {
        const n = Math.min(SCAN_BLOCK + overlap, size - pos);
        if (n <= 0) break;
        const buf = Buffer.alloc(n);
        readSync(fd, buf, 0, n, pos);
        for (const m of buf.toString('latin1').matchAll(new RegExp(pattern.source, 'g'))) found.add(m[0]);
      }
    };
    const tail = Math.max(0, size - SCAN_BYTES);
    scan(tail, size);
    if (found.size === 0) scan(0, Math.min(tail, SCAN_BYTES));
  } finally {
    closeSync(fd);
  }
  return [...found];
}
