import { randomUUID } from 'node:crypto';
import { getGdal } from '../gdal.js';

/** A fresh /vsimem/ path for a VRT or small file a reader builds (unique per call, no shared counter). */
export function vsimemPath(kind: string, ext = '.vrt'): string {
  return `/vsimem/smoothcluster_${kind}_${randomUUID()}${ext}`;
}

/** Writes `text` (a VRT) to a /vsimem/ path. */
export function writeVsimem(path: string, text: string): void {
  getGdal().vsimem.copy(Buffer.from(text, 'utf8'), path);
}

/** Removes a /vsimem/ file; a path already removed is fine (dispose may run twice). */
export function removeVsimem(path: string): void {
  try {
    getGdal().vsimem.release(path);
  } catch {
    /* already gone */
  }
}

/** A dispose function that runs every step once, in reverse order (temporaries built last go first). */
export function disposeAll(steps: (() => void)[]): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const step of [...steps].reverse()) step();
  };
}
