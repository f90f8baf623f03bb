import { planReads, sourceBlock, transcodeToScratch } from './readPlan.js';
import { writeStackVrt, type StackVrtSpec } from './stackVrt.js';
import type { SourceOptions } from './types.js';
import { disposeAll } from './vsimem.js';

/**
 * The GDAL stack of an HDF5/netCDF product: a VRT over `source` laid out for the product's
 * chunking (see `planReads`), or, for whole-plane chunks, a one-off compressed copy in TMPDIR.
 * `notes` say what was done, for the provenance.
 */
export async function productStack(kind: string, source: string, spec: StackVrtSpec, what: string, options: SourceOptions): Promise<{ path: string; dispose: () => void; notes: string[] }> {
  const plan = planReads(sourceBlock(source));
  const vrt = writeStackVrt(kind, plan.kind === 'blocks' ? { ...spec, blockSize: plan.blockSize, pixelInterleaved: true } : spec);
  if (plan.kind !== 'transcode') {
    const notes = plan.kind === 'blocks' ? [`read chunk by chunk (${plan.blockSize[0]} x ${plan.blockSize[1]} pixel chunks), every date of a chunk at once`] : [];
    return { path: vrt.path, dispose: vrt.dispose, notes };
  }
  if (options.preview) {
    return { path: vrt.path, dispose: vrt.dispose, notes: [`chunks of ${plan.chunk[0]} x ${plan.chunk[1]} pixels (a whole date plane): run, fit, sweep... copy it once to a compressed GeoTIFF in TMPDIR first`] };
  }
  try {
    const copy = await transcodeToScratch(vrt.path, what, options);
    if (!copy) return { path: vrt.path, dispose: vrt.dispose, notes: [`chunks of ${plan.chunk[0]} x ${plan.chunk[1]} pixels read directly (TMPDIR too small for a copy)`] };
    return {
      path: copy.path,
      dispose: disposeAll([vrt.dispose, copy.dispose]),
      notes: [`chunks of ${plan.chunk[0]} x ${plan.chunk[1]} pixels (a whole date plane): copied once to a compressed GeoTIFF in TMPDIR (${(copy.bytes / 1e9).toFixed(2)} GB, ${copy.seconds.toFixed(0)} s)`],
    };
  } catch (err) {
    vrt.dispose();
    throw err;
  }
}
