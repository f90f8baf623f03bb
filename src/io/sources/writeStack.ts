import { checkOutputsAreNotInputs, checkOutputsWritable } from '../atomicOutput.js';
import { readWindowWithHalo, type Window } from '../readWindow.js';
import { FloatStackWriter } from '../writeFloatStack.js';
import type { Reporter } from '../../reporter.js';
import { openSourceScene } from './openSourceScene.js';
import type { Provenance, SourceOverrides } from './types.js';

export interface StackOptions {
  source?: SourceOverrides;
  overwrite: boolean;
  allowUngeoreferenced: boolean;
  /** Edge of the windows copied at a time (memory: edge² x dates x 4 bytes). */
  tileSize?: number;
}

export interface StackSummary {
  out: string;
  width: number;
  height: number;
  dates: string[] | null;
  provenance: Provenance | null;
}

/**
 * `stack SOURCE --out STACK.tif`: any accepted source written as the dated multiband
 * GeoTIFF the pipeline reads natively: Float32 in mm, north-up, one band per date in time
 * order named by its ISO date, NaN for every missing value (nodata, masks, alpha), tiled
 * and DEFLATE-compressed, the provenance in the metadata. Values are read exactly as a
 * run reads them, window by window, so memory does not grow with the scene.
 */
export async function writeSceneStack(input: string, out: string, options: StackOptions, reporter: Reporter): Promise<StackSummary> {
  checkOutputsAreNotInputs([out], [input]);
  checkOutputsWritable([out], options.overwrite);
  const scene = await openSourceScene(input, {
    warn: (m) => reporter.warn(m),
    allowUngeoreferenced: options.allowUngeoreferenced,
    source: { ...options.source, info: (m) => reporter.info(m) },
  });
  try {
    const names = scene.dates ?? scene.dateBands.map((b) => `band_${b}`);
    const provenance = scene.provenance ?? null;
    const writer = new FloatStackWriter(
      out,
      { width: scene.width, height: scene.height, geoTransform: scene.facts.geoTransform, srsWkt: scene.facts.srsWkt },
      names,
      {
        metadata: {
          UNITS: 'mm',
          SMOOTHCLUSTER_SOURCE: input,
          ...(provenance ? { SMOOTHCLUSTER_PROVENANCE: JSON.stringify(provenance) } : {}),
        },
        bandMetadata: names.map((n): Record<string, string> => (scene.dates ? { DATE: n } : {})),
      },
    );
    try {
      const edge = options.tileSize ?? 256;
      const windows: Window[] = [];
      for (let y0 = 0; y0 < scene.height; y0 += edge) {
        for (let x0 = 0; x0 < scene.width; x0 += edge) windows.push({ x0, y0, width: Math.min(edge, scene.width - x0), height: Math.min(edge, scene.height - y0) });
      }
      reporter.info(`writing ${names.length} bands of ${scene.width} x ${scene.height} pixels in ${windows.length} windows`);
      for (const [i, w] of windows.entries()) {
        const read = await readWindowWithHalo(scene, w, 0);
        await writer.writeWindow(w, read.dynamic);
        reporter.progress('stack', i + 1, windows.length);
      }
      await writer.finish();
    } catch (err) {
      writer.abort();
      throw err;
    }
    return { out, width: scene.width, height: scene.height, dates: scene.dates, provenance };
  } finally {
    scene.close();
  }
}
