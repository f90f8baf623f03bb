import { randomUUID } from 'node:crypto';
import { rmSync, statfsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getGdal } from '../gdal.js';
import type { SourceOptions } from './types.js';

/**
 * How a product's chunks meet the pipeline's tile reads (tiles of 256 px plus halos,
 * every date of a tile read before the next tile):
 * - `direct`: contiguous (row blocks) or no chunking; a window reads just its rows;
 * - `blocks`: small chunks that may hold several dates (HDF5/netCDF-4 3-D chunks): the VRT
 *   announces the chunk as its block and a pixel-interleaved layout, so a window is read
 *   chunk by chunk with every date inside and each chunk is decoded once;
 * - `transcode`: chunks much larger than a tile (one compressed date plane per chunk): every
 *   tile would decode whole planes again, so the stack is copied once, plane by plane, into a
 *   compressed tiled GeoTIFF in TMPDIR.
 */
export type ReadPlan = { kind: 'direct' } | { kind: 'blocks'; blockSize: [number, number] } | { kind: 'transcode'; chunk: [number, number] };

/** Largest chunk (pixels) read as it is: a few tiles' worth, so a tile decodes little it does not use. */
const LARGEST_DIRECT_CHUNK = 512 * 512;

export function planReads(block: { x: number; y: number }): ReadPlan {
  if (block.y <= 1) return { kind: 'direct' };
  if (block.x * block.y <= LARGEST_DIRECT_CHUNK) return { kind: 'blocks', blockSize: [block.x, block.y] };
  return { kind: 'transcode', chunk: [block.x, block.y] };
}

/** The classic block size of a GDAL source band (the HDF5/netCDF chunk's x and y). */
export function sourceBlock(source: string): { x: number; y: number } {
  const ds = getGdal().open(source);
  try {
    return ds.bands.get(1).blockSize;
  } finally {
    ds.close();
  }
}

export interface Transcoded {
  path: string;
  bytes: number;
  seconds: number;
  dispose(): void;
}

/**
 * Copies a stack VRT once into a tiled (256 x 256), band-interleaved GeoTIFF in TMPDIR,
 * compressed losslessly (ZSTD, floating-point predictor), reading each date plane once.
 * Returns null (and says why) when TMPDIR has less free space than the uncompressed stack,
 * so the run goes on reading the product directly, only slower.
 */
export async function transcodeToScratch(vrtPath: string, what: string, options: SourceOptions): Promise<Transcoded | null> {
  const g = getGdal();
  const src = g.open(vrtPath);
  const { x: width, y: height } = src.rasterSize;
  const bands = src.bands.count();
  const raw = width * height * bands * 4;
  const folder = tmpdir();
  let free = Infinity;
  try {
    const s = statfsSync(folder);
    free = s.bavail * s.bsize;
  } catch {
    /* unknown: try */
  }
  const gb = (b: number) => `${(b / 1e9).toFixed(2)} GB`;
  if (free < raw) {
    src.close();
    options.warn?.(
      `${what} is chunked one whole date plane per chunk; copying it once into TMPDIR (${folder}) would make the run fast, but TMPDIR has ${gb(free)} free ` +
        `and the copy may need up to ${gb(raw)}. Reading it directly instead, which decodes each plane again for every tile (much slower). Point TMPDIR at a larger disk, or convert it once with smoothcluster stack.`,
    );
    return null;
  }
  const path = join(folder, `smoothcluster-transcode-${process.pid}-${randomUUID()}.tif`);
  const dispose = () => rmSync(path, { force: true });
  options.info?.(`${what}: chunked one date plane per chunk; copying it once into ${folder} (compressed, read plane by plane) so tiles do not decode whole planes again`);
  const t0 = performance.now();
  try {
    const out = await g.translateAsync(path, src, [
      '-of', 'GTiff', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', '-co', 'INTERLEAVE=BAND', '-co', 'COMPRESS=ZSTD', '-co', 'ZSTD_LEVEL=1',
      '-co', 'PREDICTOR=3', '-co', 'BIGTIFF=YES', '-co', 'NUM_THREADS=ALL_CPUS',
    ]);
    out.close();
  } catch (err) {
    dispose();
    throw err;
  } finally {
    src.close();
  }
  const bytes = statSync(path).size;
  const seconds = (performance.now() - t0) / 1000;
  options.info?.(`${what}: copied in ${seconds.toFixed(1)} s to ${gb(bytes)} of scratch (${((100 * bytes) / raw).toFixed(0)} % of the ${gb(raw)} uncompressed), removed when the run ends`);
  return { path, bytes, seconds, dispose };
}
