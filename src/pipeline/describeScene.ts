import { lonLatExtent } from '../io/lonLat.js';
import { readWindowWithHalo, type Window } from '../io/readWindow.js';
import { openSourceScene } from '../io/sources/openSourceScene.js';
import type { Provenance, SourceOverrides } from '../io/sources/types.js';
import { getGdal } from '../io/gdal.js';
import type { Reporter } from '../reporter.js';
import { buildFeatureTile } from '../smooth/featureTile.js';
import { InfiniteTally, infiniteValuesWarning } from './passes/samplePass.js';
import { DEFAULTS } from './options.js';
import { pixelSizeAtRow } from '../graph/groundDistance.js';

/** What the pipeline will see in a scene: `smoothcluster info`. */
export interface SceneInfo {
  path: string;
  width: number;
  height: number;
  bands: number;
  dataBands: number;
  alphaBand: number | null;
  dataType: string;
  blockSize: [number, number];
  crs: { name: string | null; epsg: number | null; geographic: boolean } | null;
  geoTransform: number[] | null;
  pixelSizeMetres: [number, number] | null;
  extentLonLat: { west: number; south: number; east: number; north: number } | null;
  missingMarkers: string[];
  nodata: (number | null)[];
  dates: string[] | null;
  firstDate: string | null;
  lastDate: string | null;
  validShare: { estimate: number; pixelsChecked: number; maxMissing: number; exact: boolean };
  statics: { path: string; layers: string[]; onGrid: boolean; warped: boolean; reason: string | null }[];
  /** What was detected: product family, where the grid, CRS and dates came from, units, reference, sign. */
  provenance: Provenance | null;
}

/** Windows spread over the raster for the valid-share estimate (the whole raster when small). */
function sampleWindows(width: number, height: number): Window[] {
  if (width * height <= 512 * 512) return [{ x0: 0, y0: 0, width, height }];
  const n = 8, size = 32;
  const out: Window[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const x0 = Math.floor(((j + 0.5) * width) / n - size / 2), y0 = Math.floor(((i + 0.5) * height) / n - size / 2);
    out.push({ x0: Math.max(0, x0), y0: Math.max(0, y0), width: Math.min(size, width), height: Math.min(size, height) });
  }
  return out;
}

/** `info`: describes what the pipeline will see, also for a scene `run` would refuse (no CRS), so the user sees why. */
export async function describeScene(path: string, statics: string[], reporter: Reporter, maxMissing = DEFAULTS.maxMissing, source: SourceOverrides = {}): Promise<SceneInfo> {
  const scene = await openSourceScene(path, {
    statics,
    warn: (m) => reporter.warn(m),
    allowUngeoreferenced: true,
    handles: 1,
    source: { ...source, info: (m) => reporter.info(m), preview: true },
  });
  try {
    const f = scene.facts;
    let checked = 0, valid = 0;
    const windows = sampleWindows(scene.width, scene.height);
    const infinite = new InfiniteTally();
    for (const w of windows) {
      const read = await readWindowWithHalo(scene, w, 0);
      infinite.add(read, w);
      const tile = buildFeatureTile(read, scene.dateBands.length, scene.staticNames.length, false, scene.dayOffsets, maxMissing);
      checked += tile.valid.length;
      for (const v of tile.valid) valid += v;
    }
    const infiniteWarning = infiniteValuesWarning({ scene }, infinite, windows.length === 1 ? '' : ` in the ${checked} pixels checked`);
    if (infiniteWarning) reporter.warn(infiniteWarning);
    const proj4String = f.srsWkt ? getGdal().SpatialReference.fromWKT(f.srsWkt).toProj4() : null;
    return {
      path,
      width: f.width,
      height: f.height,
      bands: f.bandCount,
      dataBands: f.dataBands.length,
      alphaBand: f.alphaBand,
      dataType: f.dataType,
      blockSize: [f.blockWidth, f.blockHeight],
      crs: f.srsWkt ? { name: f.crsName, epsg: f.epsg, geographic: f.geographic } : null,
      geoTransform: f.geoTransform,
      pixelSizeMetres: f.geoTransform ? pixelSizeAtRow(scene.grid, Math.floor(f.height / 2)) : null,
      extentLonLat: proj4String && f.geoTransform ? lonLatExtent(proj4String, f.geoTransform, f.width, f.height) : null,
      missingMarkers: f.missingMarkers,
      nodata: f.nodata,
      dates: scene.dates,
      firstDate: scene.dates?.[0] ?? null,
      lastDate: scene.dates?.[scene.dates.length - 1] ?? null,
      validShare: { estimate: checked ? valid / checked : 0, pixelsChecked: checked, maxMissing, exact: windows.length === 1 },
      statics: scene.statics.map((s) => ({ path: s.path, layers: s.names, onGrid: s.onGrid, warped: !s.onGrid, reason: s.warpReason })),
      provenance: scene.provenance ?? null,
    };
  } finally {
    scene.close();
  }
}
