import { randomUUID } from 'node:crypto';
import proj4 from 'proj4';
import { UserError } from '../errors.js';
import { getGdal, openRaster, type Dataset } from './gdal.js';
import { readRasterFacts, type RasterFacts } from './rasterFacts.js';

/** A static raster as the pipeline sees it: on the dynamic grid, directly or through a warped VRT. */
export interface StaticSource {
  path: string;
  facts: RasterFacts;
  /** Names of its layers (band descriptions, else `<file>_b<N>`). */
  names: string[];
  onGrid: boolean;
  /** Why it is warped (for `info`), when it is. */
  warpReason: string | null;
  /** GDAL path to read from: the file itself, or an in-memory warped VRT. */
  readPath: string;
}

export interface TargetGrid {
  width: number;
  height: number;
  geoTransform: number[] | null;
  srsWkt: string | null;
}

function sameGeoTransform(a: number[], b: number[], width: number): boolean {
  const tol = Math.abs(a[1]) * 1e-6 * Math.max(1, width);
  return a.every((v, i) => Math.abs(v - b[i]) <= (i % 3 === 0 ? tol : Math.abs(a[i]) * 1e-9 + 1e-12));
}

/**
 * Opens a static raster and decides whether it is on the target grid; when not,
 * builds a lazily warped VRT onto the grid (bilinear: static layers are continuous values).
 */
export function openStaticSource(path: string, target: TargetGrid): StaticSource {
  const g = getGdal();
  const ds = openRaster(path, 'static raster');
  const facts = readRasterFacts(ds, path);
  const base = path.split('/').pop()!.replace(/\.[^.]+$/, '');
  const names = facts.dataBands.map((b, i) => facts.bandDescriptions[i]?.trim() || (facts.dataBands.length === 1 ? base : `${base}_b${b}`));

  let onGrid = facts.width === target.width && facts.height === target.height;
  let warpReason: string | null = onGrid ? null : `size ${facts.width}x${facts.height} differs from the scene's ${target.width}x${target.height}`;
  if (onGrid && target.geoTransform && facts.geoTransform && !sameGeoTransform(target.geoTransform, facts.geoTransform, target.width)) {
    onGrid = false;
    warpReason = 'geotransform differs from the scene';
  }
  if (onGrid && target.srsWkt && facts.srsWkt) {
    const same = g.SpatialReference.fromWKT(target.srsWkt).isSame(g.SpatialReference.fromWKT(facts.srsWkt));
    if (!same) {
      onGrid = false;
      warpReason = `CRS ${facts.crsName ?? 'unknown'} differs from the scene's`;
    }
  }
  if (onGrid) {
    ds.close();
    return { path, facts, names, onGrid, warpReason, readPath: path };
  }
  if (!target.geoTransform || !facts.geoTransform || !facts.srsWkt || !target.srsWkt) {
    ds.close();
    throw new UserError(
      `static raster '${path}' is not on the scene's grid (${warpReason}) and cannot be warped onto it because ` +
        `${facts.geoTransform && facts.srsWkt ? 'the scene' : 'it'} has no georeferencing. Give it the scene's grid or add georeferencing (e.g. gdal_edit.py -a_srs -a_ullr).`,
    );
  }
  checkOverlap(ds, facts, target, path);
  const gt = target.geoTransform;
  const xmin = gt[0], ymax = gt[3];
  const xmax = gt[0] + target.width * gt[1], ymin = gt[3] + target.height * gt[5];
  // A name no other open warp in this process has (no counter kept in the module).
  const readPath = `/vsimem/smoothcluster_static_${process.pid}_${randomUUID()}.vrt`;
  const warped = g.warp(readPath, null, [ds], [
    '-of', 'VRT', '-t_srs', target.srsWkt, '-te', String(xmin), String(Math.min(ymin, ymax)), String(xmax), String(Math.max(ymin, ymax)),
    '-ts', String(target.width), String(target.height), '-r', 'bilinear', '-ot', 'Float32', '-dstnodata', 'nan',
  ]);
  warped.close();
  ds.close();
  return { path, facts, names, onGrid: false, warpReason, readPath };
}

function checkOverlap(ds: Dataset, facts: RasterFacts, target: TargetGrid, path: string): void {
  const g = getGdal();
  // proj4 with PROJ strings keeps x/y = east/north order (GDAL's EPSG:4326 is lat/lon).
  const convert = proj4(g.SpatialReference.fromWKT(facts.srsWkt!).toProj4(), g.SpatialReference.fromWKT(target.srsWkt!).toProj4());
  const gt = facts.geoTransform!;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const fx of [0, 0.25, 0.5, 0.75, 1]) {
    for (const fy of [0, 0.25, 0.5, 0.75, 1]) {
      const px = fx * facts.width, py = fy * facts.height;
      const [x, y] = convert.forward([gt[0] + px * gt[1] + py * gt[2], gt[3] + px * gt[4] + py * gt[5]]);
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue; // outside the target CRS's domain
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
  }
  const t = target.geoTransform!;
  const tx0 = Math.min(t[0], t[0] + target.width * t[1]), tx1 = Math.max(t[0], t[0] + target.width * t[1]);
  const ty0 = Math.min(t[3], t[3] + target.height * t[5]), ty1 = Math.max(t[3], t[3] + target.height * t[5]);
  if (!(x0 < tx1 && x1 > tx0 && y0 < ty1 && y1 > ty0)) {
    ds.close();
    throw new UserError(
      `static raster '${path}' does not overlap the scene: it covers x ${x0.toFixed(0)}..${x1.toFixed(0)}, y ${y0.toFixed(0)}..${y1.toFixed(0)} ` +
        `in the scene's CRS, the scene covers x ${tx0.toFixed(0)}..${tx1.toFixed(0)}, y ${ty0.toFixed(0)}..${ty1.toFixed(0)}. Give a static raster for the same area.`,
    );
  }
}
