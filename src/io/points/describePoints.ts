import type { PointSourceOptions } from '../sources/types.js';
import { gridCovering } from '../../points/grid.js';
import { placePoints } from './gridPoints.js';
import { griddingOptionsOf } from './pointReader.js';
import { scanPoints } from './scanPoints.js';

/** What `info` shows for point files: what was recognised and the grid a run would use. */
export interface PointInfo {
  kind: 'points';
  input: string;
  layout: string;
  files: { file: string; points: number; geometry: string }[];
  points: number;
  dates: string[];
  extentLonLat: { west: number; south: number; east: number; north: number };
  coordinates: { x: string; y: string; crs: string; from: string };
  idColumn: string | null;
  staticColumns: string[];
  sign: string;
  spacingMetres: number | null;
  cellSize: number;
  cellSizeFrom: string;
  gridCrs: string;
  gridCrsFrom: string;
  gridSize: [number, number];
}

/** The first passes of gridding only (scan and placement), so `info` is quick and writes nothing but scratch. */
export async function describePoints(input: string, points: PointSourceOptions = {}): Promise<PointInfo> {
  const options = griddingOptionsOf({ points });
  const scan = await scanPoints(input, options.columns);
  try {
    const placed = await placePoints(scan, options);
    const grid = gridCovering(placed.extent, placed.cellSize, placed.crs);
    const c = scan.files[0].columns;
    return {
      kind: 'points',
      input,
      layout: scan.layout,
      files: scan.files.map((f) => ({ file: f.file.label, points: f.points, geometry: f.geometry.description })),
      points: scan.points,
      dates: scan.dates,
      extentLonLat: scan.lonLat,
      coordinates: { x: c.header[c.x], y: c.header[c.y], crs: scan.crs.text, from: scan.crsFrom },
      idColumn: c.id >= 0 ? c.header[c.id] : null,
      staticColumns: scan.staticNames,
      sign: scan.geometry.sign,
      spacingMetres: placed.spacing,
      cellSize: placed.cellSize,
      cellSizeFrom: placed.cellSizeFrom,
      gridCrs: placed.crs,
      gridCrsFrom: placed.crsFrom,
      gridSize: [grid.width, grid.height],
    };
  } finally {
    scan.dispose();
  }
}

/** `info` for point files, one line per fact. */
export function formatPointInfo(i: PointInfo): string {
  const lines: string[] = [];
  const add = (k: string, v: string) => lines.push(`${k.padEnd(16)}${v}`);
  add('scene', i.input);
  add('layout', `${i.layout}${i.files.length > 1 ? ` (${i.files.length} files)` : ''}`);
  for (const f of i.files) add('file', `${f.file}: ${f.points} points, ${f.geometry}`);
  add('points', String(i.points));
  add('dates', `${i.dates.length} from ${i.dates[0]} to ${i.dates[i.dates.length - 1]}`);
  const e = i.extentLonLat;
  add('extent', `lon ${e.west.toFixed(4)} .. ${e.east.toFixed(4)}, lat ${e.south.toFixed(4)} .. ${e.north.toFixed(4)}`);
  add('coordinates', `${i.coordinates.x}, ${i.coordinates.y} (${i.coordinates.crs}: ${i.coordinates.from})`);
  add('id column', i.idColumn ?? 'none (points are numbered by row)');
  add('static columns', i.staticColumns.join(', ') || 'none');
  add('measures', i.sign);
  add('point spacing', i.spacingMetres ? `${i.spacingMetres.toFixed(1)} m (one point per square of this side where there are points)` : 'unknown (too few points)');
  add('cell size', `${i.cellSize} m (${i.cellSizeFrom})`);
  add('grid CRS', `${i.gridCrs} (${i.gridCrsFrom})`);
  add('grid', `${i.gridSize[0]} x ${i.gridSize[1]} cells`);
  return `${lines.join('\n')}\n`;
}
