import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { SourceOverrides } from '../io/sources/types.js';
import { pointOptionsFrom, withPointOptions } from './pointOptions.js';

/** Options of every command that takes a SCENE: how the product is read when it does not say (or says wrongly). */
export function withSourceOptions(y: Argv): Argv {
  return withPointOptions(y)
    .option('crs', {
      type: 'string',
      requiresArg: true,
      describe: "assign the scene's CRS (EPSG:NNNN, WKT or PROJ), as gdal_translate -a_srs; recorded in the sidecar",
      group: 'Input:',
    })
    .option('dates', {
      type: 'string',
      requiresArg: true,
      describe: "assign the acquisition dates, one per band in band order: FILE (one date a line) or d1,d2,... (YYYY-MM-DD or YYYYMMDD)",
      group: 'Input:',
    });
}

/** `--crs` / `--dates` as given (checked when the scene is opened, where GDAL can read them). */
export function sourceOptionsFrom(args: Record<string, unknown>): SourceOverrides {
  const text = (name: 'crs' | 'dates'): string | undefined => {
    const v = args[name];
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v)) throw new UsageError(`--${name} was given ${v.length} times; give it once.`);
    const s = String(v).trim();
    if (s === '') throw new UsageError(`--${name} needs a value, e.g. ${name === 'crs' ? '--crs EPSG:32633' : '--dates 2020-01-05,2020-01-17,...'}.`);
    return s;
  };
  const out: SourceOverrides = {};
  const crs = text('crs'), dates = text('dates');
  if (crs !== undefined) out.crs = crs;
  if (dates !== undefined) out.dates = dates;
  out.points = pointOptionsFrom(args);
  return out;
}
