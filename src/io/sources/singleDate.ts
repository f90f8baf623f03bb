import { basename } from 'node:path';
import { UserError } from '../../errors.js';
import { getGdal, openRaster, type Dataset } from '../gdal.js';
import { readRasterFacts, type RasterFacts } from '../rasterFacts.js';
import { absolute } from './hdf5Products.js';
import { expandFileList, isFileListInput } from './fileList.js';
import { compactToIso } from './productDates.js';
import { writeStackVrt, type StackBand } from './stackVrt.js';
import type { Provenance, ResolvedSource, SourceReader } from './types.js';
import { isVelocityUnit, lengthUnitToMm } from './units.js';
import { disposeAll, removeVsimem, vsimemPath } from './vsimem.js';

/** Every calendar date written in a file name (YYYY-MM-DD, YYYY_MM_DD or YYYYMMDD, with any prefix or suffix). */
export function datesInName(name: string): string[] {
  const found: string[] = [];
  for (const m of name.matchAll(/(?<!\d)(\d{4})[-_]?(\d{2})[-_]?(\d{2})(?!\d)/g)) {
    const iso = compactToIso(`${m[1]}${m[2]}${m[3]}`);
    if (iso && Number(m[1]) >= 1900 && Number(m[1]) <= 2200) found.push(iso);
  }
  return found;
}

const VELOCITY_NAME = /(^|[^a-z])(vel|velocity|velocities|rate|linear_rate)([^a-z]|$)/i;

interface DatedFile {
  path: string;
  date: string;
  facts: RasterFacts;
  unit: string;
}

/** Opens each file, checks it is one dated displacement band, and sorts by date. */
function datedFiles(input: string, files: string[]): DatedFile[] {
  const out: DatedFile[] = [];
  for (const path of files) {
    const name = basename(path);
    const ds = openRaster(path, 'single-date raster');
    try {
      const facts = readRasterFacts(ds, path);
      const unit = ds.bands.get(facts.dataBands[0]).unitType ?? '';
      if (VELOCITY_NAME.test(name.replace(/\.[^.]+$/, '')) || isVelocityUnit(unit)) {
        throw new UserError(
          `'${path}' (matched by ${input}) is a velocity map (${isVelocityUnit(unit) ? `unit ${unit}` : 'by its name'}), not a single-date displacement. ` +
            'Give velocity with --static, and only displacement files to the scene pattern.',
        );
      }
      const dates = [...new Set(datesInName(name))];
      if (dates.length === 0) throw new UserError(`'${path}' (matched by ${input}) has no date in its name; single-date rasters are named by their date (disp_2018-11-06.tif, 20181106.geo.cum.tif). Rename it or leave it out.`);
      if (dates.length > 1) {
        throw new UserError(
          `'${path}' (matched by ${input}) holds two dates in its name (${dates.join(', ')}): an interferogram pair, not a single-date displacement. ` +
            'Give cumulative displacement files, one date each (or invert the interferograms to a time series first).',
        );
      }
      if (facts.dataBands.length !== 1) {
        throw new UserError(`'${path}' (matched by ${input}) has ${facts.dataBands.length} bands; a single-date raster has one. Give a multiband stack as the scene by itself.`);
      }
      out.push({ path, date: dates[0], facts, unit });
    } finally {
      ds.close();
    }
  }
  out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (let i = 1; i < out.length; i++) {
    if (out[i].date === out[i - 1].date) throw new UserError(`'${out[i - 1].path}' and '${out[i].path}' (matched by ${input}) have the same date ${out[i].date}; keep one file per date.`);
  }
  return out;
}

/** One unit for all files: the unit's scale to mm, or a refusal listing the files that differ. */
function commonUnit(input: string, files: DatedFile[]): { scale: number; units: string; assumed: boolean } {
  const units = [...new Set(files.map((f) => f.unit.trim()))];
  if (units.length > 1) {
    const example = units.map((u) => `'${files.find((f) => f.unit.trim() === u)!.path}' ${u ? `in ${u}` : 'without a unit'}`);
    throw new UserError(`the files of ${input} have different units (${example.join(', ')}); convert them to one unit (gdal_translate -scale or gdal_edit.py -units) first.`);
  }
  const unit = units[0];
  if (!unit) return { scale: 1, units: 'mm (no unit in the files: taken as mm)', assumed: true };
  const scale = lengthUnitToMm(unit);
  if (scale === null) throw new UserError(`the files of ${input} are in '${unit}'; expected a displacement in m, cm or mm.`);
  return { scale, units: scale === 1 ? `mm (band unit '${unit}')` : `${unit} (band unit), multiplied by ${scale} to mm`, assumed: false };
}

function sameGrid(a: RasterFacts, gt: number[], width: number, height: number): boolean {
  const b = a.geoTransform;
  if (!b || a.width !== width || a.height !== height) return false;
  const tol = Math.abs(gt[1]) * 1e-6;
  return b.every((v, i) => Math.abs(v - gt[i]) <= (i % 3 === 0 ? tol * Math.max(1, width) : Math.abs(gt[i]) * 1e-9 + 1e-12));
}

/** The same lattice turned over: a south-up file of the target's extent and pixel size (an exact nearest-neighbour flip). */
function isFlipOf(f: RasterFacts, gt: number[], width: number, height: number): boolean {
  const b = f.geoTransform;
  if (!b || f.width !== width || f.height !== height || b[5] <= 0) return false;
  const northUp = [b[0], b[1], 0, b[3] + height * b[5], 0, -b[5]];
  return sameGrid({ ...f, geoTransform: northUp }, gt, width, height);
}

/**
 * Folders of single-date rasters: a quoted glob or `@list.txt`, dates from the file names,
 * sorted by date; every file put onto the first (earliest) file's grid, north-up.
 */
export const singleDateReader: SourceReader = {
  name: 'single-date rasters',
  claims: isFileListInput,
  resolve: async (input, options) => {
    const files = datedFiles(input, expandFileList(input));
    if (files.length < 2) options.warn?.(`${input} matches one file ('${files[0].path}'); a time series needs at least 2 dates.`);
    const { scale, units, assumed } = commonUnit(input, files);
    if (assumed) options.warn?.(`the files of ${input} state no unit; reading them as mm. If they are in metres, convert them first (e.g. gdal_translate -scale_1 0 1 0 1000).`);
    const ref = files[0].facts;
    if (!ref.geoTransform && files.length > 1) throw new UserError(`'${files[0].path}' has no georeferencing, so the other files cannot be put onto its grid. Georeference the files first.`);
    const g0 = ref.geoTransform ?? [0, 1, 0, 0, 0, 1];
    const gt = g0[5] > 0 ? [g0[0], g0[1], g0[2], g0[3] + ref.height * g0[5], g0[4], -g0[5]] : [...g0];
    const { width, height } = ref;
    const g = getGdal();
    const temporaries: string[] = [];
    const dispose = disposeAll([() => temporaries.forEach(removeVsimem)]);
    let flipped = 0, warped = 0;
    try {
      const bands: StackBand[] = files.map((f) => {
        const bandScale = f.facts.scales[0] ?? 1, bandOffset = f.facts.offsets[0] ?? 0;
        const common = { description: f.date, scale: scale * bandScale, offset: scale * bandOffset, metadata: { DATE: f.date, SOURCE_FILE: basename(f.path) } };
        const sameCrs = !ref.srsWkt || !f.facts.srsWkt || g.SpatialReference.fromWKT(ref.srsWkt).isSame(g.SpatialReference.fromWKT(f.facts.srsWkt));
        if (sameCrs && sameGrid(f.facts, gt, width, height)) return { ...common, source: absolute(f.path), sourceBand: f.facts.dataBands[0], sourceNodata: f.facts.nodata[0] };
        if (!f.facts.geoTransform || !f.facts.srsWkt || !ref.srsWkt) {
          throw new UserError(`'${f.path}' is not on the grid of '${files[0].path}' and ${f.facts.srsWkt ? 'the first file has' : 'has'} no CRS, so it cannot be put onto it. Georeference the files (gdal_edit.py -a_srs).`);
        }
        const flip = sameCrs && isFlipOf(f.facts, gt, width, height);
        if (flip) flipped++;
        else warped++;
        const path = vsimemPath('singledate_warp');
        temporaries.push(path);
        const src: Dataset = openRaster(f.path, 'single-date raster');
        try {
          g.warp(path, null, [src], [
            '-of', 'VRT', '-t_srs', ref.srsWkt, '-te', String(gt[0]), String(gt[3] + height * gt[5]), String(gt[0] + width * gt[1]), String(gt[3]),
            '-ts', String(width), String(height), '-r', flip ? 'near' : 'bilinear', '-ot', 'Float32', '-dstnodata', 'nan',
          ]).close();
        } finally {
          src.close();
        }
        return { ...common, source: path, sourceBand: 1, sourceNodata: null };
      });
      const notes: string[] = [];
      if (flipped) notes.push(`${flipped} south-up file${flipped > 1 ? 's' : ''} turned north-up (nearest neighbour on the same pixels)`);
      if (warped) notes.push(`${warped} file${warped > 1 ? 's' : ''} on another grid or CRS warped onto the first file's grid (bilinear)`);
      const provenance: Provenance = {
        product: 'single-date rasters',
        inputs: files.map((f) => f.path),
        gridFrom: `the first file's grid ('${files[0].path}')${g0[5] > 0 ? ', turned north-up' : ''}`,
        crsFrom: ref.srsWkt ? `the first file's CRS (${ref.crsName ?? 'unnamed'}${ref.epsg ? `, EPSG:${ref.epsg}` : ''})` : 'none found in the first file',
        datesFrom: 'file names',
        units,
        referenceDate: null,
        referencePoint: null,
        sign: 'as stored (the files do not state it)',
        notes,
      };
      // Files in strips as wide as the raster (GDAL's default GeoTIFF) are read in full-width cells
      // (src/pipeline/engine/tileLayout.ts, cellShape): the VRT announces their strips.
      const strips = ref.blockWidth >= width ? { blockSize: [ref.blockWidth, ref.blockHeight] as [number, number] } : {};
      const vrt = writeStackVrt('singledate', { width, height, geoTransform: ref.geoTransform ? gt : null, srsWkt: ref.srsWkt, bands, metadata: { SMOOTHCLUSTER_PRODUCT: 'single-date rasters', UNITS: 'mm' }, ...strips });
      const resolved: ResolvedSource = { input, path: vrt.path, statics: [], provenance, dispose: disposeAll([dispose, vrt.dispose]) };
      return resolved;
    } catch (err) {
      dispose();
      throw err;
    }
  },
};
