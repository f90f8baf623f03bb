import { close, closeSync, constants, openSync, read, statfsSync, unlinkSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { layoutKeyOf, type TileLayout } from './tileLayout.js';

/** How a pass uses the window cache: read what is there, and (sample passes) store what it decodes. */
export interface WindowCacheUse {
  cache: WindowCache;
  /** Store the windows this pass assembles. */
  store: boolean;
  /** Also smooth every node and store the features (a sample pass of `run`). */
  storeFeatures: boolean;
}

/**
 * Decoded tile windows kept on disk between the passes over a scene, so each block of the
 * file is decoded once per run rather than once per pass: the sample pass writes every
 * window it assembles, and the predict pass reads it back instead of decoding and
 * assembling it again. Decoding DEFLATE stacks is the largest cost of a run; reading a
 * window back is a transfer the kernel makes on a libuv thread, straight into the window buffer.
 *
 * Where there is room, each slot also holds the tile's smoothed features on its core, as the
 * sample pass computed them, with a key naming the smoothing that made them (graph,
 * hops, alpha, features...): a later pass with the same key (the predict pass of the run,
 * another sample pass over the scene) takes them instead of smoothing again. They are the bits the smoothing
 * gives, so results never depend on the cache.
 *
 * The file is unlinked as soon as it is opened, so it never shows in a directory and its
 * space is freed when the scene closes, when `run` no longer needs it, or when the process
 * ends, even if it is killed. It takes about twice the scene's uncompressed size (tiles x
 * (window x bands + core x features) x 4 bytes) in the temporary directory (TMPDIR); with room
 * for the windows only it holds just them (the predict pass smooths again), with less there is
 * no cache (it decodes again too). Values are copied bit for bit, so results never depend on it.
 *
 * Where the file system allows it the file is written and read with direct I/O (O_DIRECT),
 * from window buffers aligned for it ({@link alignedWindowBuffer}): the disk takes the data
 * straight from the buffer, the page cache is neither filled nor polluted, and the CPU does
 * no copy (on a VM, filling gigabytes of fresh page cache cost more CPU than decoding).
 */
export class WindowCache {
  private readonly pending = new Map<number, Promise<void>>();
  private readonly stored = new Set<number>();
  /** Per stored tile: the key of the smoothing whose features its slot holds, or null. */
  private readonly smoothedKeys = new Map<number, string | null>();
  private closed = false;

  private constructor(
    /** Buffered descriptor, and a direct (O_DIRECT) one of the same file when possible. */
    private readonly fd: number,
    private readonly directFd: number | null,
    /** Bytes at the start of a slot for the window: the largest window's bands, in whole direct-I/O blocks. */
    readonly windowBytes: number,
    /** Bytes after the window for the smoothed features of the core (0: windows only), in whole blocks. */
    readonly smoothedBytes: number,
    /** The layout whose windows it holds (tile size and halo). */
    readonly layoutKey: string,
  ) {}

  /** Bytes per tile slot. */
  get slotBytes(): number {
    return this.windowBytes + this.smoothedBytes;
  }

  /**
   * A cache for the windows of `layout` with `bands` bands and, where there is room, the
   * smoothed `features` of their cores; null when the temporary directory lacks the space
   * even for the windows (needed plus a margin of 1 GB or 10 %). `freeBytes` stands in for the
   * directory's free space (tests). `direct` is the run's direct-I/O probe: with it the file
   * is opened a second time with O_DIRECT.
   */
  static create(layout: TileLayout, bands: number, features: number, direct: DirectIo | null, dir = tmpdir(), freeBytes?: number): { cache: WindowCache | null; bytes: number; fullBytes: number; dir: string } {
    const windowPixels = (layout.cellWidth + 2 * layout.halo) * (layout.cellHeight + 2 * layout.halo);
    const windowBytes = roundUp(windowPixels * bands * 4, DIRECT_BLOCK);
    const maxCore = layout.tiles.reduce((m, t) => Math.max(m, t.width * t.height), 0); // the last row and column are wider
    let smoothedBytes = roundUp(maxCore * features * 4, DIRECT_BLOCK);
    const bytesFor = (slot: number) => layout.tiles.length * slot;
    const fullBytes = bytesFor(windowBytes + smoothedBytes);
    let free = 0;
    try {
      const s = statfsSync(dir);
      free = freeBytes ?? s.bavail * s.bsize;
    } catch {
      return { cache: null, bytes: bytesFor(windowBytes), fullBytes, dir };
    }
    const fits = (bytes: number) => free >= bytes + Math.max(2 ** 30, bytes * 0.1);
    if (!fits(bytesFor(windowBytes + smoothedBytes))) smoothedBytes = 0;
    const bytes = bytesFor(windowBytes + smoothedBytes);
    if (!fits(bytes)) return { cache: null, bytes, fullBytes, dir };
    const path = join(dir, `smoothcluster-windows-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
    const fd = openSync(path, 'w+', 0o600);
    let directFd: number | null = null;
    if (direct?.fd() != null) {
      try {
        directFd = openSync(path, constants.O_RDWR | constants.O_DIRECT);
      } catch {
        directFd = null;
      }
    }
    unlinkSync(path); // gone from the directory; the space lives as long as the descriptors
    return { cache: new WindowCache(fd, directFd, windowBytes, smoothedBytes, layoutKeyOf(layout)), bytes, fullBytes, dir };
  }

  /** Tiles stored so far. */
  get storedTiles(): number {
    return this.stored.size;
  }

  has(tile: number): boolean {
    return this.stored.has(tile) || this.pending.has(tile);
  }

  /**
   * Why storing stopped (the disk filled up, a file size limit), or null. The cache
   * only saves decoding: tiles it does not hold are decoded again, so running out of
   * room is no error for the run, and the real outputs are what a limit must stop.
   */
  stoppedBecause: string | null = null;

  /** The key of the smoothing whose features the slot of `tile` holds; null for none. */
  smoothedKey(tile: number): string | null {
    return this.smoothedKeys.get(tile) ?? null;
  }

  /**
   * Stores the slot of `tile`: its window planes from the start of `slot`, and with a
   * `smoothedKey`, the smoothed features from byte {@link windowBytes} on. `slot` must not
   * change until this resolves.
   */
  put(tile: number, slot: Float32Array, smoothedKey: string | null = null): Promise<void> {
    if (this.closed || this.stoppedBecause !== null || this.has(tile)) return Promise.resolve();
    if (smoothedKey !== null && this.smoothedBytes === 0) throw new RangeError('this window cache has no room for smoothed features');
    if (slot.byteLength > this.slotBytes) throw new RangeError(`slot of tile ${tile} holds ${slot.byteLength} bytes, the slots ${this.slotBytes}`);
    const done = this.transfer(write, slot, tile * this.slotBytes)
      .then(
        () => {
          this.stored.add(tile);
          this.smoothedKeys.set(tile, smoothedKey);
        },
        (err: NodeJS.ErrnoException) => {
          if (!OUT_OF_ROOM.has(err.code ?? '')) throw err;
          this.stoppedBecause = `${err.code}: ${err.message}`;
        },
      )
      .finally(() => this.pending.delete(tile));
    this.pending.set(tile, done);
    return done;
  }

  /** Reads the slot of `tile` back into `slot` (as many bytes as it holds: the window, or window and features). */
  async get(tile: number, slot: Float32Array): Promise<void> {
    await this.pending.get(tile);
    if (!this.stored.has(tile)) throw new Error(`tile ${tile} is not in the window cache`);
    await this.transfer(read, slot, tile * this.slotBytes);
  }

  /**
   * Moves a window's bytes: directly (whole blocks, from or into the aligned buffer, which
   * has room past the window's end) when the buffer allows it, else through the page cache.
   */
  private async transfer(op: typeof read | typeof write, planes: Float32Array, position: number): Promise<void> {
    const whole = roundUp(planes.byteLength, DIRECT_BLOCK);
    if (this.directFd !== null && planes.byteOffset + whole <= planes.buffer.byteLength) {
      try {
        await transfer(op, this.directFd, new Uint8Array(planes.buffer, planes.byteOffset, whole), position);
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err; // not aligned after all: buffered
      }
    }
    await transfer(op, this.fd, new Uint8Array(planes.buffer, planes.byteOffset, planes.byteLength), position);
  }

  /**
   * Frees the disk space (after pending writes). The descriptors are closed on libuv threads:
   * freeing gigabytes of an unlinked file takes the kernel most of a second, which the main
   * thread need not wait for.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending.values()]);
    const closing = (fd: number) => new Promise<void>((resolve) => close(fd, () => resolve()));
    await Promise.all([closing(this.fd), ...(this.directFd !== null ? [closing(this.directFd)] : [])]);
  }
}

/** Write errors that mean "no more room here", not a broken run. */
const OUT_OF_ROOM = new Set(['ENOSPC', 'EFBIG', 'EDQUOT']);

/** Direct I/O moves whole blocks of this many bytes, from and to addresses aligned to 512 bytes or more. */
const DIRECT_BLOCK = 4096;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * Whether TMPDIR takes direct I/O, and at which offsets of a buffer: an unlinked scratch
 * file opened with O_DIRECT, made on first use and closed with the run that owns it.
 */
export class DirectIo {
  private probe: number | null | undefined;

  /** The probe's descriptor; null where the file system refuses O_DIRECT. */
  fd(): number | null {
    if (this.probe !== undefined) return this.probe;
    const path = join(tmpdir(), `smoothcluster-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
    try {
      this.probe = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_DIRECT, 0o600);
      unlinkSync(path);
    } catch {
      this.probe = null;
    }
    return this.probe;
  }

  close(): void {
    if (this.probe != null) closeSync(this.probe);
    this.probe = undefined;
  }
}

/**
 * A buffer for a tile window of `bytes`, and the offset in it where a window must start
 * so the window cache can move it with direct I/O: JavaScript cannot ask for aligned memory,
 * so the offset is found by trying a one-block direct write (the memory stays put while the
 * buffer goes to a worker and back). Offset 0 where there is no direct I/O.
 *
 * `shared`: a SharedArrayBuffer, which workers see without a transfer. (A transferred
 * buffer comes back as new external memory each time, and V8 answers every few of those
 * with a full garbage collection: about a second of a 2048 x 2048 x 128 run.)
 */
export function alignedWindowBuffer(bytes: number, shared: boolean, direct: DirectIo): WindowBuffer {
  const size = roundUp(bytes, DIRECT_BLOCK) + DIRECT_BLOCK;
  const buffer = shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size);
  const fd = direct.fd();
  if (fd === null) return { buffer, offset: 0 };
  for (let offset = 0; offset < DIRECT_BLOCK; offset += 16) {
    try {
      writeSync(fd, new Uint8Array(buffer, offset, DIRECT_BLOCK), 0, DIRECT_BLOCK, 0);
      return { buffer, offset };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') break;
    }
  }
  return { buffer, offset: 0 };
}

/** A window buffer and the offset of its aligned start (see alignedWindowBuffer). */
export interface WindowBuffer {
  buffer: ArrayBufferLike;
  offset: number;
}

/** Whole 4 KB blocks from the aligned start, as direct I/O moves them. */
const usable = (b: WindowBuffer) => Math.floor((b.buffer.byteLength - b.offset) / DIRECT_BLOCK) * DIRECT_BLOCK;

/**
 * The window buffers of one run, handed from one tile pass to the next (the sample pass's
 * to the predict pass): memory that a pass let go of is only given back when V8 collects
 * it, which can be after the next pass has made its own, so a run would hold both sets at
 * its peak. Owned by the command's RunSession (session.ts); {@link release} lets them go.
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

/** Writes or reads all of `bytes` at `position`, resuming after short transfers. */
function transfer(op: typeof read | typeof write, fd: number, bytes: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (offset: number) => {
      const done = (err: NodeJS.ErrnoException | null, n: number) => {
        if (err) reject(err);
        else if (n === 0) reject(new Error(`window cache: ${op === read ? 'read' : 'write'} stopped at byte ${position + offset}`));
        else if (offset + n < bytes.length) next(offset + n);
        else resolve();
      };
      if (op === read) read(fd, bytes, offset, bytes.length - offset, position + offset, done);
      else write(fd, bytes, offset, bytes.length - offset, position + offset, done);
    };
    next(0);
  });
}
