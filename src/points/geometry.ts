/**
 * The viewing geometry a point file measures: one orbit track (line of sight) or,
 * for EGMS L3, one component (east-west or vertical). Files of different
 * geometries measure different things and must not be averaged into one series.
 */
import { UserError } from '../errors.js';
import type { PointLayout } from './columns.js';

/** What one file measures; `key` is equal for files that may be gridded together. */
export interface PointGeometry {
  key: string;
  /** For messages and the provenance, e.g. "track 022, line of sight" or "EGMS L3 vertical (U)". */
  description: string;
  /** Component and sign convention, as the product documents it. */
  sign: string;
}

const LOS_SIGN = 'line of sight, positive towards the satellite';

/**
 * The geometry of a file from its name (EGMS names track or component; InSAR
 * Norway names track and direction), else from its first row's `track` and the
 * sign of `los_east` (negative when looking east, i.e. ascending).
 */
export function pointGeometry(file: string, layout: PointLayout, firstRow: { track: string | null; losEast: number | null }): PointGeometry {
  const base = file.split('/').pop() ?? file;
  const direction = firstRow.losEast === null || Number.isNaN(firstRow.losEast) ? null : firstRow.losEast < 0 ? 'ascending' : 'descending';
  if (layout === 'EGMS L3') {
    const m = /_(E|U)_/i.exec(base.replace(/^.*EGMS_L3_/i, '_'));
    const component = m ? m[1].toUpperCase() : 'U';
    return component === 'E'
      ? { key: 'EGMS L3 E', description: 'EGMS L3 east-west component (E)', sign: 'east-west, positive towards the east' }
      : { key: 'EGMS L3 U', description: 'EGMS L3 vertical component (U)', sign: 'vertical, positive up' };
  }
  if (layout === 'EGMS L2a' || layout === 'EGMS L2b') {
    const m = /EGMS_L2[ab]_(\d+)_/i.exec(base);
    const track = m ? String(Number(m[1])).padStart(3, '0') : firstRow.track;
    if (track) return { key: `${layout} track ${track}`, description: `${layout} track ${track}${direction ? ` (${direction})` : ''}`, sign: LOS_SIGN };
  }
  if (layout === 'InSAR Norway') {
    const m = /^(\d+)-.*?(asc|dsc|desc)\d*/i.exec(base);
    const track = m ? m[1] : firstRow.track;
    const dir = m ? (m[2].toLowerCase() === 'asc' ? 'ascending' : 'descending') : direction;
    if (track || dir) {
      return { key: `InSAR Norway track ${track ?? '?'} ${dir ?? ''}`.trim(), description: `InSAR Norway track ${track ?? 'unknown'}${dir ? ` (${dir})` : ''}`, sign: LOS_SIGN };
    }
  }
  if (direction) return { key: `${layout} ${direction}`, description: `${layout}, ${direction} (from the sign of los_east)`, sign: LOS_SIGN };
  return { key: layout, description: `${layout}, geometry not stated`, sign: layout === 'points' ? 'as in the file (not stated)' : LOS_SIGN };
}

/** Refuses files of different geometries, naming each file and what it measures. */
export function checkOneGeometry(files: { file: string; geometry: PointGeometry }[]): PointGeometry {
  const keys = [...new Set(files.map((f) => f.geometry.key))];
  if (keys.length > 1) {
    const listed = files.map((f) => `'${f.file}': ${f.geometry.description}`).join('; ');
    throw new UserError(
      `these point files measure different things and cannot be gridded into one series: ${listed}. ` +
        'Ascending and descending tracks (and EGMS L3 E and U) are different measurements: run each geometry on its own.',
    );
  }
  return files[0].geometry;
}
