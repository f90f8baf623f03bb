import { UsageError } from '../errors.js';
import { formatPointInfo } from '../io/points/describePoints.js';
import { describeInput } from '../pipeline/describeInput.js';
import type { SceneInfo } from '../pipeline/describeScene.js';
import { DEFAULTS } from '../pipeline/options.js';
import type { Command } from './command.js';
import { sourceOptionsFrom, withSourceOptions } from './sourceOptions.js';
import { stderrReporter } from './stderrReporter.js';
import { toReadableJson } from '../report/json.js';

export const infoCommand: Command = {
  command: 'info <scene>',
  describe: 'show what the pipeline will see in a scene: grid, CRS, dates, missing data, static layers',
  builder: (y) =>
    withSourceOptions(y)
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('static', { type: 'string', array: true, default: [], describe: 'static raster(s) to check against the scene grid' })
      .option('max-missing', { requiresArg: true, type: 'number', default: DEFAULTS.maxMissing, describe: 'share of missing dates a pixel may have and still count as valid (as for run)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object on stdout' }),
  run: async (args, io) => {
    const maxMissing = args['max-missing'] as number;
    if (!(maxMissing >= 0 && maxMissing <= 1)) throw new UsageError(`--max-missing must be between 0 and 1; got ${String(args['max-missing'])}.`);
    const info = await describeInput(args.scene as string, args.static as string[], stderrReporter(io, false), maxMissing, sourceOptionsFrom(args));
    io.stdout(args.json ? toReadableJson(info) : 'kind' in info ? formatPointInfo(info) : formatInfo(info));
    return 0;
  },
};

const fmt = (v: number, d = 2) => v.toFixed(d);

export function formatInfo(i: SceneInfo): string {
  const lines: string[] = [];
  const add = (k: string, v: string) => lines.push(`${k.padEnd(16)}${v}`);
  add('scene', i.path);
  const p = i.provenance;
  if (p) {
    add('product', `${p.product}${p.inputs.length > 1 ? ` (${p.inputs.length} files)` : p.inputs[0] !== i.path ? ` (${p.inputs[0]})` : ''}`);
    add('grid from', p.gridFrom);
    add('CRS from', p.crsFrom);
    add('dates from', p.datesFrom);
    add('units', p.units);
    if (p.referenceDate || p.referencePoint) add('reference', [p.referenceDate && `date ${p.referenceDate}`, p.referencePoint && `point ${p.referencePoint}`].filter(Boolean).join('; '));
    add('sign', p.sign);
    for (const n of p.notes) add('note', n);
  }
  add('size', `${i.width} x ${i.height} pixels, ${i.bands} bands${i.alphaBand ? ` (band ${i.alphaBand} is alpha)` : ''}`);
  add('data type', i.dataType);
  add('block size', `${i.blockSize[0]} x ${i.blockSize[1]}`);
  add(
    'CRS',
    i.crs
      ? `${i.crs.name ?? 'unnamed'}${i.crs.epsg ? ` (EPSG:${i.crs.epsg})` : ' (no EPSG code)'}${i.crs.geographic ? ', geographic' : ''}`
      : i.geoTransform
        ? 'none: run, fit, sweep... refuse this scene; give its CRS with --crs EPSG:NNNN (or --allow-ungeoreferenced to work in pixels)'
        : 'none (not georeferenced)',
  );
  if (i.pixelSizeMetres && i.crs) add('pixel size', `${fmt(i.pixelSizeMetres[0])} m x ${fmt(i.pixelSizeMetres[1])} m (ground, at the scene centre)`);
  if (i.extentLonLat) {
    const e = i.extentLonLat;
    add('extent', `lon ${fmt(e.west, 4)} .. ${fmt(e.east, 4)}, lat ${fmt(e.south, 4)} .. ${fmt(e.north, 4)}`);
  }
  const nd = [...new Set(i.nodata.map((v) => (v === null ? null : String(v))))].filter((v) => v !== null);
  add('missing data', `${i.missingMarkers.join(', ') || 'none marked'}${nd.length ? ` (nodata ${nd.join(', ')})` : ''}`);
  add('dates', i.dates ? `${i.dates.length} from ${i.firstDate} to ${i.lastDate}` : 'none found: bands are used as time steps');
  if (i.dates && i.dates.length <= 24) add('', i.dates.join(' '));
  add('valid pixels', `${fmt(100 * i.validShare.estimate, 1)} % ${i.validShare.exact ? '' : 'estimated '}(${i.validShare.pixelsChecked} pixels checked, max-missing ${i.validShare.maxMissing})`);
  for (const s of i.statics) add('static', `${s.path}: ${s.layers.join(', ')} — ${s.onGrid ? 'on the scene grid' : `will be warped (${s.reason})`}`);
  return `${lines.join('\n')}\n`;
}
