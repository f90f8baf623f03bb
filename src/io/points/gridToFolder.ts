import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { Reporter } from '../../reporter.js';
import { checkOutputsWritable, commitOutputs, discardTemporary, temporaryPathFor } from '../atomicOutput.js';
import { getGdal } from '../gdal.js';
import type { PointSourceOptions } from '../sources/types.js';
import { gridPoints, type GriddedPoints } from './gridPoints.js';
import { griddingOptionsOf, pointProvenance } from './pointReader.js';

/** What `smoothcluster grid` wrote. */
export interface GridFolderResult {
  files: string[];
  gridded: Omit<GriddedPoints, 'dispose' | 'scan'> & { points: number; dates: number; layout: string };
  provenance: ReturnType<typeof pointProvenance>;
}

/**
 * `grid POINTS --out DIR`: grids point CSVs and writes displacement.tif (one
 * band per date, named by ISO date), static.tif (named attributes) and
 * count.tif (points per cell), DEFLATE-compressed, each renamed into place only
 * when complete.
 */
export async function gridToFolder(input: string, outDir: string, points: PointSourceOptions, overwrite: boolean, reporter: Reporter): Promise<GridFolderResult> {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UserError(`--out '${outDir}' is a file; expected a folder to write displacement.tif, static.tif and count.tif into (created if missing).`);
  }
  mkdirSync(outDir, { recursive: true });
  const finals = { displacement: join(outDir, 'displacement.tif'), statics: join(outDir, 'static.tif'), count: join(outDir, 'count.tif') };
  checkOutputsWritable(Object.values(finals), overwrite, '--out');
  const gridded = await gridPoints(input, { ...griddingOptionsOf({ points, info: (m) => reporter.info(m) }) });
  try {
    const g = getGdal();
    const jobs: [string, string][] = [[gridded.displacement, finals.displacement], [gridded.count, finals.count]];
    if (gridded.statics) jobs.splice(1, 0, [gridded.statics, finals.statics]);
    const pairs: { tmp: string; final: string }[] = [];
    try {
      for (const [from, to] of jobs) {
        const tmp = temporaryPathFor(to, '.tif');
        const src = await g.openAsync(from);
        try {
          const out = await g.translateAsync(tmp, src, [
            '-of', 'GTiff', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', `PREDICTOR=${/count/.test(from) ? 2 : 3}`, '-co', 'BIGTIFF=IF_SAFER', '-co', 'NUM_THREADS=ALL_CPUS',
          ]);
          out.close();
        } finally {
          src.close();
        }
        rmSync(`${tmp}.aux.xml`, { force: true });
        pairs.push({ tmp, final: to });
      }
      if (!gridded.statics && existsSync(finals.statics)) rmSync(finals.statics); // an older static.tif (allowed by --overwrite) would not match
      commitOutputs(pairs);
    } catch (err) {
      for (const p of pairs) discardTemporary(p.tmp);
      throw err;
    }
    const { scan, dispose: _d, ...rest } = gridded;
    return {
      files: pairs.map((p) => p.final),
      gridded: { ...rest, points: scan.points, dates: scan.dates.length, layout: scan.layout },
      provenance: pointProvenance(gridded),
    };
  } finally {
    gridded.dispose();
  }
}
