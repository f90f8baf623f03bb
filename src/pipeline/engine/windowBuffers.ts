import { alignedWindowBuffer } from './windowCache.js';

/** A window buffer and the offset of its aligned start (see alignedWindowBuffer). */
export interface WindowBuffer {
  buffer: ArrayBufferLike;
  offset: number;
}

/**
 * Window buffers handed from one tile pass to the next (the sample pass's to the predict
 * pass): memory that a pass let go of is only given back when V8 collects it, which can be
 * after the next pass has made its own, so a run would hold both sets at its peak.
 */
const kept: WindowBuffer[] = [];

/** Whole 4 KB blocks from the aligned start, as direct I/O moves them. */
const usable = (b: WindowBuffer) => Math.floor((b.buffer.byteLength - b.offset) / 4096) * 4096;

/** A buffer with room for `bytes` from its aligned start: a kept one when one fits, else a new one. */
export function takeWindowBuffer(bytes: number, shared: boolean): WindowBuffer {
  const i = kept.findIndex((b) => usable(b) >= bytes && b.buffer instanceof SharedArrayBuffer === shared);
  if (i >= 0) return kept.splice(i, 1)[0];
  kept.length = 0; // they do not fit this pass; let them go rather than hold two sets
  return alignedWindowBuffer(bytes, shared);
}

/** Keeps the buffers of a finished pass for the next one. */
export function keepWindowBuffers(buffers: WindowBuffer[]): void {
  kept.push(...buffers);
}

/** Lets go of the kept buffers (after the last pass of a command). */
export function releaseWindowBuffers(): void {
  kept.length = 0;
}
