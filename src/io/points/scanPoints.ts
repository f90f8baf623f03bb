import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import { detectColumns, type ColumnOverrides, type PointColumns, type PointLayout } from '../../points/columns.js';
import type { CsvRow } from '../../points/csvRows.js';
import { checkOneGeometry, pointGeometry, type PointGeometry } from '../../points/geometry.js';
import { idHash, IdHashes } from '../../points/idHashes.js';
import { fieldText, NOT_A_NUMBER, parseNumber } from '../../points/parseNumber.js';
import { RecordWriter } from './binaryFiles.js';
import { streamCsvRows } from './csvStream.js';
import { pointCrs, toLonLatConverter, type PointCrs } from './pointCrs.js';
import { pointFilesOf, type PointFile } from './pointFiles.js';

/** One CSV as the first pass found it. */
export interface ScannedFile {
  file: PointFile;
  columns: PointColumns;
  geometry: PointGeometry;
  points: number;
}

/**
 * What the first pass over the CSVs found: columns, geometry, how many points,
 * their extent and spacing. Every point's lon/lat is kept in a scratch file in
 * TMPDIR (16 bytes a point), read back to place it on the grid.
 */
export interface PointScan {
  input: string;
  files: ScannedFile[];
  layout: PointLayout;
  geometry: PointGeometry;
  crs: PointCrs;
  crsFrom: string;
  dates: string[];
  staticNames: string[];
  points: number;
  lonLat: { west: number; south: number; east: number; north: number };
  /** Scratch folder (lon/lat, cells, bands); removed by `dispose`. */
  scratch: string;
  lonLatPath: string;
  dispose(): void;
}

/** A UserError for one line of one file. */
export function lineError(file: PointFile, line: number, what: string, fix: string): UserError {
  return new UserError(`'${file.label}' line ${line}: ${what}. ${fix}`);
}

/** The first pass: columns by pattern, coordinates checked and converted, ids checked for duplicates. */
export async function scanPoints(input: string, overrides: ColumnOverrides, info?: (m: string) => void): Promise<PointScan> {
  const files = pointFilesOf(input);
  const scratch = mkdtempSync(join(tmpdir(), 'smoothcluster-points-'));
  const dispose = () => rmSync(scratch, { recursive: true, force: true });
  try {
    const lonLatPath = join(scratch, 'lonlat.f64');
    const out = new RecordWriter(lonLatPath, 16);
    const ids = new IdHashes();
    const box = { west: Infinity, south: Infinity, east: -Infinity, north: -Infinity };
    const scanned: ScannedFile[] = [];
    let crs: PointCrs | null = null;
    for (const file of files) {
      let columns: PointColumns | null = null;
      let toLonLat: ((xy: [number, number]) => [number, number]) | null = null;
      let fileCrs: PointCrs | null = null;
      const first = { track: null as string | null, losEast: null as number | null };
      const xy: [number, number] = [0, 0];
      let nFields = 0;
      let firstRow = true;
      const points = await streamCsvRows(
        file,
        (header) => {
          columns = detectColumns(file.label, header.names, overrides);
          nFields = header.names.length;
          fileCrs = pointCrs(columns.crs, columns.crsFrom === '--points-crs' ? '--points-crs' : `the coordinates of '${file.label}'`);
          toLonLat = toLonLatConverter(fileCrs);
          // This pass reads the leading columns only; pass 4 splits whole rows and checks their length.
          return Math.max(columns.x, columns.y, columns.id, columns.track, columns.losEast) + 1;
        },
        (row: CsvRow) => {
          const c = columns!;
          if (row.fields !== -1 && row.fields !== nFields) {
            throw lineError(file, row.line, `${row.fields} fields, expected ${nFields} as in the header`, 'Each row needs one value per column (an empty field for a missing one); the file may be cut or damaged.');
          }
          const b = row.bytes;
          const x = parseNumber(b, row.starts[c.x], row.ends[c.x]);
          const y = parseNumber(b, row.starts[c.y], row.ends[c.y]);
          if (!(x === x && y === y) || x === NOT_A_NUMBER || y === NOT_A_NUMBER) {
            const bad = !(x === x) || x === NOT_A_NUMBER ? c.x : c.y;
            throw lineError(file, row.line, `coordinate '${c.header[bad]}' is '${fieldText(b, row.starts[bad], row.ends[bad])}', expected a number`, 'Every point needs both coordinates.');
          }
          xy[0] = x;
          xy[1] = y;
          const [lon, lat] = toLonLat!(xy);
          const a = fileCrs!.area;
          if (!(lon >= a.west && lon <= a.east && lat >= a.south && lat <= a.north)) {
            throw lineError(
              file, row.line,
              `coordinates ${c.header[c.x]} ${x}, ${c.header[c.y]} ${y} are outside the area of ${fileCrs!.text} (${c.crsFrom})`,
              'Check the coordinate columns and their CRS (--x-column, --y-column, --points-crs).',
            );
          }
          if (firstRow) {
            firstRow = false;
            if (c.track >= 0) first.track = fieldText(b, row.starts[c.track], row.ends[c.track]);
            if (c.losEast >= 0) first.losEast = parseNumber(b, row.starts[c.losEast], row.ends[c.losEast]);
          }
          if (c.id >= 0) ids.add(idHash(b, row.starts[c.id], row.ends[c.id]));
          if (lon < box.west) box.west = lon;
          if (lon > box.east) box.east = lon;
          if (lat < box.south) box.south = lat;
          if (lat > box.north) box.north = lat;
          const at = out.next() / 8;
          out.f64[at] = lon;
          out.f64[at + 1] = lat;
          out.commit();
        },
      );
      if (!columns) throw new UserError(`'${file.label}' is empty; expected a CSV with a header line and one row per point.`);
      const cols = columns as PointColumns;
      if (points === 0) throw new UserError(`'${file.label}' has a header but no points.`);
      scanned.push({ file, columns: cols, geometry: pointGeometry(file.label, cols.layout, first), points });
      crs ??= fileCrs;
      info?.(`${file.label}: ${points} points, ${cols.dates.length} dates (${cols.layout})`);
    }
    out.close();
    const geometry = checkOneGeometry(scanned.map((s) => ({ file: s.file.label, geometry: s.geometry })));
    checkSameColumns(scanned);
    await checkDuplicateIds(scanned, ids);
    const head = scanned[0].columns;
    return {
      input,
      files: scanned,
      layout: head.layout,
      geometry,
      crs: crs!,
      crsFrom: head.crsFrom,
      dates: head.dates,
      staticNames: head.staticNames,
      points: scanned.reduce((a, s) => a + s.points, 0),
      lonLat: box,
      scratch,
      lonLatPath,
      dispose,
    };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** Files gridded together need the same dates, static attributes and coordinate CRS. */
function checkSameColumns(files: ScannedFile[]): void {
  const a = files[0];
  for (const b of files.slice(1)) {
    const differ = (what: string, x: string, y: string) =>
      new UserError(`'${a.file.label}' and '${b.file.label}' cannot be gridded together: ${what} differ (${x} vs ${y}). Give files of one product release and period.`);
    if (a.columns.dates.join() !== b.columns.dates.join()) {
      const i = a.columns.dates.findIndex((d, k) => d !== b.columns.dates[k]);
      throw differ('their dates', `${a.columns.dates.length} dates${i >= 0 ? `, ${a.columns.dates[i]}` : ''}`, `${b.columns.dates.length}${i >= 0 && b.columns.dates[i] ? `, ${b.columns.dates[i]}` : ''}`);
    }
    if (a.columns.staticNames.join() !== b.columns.staticNames.join()) throw differ('their static attributes', a.columns.staticNames.join(', ') || 'none', b.columns.staticNames.join(', ') || 'none');
    if (a.columns.crs !== b.columns.crs) throw differ('their coordinate CRSs', a.columns.crs, b.columns.crs);
  }
}

/** Names the first two lines sharing an id, reading the files again only when a hash is shared. */
async function checkDuplicateIds(files: ScannedFile[], ids: IdHashes): Promise<void> {
  const suspects = ids.suspects();
  if (suspects.size === 0) return;
  const firstSeen = new Map<string, string>();
  for (const s of files) {
    const c = s.columns;
    let found: UserError | null = null;
    await streamCsvRows(s.file, () => c.id + 1, (row) => {
      if (found) return;
      const b = row.bytes;
      if (!suspects.has(idHash(b, row.starts[c.id], row.ends[c.id]))) return;
      const id = fieldText(b, row.starts[c.id], row.ends[c.id]);
      const where = `'${s.file.label}' line ${row.line}`;
      const earlier = firstSeen.get(id);
      if (earlier) {
        found = new UserError(`${earlier} and ${where} have the same point id '${id}' (column '${c.header[c.id]}'); ids must be unique. Remove the repeated rows, or give each burst file only once.`);
      } else firstSeen.set(id, where);
    });
    if (found) throw found;
  }
}
