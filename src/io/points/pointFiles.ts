import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { UserError } from '../../errors.js';
import { zipMembers, zipMemberStream, type ZipMember } from './zipMembers.js';

/**
 * The CSVs a SCENE argument names: a .csv, a .csv.gz, a .zip holding CSVs, a
 * quoted glob of these, or @list.txt (one path per line, relative to the list).
 */
export interface PointFile {
  /** The file on disk. */
  path: string;
  /** The CSV inside a zip, or null. */
  member: ZipMember | null;
  /** How messages name it: the path, or ARCHIVE.zip/member.csv. */
  label: string;
}

const POINT_NAME = /\.(csv|csv\.gz|zip)$/i;
const RASTER_MEMBER = /\.(tiff?|vrt|h5|he5|nc|img)$/i;
const CHUNK = 1 << 20;

const isGlob = (s: string) => /[*?[]/.test(s);

function globToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped}$`);
}

/** The paths an argument expands to (glob in the last path component, or @list), in name order. */
export function expandPointArgument(input: string): string[] {
  if (input.startsWith('@')) {
    const list = input.slice(1);
    if (!existsSync(list)) throw new UserError(`'${input}': the list file '${list}' does not exist. Give @FILE with one point file per line.`);
    const lines = readFileSync(list, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    if (lines.length === 0) throw new UserError(`'${input}': the list file is empty; expected one point file (.csv, .csv.gz, .zip) per line.`);
    return lines.map((l) => (isAbsolute(l) ? l : join(dirname(list), l)));
  }
  if (isGlob(basename(input))) {
    const dir = dirname(input);
    const re = globToRegExp(basename(input));
    const names = existsSync(dir) ? readdirSync(dir).filter((n) => re.test(n)).sort() : [];
    if (names.length === 0) throw new UserError(`'${input}' matches no file. Check the pattern (quote it so the shell passes it on, e.g. 'tracks/*.csv.gz').`);
    return names.map((n) => join(dir, n));
  }
  return [input];
}

/** True when an argument names point files (by name; a glob or @list by its first file; a .zip only when it holds no raster). */
export function looksLikePoints(input: string): boolean {
  let first = input;
  if (input.startsWith('@') || isGlob(basename(input))) {
    try {
      first = expandPointArgument(input)[0];
    } catch {
      // Nothing matches (yet): the pattern's own ending decides, and the point reader then says what is missing.
      return POINT_NAME.test(input);
    }
  }
  if (!POINT_NAME.test(first)) return false;
  if (/\.zip$/i.test(first) && existsSync(first)) {
    try {
      const members = zipMembers(first);
      return members.some((m) => /\.csv$/i.test(m.name)) || !members.some((m) => RASTER_MEMBER.test(m.name));
    } catch {
      return true; // a damaged zip: the point reader says what is wrong
    }
  }
  return true;
}

/** The CSVs of an argument; a UserError for a missing file or a zip without a CSV. */
export function pointFilesOf(input: string): PointFile[] {
  const out: PointFile[] = [];
  for (const path of expandPointArgument(input)) {
    if (!existsSync(path)) throw new UserError(`point file '${path}' does not exist. Check the path${input !== path ? ` (from '${input}')` : ''}.`);
    if (statSync(path).isDirectory()) throw new UserError(`'${path}' is a folder; expected a point file (.csv, .csv.gz or .zip), or a quoted glob such as '${join(path, '*.csv.gz')}'.`);
    if (/\.zip$/i.test(path)) {
      const members = zipMembers(path);
      const csvs = members.filter((m) => /\.csv$/i.test(m.name) && !m.name.endsWith('/'));
      if (csvs.length === 0) {
        throw new UserError(`'${path}' holds no CSV (it has ${members.map((m) => `'${m.name}'`).join(', ') || 'no files'}); expected an EGMS zip with one .csv of points.`);
      }
      for (const m of csvs) out.push({ path, member: m, label: `${path}/${m.name}` });
    } else if (POINT_NAME.test(path)) {
      out.push({ path, member: null, label: path });
    } else {
      throw new UserError(`'${path}' is not a point file: expected .csv, .csv.gz or .zip (holding CSVs) among the files of '${input}'.`);
    }
  }
  return out;
}

/** A readable stream of a point file's CSV bytes (decompressed). */
export function pointFileStream(file: PointFile): Readable {
  if (file.member) return zipMemberStream(file.path, file.member, CHUNK);
  const raw = createReadStream(file.path, { highWaterMark: CHUNK });
  if (!/\.gz$/i.test(file.path)) return raw;
  const gunzip = createGunzip({ chunkSize: CHUNK });
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

