import { UserError } from '../errors.js';
import { assertGridGeometry, type GridGeometry } from '../graph/groundDistance.js';
import { bandDate, daysBetween } from './dates.js';
import { FloatPredictorView } from './floatPredictorRead.js';
import { getGdal, openRaster, type Dataset } from './gdal.js';
import { readRasterFacts, type RasterFacts } from './rasterFacts.js';
import { readBlockOf } from './readBlock.js';
import type { PointJoin, Provenance } from './sources/types.js';
import { openStaticSource, type StaticSource } from './staticLayers.js';

/** A dynamic stack and its static rasters, opened for tile reads. */
export interface Scene {
  /** What messages name and outputs record: the user's argument (`input`) when the scene came through a product reader. */
  path: string;
  /** The user's SCENE argument, when it was resolved by `openSourceScene`. */
  input?: string;
  /** The GDAL stack actually read (a VRT over an HDF5/netCDF product, ...), when it differs from `path`. */
  readPath?: string;
  /** Where the scene's grid, CRS, dates and units came from (set by `openSourceScene`). */
  provenance?: Provenance;
  /** Point products: the way from cells back to the input points (set by `openSourceScene`). */
  points?: PointJoin;
  facts: RasterFacts;
  width: number;
  height: number;
  /** ISO acquisition dates in time order, or null when the bands carry none (band numbers are used). */
  dates: string[] | null;
  /** Days since the first acquisition for each date, in time order (band steps when there are no dates). */
  dayOffsets: Float64Array;
  /** 1-based band indices of the dates, in time order. */
  dateBands: number[];
  grid: GridGeometry;
  statics: StaticSource[];
  staticNames: string[];
  /** Several handles of each file, so tile reads can overlap (one GDAL lock per handle). */
  handles: { dynamic: Dataset; statics: Dataset[] }[];
  /** The blocks the scene's reads meet (its own, or a VRT's sources': src/io/readBlock.ts); the tile layout follows strips. */
  readBlock: { width: number; height: number };
  /** The dynamic stack's byte view when it is a floating-point-predictor GeoTIFF (faster reads of block-aligned cells). */
  byteView?: FloatPredictorView;
  close(): void;
  /** Runs `fn` when the scene is closed, before its handles close (e.g. to free a cache of decoded tiles). */
  onClose?(fn: () => void): void;
}

export interface OpenSceneOptions {
  statics?: string[];
  /** How many handles per file to open for overlapping reads (default 2). */
  handles?: number;
  /** Called with non-fatal findings (e.g. bands without dates). */
  warn?: (message: string) => void;
  /** Proceed without georeferencing, in pixel units (distances: 1 pixel = 1 m). */
  allowUngeoreferenced?: boolean;
  /** The name messages use for the scene (the user's argument when `path` is a VRT a reader built). */
  input?: string;
  /** Read a floating-point-predictor GeoTIFF through its byte view (default true; false reads it as GDAL does by itself). */
  byteView?: boolean;
}

/** Opens the dynamic stack and static rasters, reads their facts and orders the dates in time. */
export function openScene(path: string, options: OpenSceneOptions = {}): Scene {
  const name = options.input ?? path;
  const ds = openRaster(path, 'scene');
  const facts = readRasterFacts(ds, name);
  ds.close();
  if (!facts.geoTransform && !options.allowUngeoreferenced) {
    throw new UserError(
      `scene '${name}' has no georeferencing (no geotransform), so ground distances and the output's position are unknown. ` +
        'Georeference it (e.g. gdal_edit.py -a_srs EPSG:25833 -a_ullr ...) or pass --allow-ungeoreferenced to work in pixel units.',
    );
  }
  const grid: GridGeometry = {
    geoTransform: facts.geoTransform ?? [0, 1, 0, 0, 0, 1],
    geographic: facts.geographic,
    metresPerUnit: facts.metresPerUnit,
  };
  try {
    assertGridGeometry(grid);
  } catch (err) {
    throw new UserError(
      `scene '${name}' has a grid ground distances cannot be computed on (${err instanceof Error ? err.message : String(err)}). ` +
        'Warp it to a north-up grid first, e.g. gdalwarp -t_srs EPSG:25833 in.tif out.tif.',
    );
  }
  const { dates, dayOffsets, dateBands } = orderDates(facts, options.warn);
  const statics = (options.statics ?? []).map((p) =>
    openStaticSource(p, { width: facts.width, height: facts.height, geoTransform: facts.geoTransform, srsWkt: facts.srsWkt }),
  );
  const staticNames = uniqueNames(statics.flatMap((s) => s.names));
  const nHandles = Math.max(1, options.handles ?? 2);
  const g = getGdal();
  const handles = Array.from({ length: nHandles }, () => ({
    dynamic: g.open(path, 'r'),
    statics: statics.map((s) => g.open(s.readPath, 'r')),
  }));
  const byteView = options.byteView === false ? null : FloatPredictorView.open(path, nHandles, handles[0].dynamic);
  const closing: (() => void)[] = [];
  return {
    path,
    facts,
    width: facts.width,
    height: facts.height,
    dates,
    dayOffsets,
    dateBands,
    grid,
    statics,
    staticNames,
    handles,
    readBlock: readBlockOf(handles[0].dynamic, facts, path),
    byteView: byteView ?? undefined,
    close() {
      for (const fn of closing.splice(0)) fn();
      byteView?.close();
      for (const h of handles) {
        h.dynamic.close();
        for (const s of h.statics) s.close();
      }
    },
    onClose(fn) {
      closing.push(fn);
    },
  };
}

function orderDates(facts: RasterFacts, warn?: (m: string) => void) {
  const found = facts.dataBands.map((b, i) => ({ band: b, date: bandDate(facts.bandDescriptions[i], facts.bandMetadata[i], facts.sourceNames[i]) }));
  const missing = found.filter((f) => !f.date);
  if (missing.length > 0) {
    warn?.(
      `scene '${facts.path}': ${missing.length} of ${found.length} bands have no acquisition date in their description or metadata ` +
        `(e.g. band ${missing[0].band}: '${facts.bandDescriptions[facts.dataBands.indexOf(missing[0].band)]}'); using band numbers as time steps. ` +
        'Name bands by date (YYYY-MM-DD or YYYYMMDD) for time-correct gap filling and velocities in mm/yr.',
    );
    return {
      dates: null,
      dayOffsets: Float64Array.from(facts.dataBands, (_b, i) => i),
      dateBands: [...facts.dataBands],
    };
  }
  const sorted = [...found].sort((a, b) => (a.date! < b.date! ? -1 : a.date! > b.date! ? 1 : a.band - b.band));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].date === sorted[i - 1].date) {
      throw new UserError(
        `scene '${facts.path}': bands ${sorted[i - 1].band} and ${sorted[i].band} have the same date ${sorted[i].date}; ` +
          'expected one band per acquisition date. Remove the duplicate band.',
      );
    }
  }
  const dates = sorted.map((s) => s.date!);
  return {
    dates,
    dayOffsets: Float64Array.from(dates, (d) => daysBetween(dates[0], d)),
    dateBands: sorted.map((s) => s.band),
  };
}

function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = seen.get(n) ?? 0;
    seen.set(n, count + 1);
    return count === 0 ? n : `${n}_${count + 1}`;
  });
}
