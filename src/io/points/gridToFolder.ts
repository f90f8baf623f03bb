import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { Reporter } from '../../reporter.js';
import { checkOutputsWritable, commitOutputs, discardTemporary, temporaryPathFor } from '../atomicOutput.js';
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
 * count.tif (points per cell), ZSTD-compressed, straight into temporaries
 * beside them that are renamed into place together once all are complete.
 */
export async function gridToFolder(input: string, outDir: string, points: PointSourceOptions, overwrite: boolean, reporter: Reporter): Promise<GridFolderResult> {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UserError(`--out '${outDir}' is a file; expected a folder to write displacement.tif, static.tif and count.tif into (created if missing).`);
  }
  mkdirSync(outDir, { recursive: true });
  const finals = { displacement: join(outDir, 'displacement.tif'), statics: join(outDir, 'static.tif'), count: join(outDir, 'count.tif') };
  checkOutputsWritable(Object.values(finals), overwrite, '--out');
  const temps = { displacement: temporaryPathFor(finals.displacement, '.tif'), statics: temporaryPathFor(finals.statics, '.tif'), count: temporaryPathFor(finals.count, '.tif') };
  let gridded: GriddedPoints;
  try {
    gridded = await gridPoints(input, { ...griddingOptionsOf({ points, info: (m) => reporter.info(m) }), outputs: temps });
  } catch (err) {
    for (const t of Object.values(temps)) discardTemporary(t);
    throw err;
  }
  try {
    const pairs = [{ tmp: temps.displacement, final: finals.displacement }, { tmp: temps.count, final: finals.count }];
    if (gridded.statics) pairs.splice(1, 0, { tmp: temps.statics, final: finals.statics });
    else {
      discardTemporary(temps.statics);
      if (existsSync(finals.statics)) rmSync(finals.statics); // an older static.tif (replaced under --overwrite) would not match
    }
    commitOutputs(pairs);
    const { scan, dispose: _d, ...rest } = gridded;
    return {
      files: pairs.map((p) => p.final),
      gridded: { ...rest, displacement: finals.displacement, statics: gridded.statics ? finals.statics : null, count: finals.count, points: scan.points, dates: scan.dates.length, layout: scan.layout },
      provenance: pointProvenance(gridded),
    };
  } catch (err) {
    for (const t of Object.values(temps)) discardTemporary(t);
    throw err;
  } finally {
    gridded.dispose();
  }
}
