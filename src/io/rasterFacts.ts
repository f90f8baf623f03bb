import { GMF_ALL_VALID, GMF_ALPHA, GMF_NODATA, GMF_PER_DATASET, type Dataset } from './gdal.js';
import { getGdal } from './gdal.js';
import { UserError } from '../errors.js';

/** How a raster marks missing data, as the pipeline will honour it. */
export type MissingMarker = 'nodata value' | 'NaN' | 'mask band' | 'alpha band';

/**
 * Everything the pipeline needs to know about one raster, read once with sync
 * getters before any async I/O starts (sync getters block while async I/O
 * runs on the same dataset).
 */
export interface RasterFacts {
  path: string;
  width: number;
  height: number;
  /** 1-based indices of the data bands (an alpha band is excluded). */
  dataBands: number[];
  bandCount: number;
  dataType: string;
  blockWidth: number;
  blockHeight: number;
  /** All bands share each block (GDAL INTERLEAVE=PIXEL): reads must visit a block once for all bands. */
  pixelInterleaved: boolean;
  geoTransform: number[] | null;
  srsWkt: string | null;
  crsName: string | null;
  epsg: number | null;
  geographic: boolean;
  /** Size of the projected CRS unit in metres (1 for metres, 0.3048 for feet). */
  metresPerUnit: number;
  bandDescriptions: string[];
  bandMetadata: Record<string, string>[];
  datasetMetadata: Record<string, string>;
  nodata: (number | null)[];
  /** Per data band, the file name of its first VRT source (a date often lives there), or ''. */
  sourceNames: string[];
  /** Per data band, GDAL's scale and offset: a value is raw * scale + offset (integer exports often store 0.01 mm steps). */
  scales: number[];
  offsets: number[];
  /** GDAL mask flags per data band. */
  maskFlags: number[];
  /** 1-based alpha band index, if any. */
  alphaBand: number | null;
  missingMarkers: MissingMarker[];
}

const GCI_ALPHA = 'Alpha';

export function readRasterFacts(ds: Dataset, path: string): RasterFacts {
  const g = getGdal();
  const bandCount = ds.bands.count();
  let alphaBand: number | null = null;
  for (let b = 1; b <= bandCount; b++) {
    if (ds.bands.get(b).colorInterpretation === GCI_ALPHA) alphaBand = b;
  }
  const dataBands: number[] = [];
  for (let b = 1; b <= bandCount; b++) if (b !== alphaBand) dataBands.push(b);

  if (dataBands.length === 0) {
    throw new UserError(`'${path}' has only an alpha band (band ${alphaBand}), no data band; expected one band per acquisition date. Check that the right file was given.`);
  }
  const first = ds.bands.get(dataBands[0]);
  const srs = ds.srs;
  let epsg: number | null = null;
  let crsName: string | null = null;
  let geographic = false;
  let metresPerUnit = 1;
  let srsWkt: string | null = null;
  if (srs) {
    srsWkt = srs.toWKT();
    try {
      srs.autoIdentifyEPSG();
    } catch {
      /* not every CRS has an EPSG code */
    }
    const code = srs.getAuthorityCode(null) ?? srs.getAuthorityCode(srs.isGeographic() ? 'GEOGCS' : 'PROJCS');
    epsg = code ? Number(code) : null;
    geographic = Boolean(srs.isGeographic());
    crsName = srs.getAttrValue(geographic ? 'GEOGCS' : 'PROJCS') ?? null;
    if (!geographic) metresPerUnit = srs.getLinearUnits().value || 1;
  }
  const gt = ds.geoTransform;
  const geoTransform = gt && !(gt[0] === 0 && gt[1] === 1 && gt[3] === 0 && gt[5] === 1) ? [...gt] : null;

  const nodata: (number | null)[] = [];
  const scales: number[] = [];
  const offsets: number[] = [];
  const maskFlags: number[] = [];
  const bandDescriptions: string[] = [];
  const bandMetadata: Record<string, string>[] = [];
  const markers = new Set<MissingMarker>();
  for (const b of dataBands) {
    const band = ds.bands.get(b);
    const nd = band.noDataValue;
    nodata.push(nd === null || nd === undefined ? null : nd);
    const flags = band.getMaskFlags();
    maskFlags.push(flags);
    const scale = band.scale ?? 1, offset = band.offset ?? 0;
    scales.push(Number.isFinite(scale) && scale !== 0 ? scale : 1);
    offsets.push(Number.isFinite(offset) ? offset : 0);
    bandDescriptions.push(band.description ?? '');
    bandMetadata.push((band.getMetadata() ?? {}) as Record<string, string>);
    if (nd !== null && nd !== undefined) markers.add(Number.isNaN(nd) ? 'NaN' : 'nodata value');
    if (flags & GMF_ALPHA) markers.add('alpha band');
    else if (!(flags & (GMF_ALL_VALID | GMF_NODATA))) markers.add('mask band');
  }
  const vrtSources = vrtSourceNames(ds);
  const sourceNames = dataBands.map((b) => vrtSources.get(b) ?? '');
  if (alphaBand !== null) markers.add('alpha band'); // applied by the reader even where GDAL does not (see alphaMask.ts)
  const isFloat = first.dataType === g.GDT_Float32 || first.dataType === g.GDT_Float64;
  if (isFloat) markers.add('NaN');
  void GMF_PER_DATASET;
  return {
    path,
    width: ds.rasterSize.x,
    height: ds.rasterSize.y,
    dataBands,
    bandCount,
    dataType: first.dataType ?? 'unknown',
    blockWidth: first.blockSize.x,
    blockHeight: first.blockSize.y,
    pixelInterleaved: dataBands.length > 1 && (ds.getMetadata('IMAGE_STRUCTURE') as Record<string, string>)?.INTERLEAVE === 'PIXEL',
    geoTransform,
    srsWkt,
    crsName,
    epsg,
    geographic,
    metresPerUnit,
    bandDescriptions,
    bandMetadata,
    datasetMetadata: (ds.getMetadata() ?? {}) as Record<string, string>,
    nodata,
    sourceNames,
    scales,
    offsets,
    maskFlags,
    alphaBand,
    missingMarkers: [...markers],
  };
}

/**
 * For a VRT (e.g. `gdalbuildvrt -separate` over single-date files), the file
 * name of each band's first source. gdal-async returns the `xml:VRT` text as
 * an object split at the first '='; joining the entries restores it.
 */
function vrtSourceNames(ds: Dataset): Map<number, string> {
  const names = new Map<number, string>();
  if (ds.driver.description !== 'VRT') return names;
  const md = ds.getMetadata('xml:VRT') as Record<string, string | undefined> | string[] | undefined;
  if (!md) return names;
  const xml = Array.isArray(md) ? md.join('') : Object.entries(md).map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('');
  const bandRe = /<VRTRasterBand[^>]*band="(\d+)"[^>]*>([\s\S]*?)<\/VRTRasterBand>/g;
  for (let m = bandRe.exec(xml); m; m = bandRe.exec(xml)) {
    const src = /<SourceFilename[^>]*>([^<]*)<\/SourceFilename>/.exec(m[2]);
    if (src) names.set(Number(m[1]), src[1].split('/').pop() ?? src[1]);
  }
  return names;
}
