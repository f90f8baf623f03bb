import { existsSync, readFileSync } from 'node:fs';
import { UsageError, UserError } from '../../errors.js';
import { parseDate } from '../dates.js';
import { getGdal } from '../gdal.js';
import { readRasterFacts, type RasterFacts } from '../rasterFacts.js';
import type { Provenance, ResolvedSource, SourceOptions } from './types.js';
import { readVsimemText, setVrtBandDescriptions } from './vrt.js';
import { disposeAll, removeVsimem, vsimemPath, writeVsimem } from './vsimem.js';

/** `--crs` as GDAL reads it (EPSG:NNNN, WKT, PROJ string, a .prj file), or a usage error naming the option. */
export function parseCrsOption(crs: string): string {
  try {
    const srs = getGdal().SpatialReference.fromUserInput(crs);
    return srs.toWKT();
  } catch {
    throw new UsageError(`--crs '${crs}' is not a CRS GDAL knows; give EPSG:NNNN (e.g. EPSG:32633), a WKT string or a PROJ string.`);
  }
}

/**
 * `--dates FILE|d1,d2,...`: the dates in the order given, ISO. A FILE holds one date a line
 * (blank lines and `#` comments skipped); each date is YYYY-MM-DD or YYYYMMDD and they must increase.
 */
export function parseDatesOption(dates: string): { dates: string[]; from: string } {
  const fromFile = existsSync(dates);
  const items = fromFile
    ? readFileSync(dates, 'utf8').split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).map((text, i) => ({ text, where: `line ${i + 1} of '${dates}'` })).filter((l) => l.text !== '')
    : dates.split(',').map((t, i) => ({ text: t.trim(), where: `item ${i + 1} of --dates` }));
  const what = fromFile ? `--dates file '${dates}'` : '--dates';
  if (items.length === 0) throw new UsageError(`${what} holds no date; give one date a line (YYYY-MM-DD or YYYYMMDD) or a comma-separated list.`);
  const parsed = items.map((item) => {
    const d = parseDate(item.text);
    if (!d || item.text.replace(/-/g, '').length !== 8) {
      throw new UsageError(`${what}: '${item.text}' (${item.where}) is not a date; expected YYYY-MM-DD or YYYYMMDD${fromFile ? '' : ', or the name of a file with one date a line'}.`);
    }
    return { date: d, where: item.where };
  });
  for (let i = 1; i < parsed.length; i++) {
    if (parsed[i].date <= parsed[i - 1].date) {
      throw new UsageError(`${what}: ${parsed[i].date} (${parsed[i].where}) does not come after ${parsed[i - 1].date}; give the dates in increasing order, one per band.`);
    }
  }
  return { dates: parsed.map((p) => p.date), from: fromFile ? `--dates file '${dates}'` : '--dates' };
}

/**
 * Applies `--crs` and `--dates` to a resolved source: a VRT over its stack with the
 * CRS assigned (as `gdal_translate -a_srs`) and the band descriptions set to the dates,
 * both recorded in the provenance. Without either option the source is returned as it is.
 */
export function applySourceOverrides(source: ResolvedSource, options: SourceOptions): ResolvedSource {
  if (!options.crs && !options.dates) return source;
  const g = getGdal();
  const srsWkt = options.crs ? parseCrsOption(options.crs) : null;
  const dates = options.dates ? parseDatesOption(options.dates) : null;
  const ds = g.open(source.path);
  const facts = readRasterFacts(ds, source.input);
  if (dates && dates.dates.length !== facts.dataBands.length) {
    ds.close();
    throw new UserError(
      `${dates.from} gives ${dates.dates.length} dates, but scene '${source.input}' has ${facts.dataBands.length} data bands; give one date per band, in band order.`,
    );
  }
  const path = vsimemPath('override');
  g.translate(path, ds, ['-of', 'VRT', ...(srsWkt ? ['-a_srs', srsWkt] : [])]).close();
  ds.close();
  if (dates) {
    const xml = setVrtBandDescriptions(readVsimemText(path), new Map(facts.dataBands.map((b, i) => [b, dates.dates[i]])));
    removeVsimem(path);
    writeVsimem(path, xml);
  }
  const notes = [...source.provenance.notes];
  if (options.crs) notes.push(`CRS assigned by --crs ${options.crs}`);
  if (dates) notes.push(`dates assigned by ${dates.from}`);
  return {
    ...source,
    path,
    provenance: {
      ...source.provenance,
      crsFrom: options.crs ? `--crs ${options.crs}` : source.provenance.crsFrom,
      datesFrom: dates ? dates.from : source.provenance.datesFrom,
      notes,
    },
    dispose: disposeAll([source.dispose, () => removeVsimem(path)]),
  };
}

/**
 * A scene with a geotransform but no CRS would run with degrees or feet taken as metres
 * (areas of 0.000 km²): refused unless `--allow-ungeoreferenced`.
 */
export function assertSceneHasCrs(input: string, provenance: Provenance, facts: RasterFacts, options: SourceOptions): void {
  if (options.allowUngeoreferenced) return;
  if (facts.geoTransform && !facts.srsWkt) {
    throw new UserError(
      `scene '${input}' has a geotransform but no CRS (${provenance.product}; grid from ${provenance.gridFrom}), ` +
        'so ground distances and areas are unknown. Give the CRS with --crs EPSG:NNNN (e.g. --crs EPSG:4326 for lon/lat degrees, EPSG:32633 for UTM 33N), ' +
        'or pass --allow-ungeoreferenced to work in pixel units.',
    );
  }
}
