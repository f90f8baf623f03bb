import { alignedWindowBuffer, type DirectIo } from './windowCache.js';

/** A window buffer and the offset of its aligned start (see alignedWindowBuffer). */
export interface WindowBuffer {
  buffer: ArrayBufferLike;
  offset: number;
}

/** Whole 4 KB blocks from the aligned start, as direct I/O moves them. */
const usable = (b: WindowBuffer) => Math.floor((b.buffer.byteLength - b.offset) / 4096) * 4096;

/**
 * The window buffers of one run, handed from one tile pass to the next (the sample pass's
 * to the predict pass): memory that a pass let go of is only given back when V8 collects
 * it, which can be after the next pass has made its own, so a run would hold both sets at
 * its peak. Owned by the run ({@link RunSession}); {@link release} lets them go.
 */
export class WindowBuffers {
  private readonly kept: WindowBuffer[] = [];

  constructor(private readonly direct: DirectIo) {}

  /** A buffer with room for `bytes` from its aligned start: a kept one when one fits, else a new one. */
  take(bytes: number, shared: boolean): WindowBuffer {
    const i = this.kept.findIndex((b) => usable(b) >= bytes && b.buffer instanceof SharedArrayBuffer === shared);
    if (i >= 0) return this.kept.splice(i, 1)[0];
    this.kept.length = 0; // they do not fit this pass; let them go rather than hold two sets
    return alignedWindowBuffer(bytes, shared, this.direct);
  }

  /** Keeps the buffers of a finished pass for the next one. */
  keep(buffers: WindowBuffer[]): void {
    this.kept.push(...buffers);
  }

  /** Lets go of the kept buffers (once no pass of the run follows). */
  release(): void {
    this.kept.length = 0;
  }
}
