import gdal from 'gdal-async';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(prefix = 'sc-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TinyStackOptions {
  width?: number;
  height?: number;
  dates?: string[];
  epsg?: number;
  geoTransform?: number[];
  nodata?: number | null;
  /** Value of band b (0-based) at (col, row); return NaN or the nodata value for gaps. */
  value?: (b: number, col: number, row: number) => number;
  /** Pixels (col,row) masked out by an internal per-dataset mask band. */
  masked?: [number, number][];
  dataType?: string;
  creationOptions?: string[];
}

/** Known value of a tiny stack: distinct per band and pixel so misplaced reads show. */
export const knownValue = (b: number, c: number, r: number) => 1000 * (b + 1) + 10 * r + c;

/**
 * A small multiband GeoTIFF with known values, band descriptions (dates) and
 * optional nodata value and internal mask, written with gdal-async directly.
 */
export function writeTinyStack(path: string, o: TinyStackOptions = {}): void {
  const width = o.width ?? 7, height = o.height ?? 5;
  const dates = o.dates ?? ['2020-01-01', '2020-01-13', '2020-02-06', '2020-03-01'];
  const drv = gdal.drivers.get('GTiff');
  const ds = drv.create(path, width, height, dates.length, o.dataType ?? gdal.GDT_Float32, o.creationOptions ?? []);
  ds.geoTransform = o.geoTransform ?? [600000, 20, 0, 7700000, 0, -20];
  ds.srs = gdal.SpatialReference.fromEPSG(o.epsg ?? 25833);
  const value = o.value ?? knownValue;
  for (let b = 0; b < dates.length; b++) {
    const band = ds.bands.get(b + 1);
    if (o.nodata !== undefined && o.nodata !== null) band.noDataValue = o.nodata;
    band.setMetadata({ DATE: dates[b] });
    const data = new Float32Array(width * height);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) data[r * width + c] = value(b, c, r);
    band.pixels.write(0, 0, width, height, data);
  }
  if (o.masked) {
    ds.bands.get(1).createMaskBand(2 /* GMF_PER_DATASET */);
    const mask = ds.bands.get(1).getMaskBand()!;
    const m = new Uint8Array(width * height).fill(255);
    for (const [c, r] of o.masked) m[r * width + c] = 0;
    mask.pixels.write(0, 0, width, height, m);
  }
  ds.flush();
  ds.close();
}
