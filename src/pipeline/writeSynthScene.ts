import { existsSync, mkdirSync, statSync } from 'node:fs';
import { UserError } from '../errors.js';
import { join } from 'node:path';
import { checkOutputsWritable } from '../io/atomicOutput.js';
import { getGdal } from '../io/gdal.js';
import { ClassifiedWriter } from '../io/writeClassified.js';
import { FloatStackWriter } from '../io/writeFloatStack.js';
import { regimeColour } from '../report/palette.js';
import type { Reporter } from '../reporter.js';
import { makeSynthScene, SYNTH_GENERATOR_VERSION, type SynthOptions, type SynthScene } from '../synth/index.js';
import { VERSION } from '../version.js';

export interface SynthFiles {
  displacement: string;
  static: string;
  truth: string;
}

export function synthFiles(outDir: string): SynthFiles {
  return { displacement: join(outDir, 'displacement.tif'), static: join(outDir, 'static.tif'), truth: join(outDir, 'truth.tif') };
}

/**
 * Generates a synthetic scene and writes displacement.tif (Float32, one band
 * per date named by its ISO date), static.tif (named layers) and truth.tif
 * (regimes, Byte, 255 nodata, styled) into `outDir`, band by band.
 */
export async function writeSynthScene(outDir: string, options: SynthOptions, overwrite: boolean, reporter: Reporter): Promise<{ files: SynthFiles; scene: SynthScene }> {
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) {
    throw new UserError(`OUTDIR '${outDir}' is a file; expected a folder to write the scene into (created if missing). Choose another name.`);
  }
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (err) {
    throw new UserError(`OUTDIR '${outDir}' cannot be created (${(err as Error).message}). Choose a folder you can write to.`);
  }
  const files = synthFiles(outDir);
  checkOutputsWritable(Object.values(files), overwrite, 'OUTDIR');
  const scene = makeSynthScene(options);
  const g = getGdal();
  const grid = { width: scene.width, height: scene.height, geoTransform: scene.geoTransform, srsWkt: g.SpatialReference.fromEPSG(scene.epsg).toWKT() };
  const metadata = {
    SMOOTHCLUSTER_SYNTH: JSON.stringify(scene.parameters),
    SMOOTHCLUSTER_SYNTH_VERSION: String(SYNTH_GENERATOR_VERSION),
    SMOOTHCLUSTER_VERSION: VERSION,
  };

  const disp = new FloatStackWriter(files.displacement, grid, scene.dates, {
    metadata: { ...metadata, UNITS: 'mm, relative to the first date' },
    bandMetadata: scene.dates.map((d) => ({ DATE: d })),
  });
  try {
    for (let d = 0; d < scene.dates.length; d++) {
      await disp.writeBand(d, scene.displacementBand(d));
      reporter.progress('displacement', d + 1, scene.dates.length);
    }
    await disp.finish();
  } catch (err) {
    disp.abort();
    throw err;
  }

  const stat = new FloatStackWriter(files.static, grid, scene.staticNames, { metadata });
  try {
    for (let s = 0; s < scene.staticNames.length; s++) await stat.writeBand(s, scene.staticBand(s));
    await stat.finish();
  } catch (err) {
    stat.abort();
    throw err;
  }

  const k = scene.regimeNames.length;
  const truth = new ClassifiedWriter(files.truth, { grid, colours: Array.from({ length: k }, (_v, c) => regimeColour(c)), metadata });
  try {
    await truth.writeWindow({ x0: 0, y0: 0, width: scene.width, height: scene.height }, scene.truth);
    const counts = new Array<number>(k).fill(0);
    for (const t of scene.truth) if (t < k) counts[t]++;
    const names = scene.regimeNames.map((n, i) => `${i}: ${n}`);
    await truth.finish({
      description: 'true regime',
      categoryNames: names,
      rat: { extraColumns: [], rows: names.map((name, i) => ({ value: i, count: counts[i], rgb: regimeColour(i), name, extra: [] })) },
    });
  } catch (err) {
    truth.abort();
    throw err;
  }
  return { files, scene };
}
