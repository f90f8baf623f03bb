import { closeSync, constants, openSync, read, statfsSync, unlinkSync, write, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Scene } from '../io/scene.js';
import type { TileLayout } from './tiles.js';

/**
 * Decoded tile windows kept on disk between the passes over a scene, so each block of the
 * file is decoded once per run rather than once per pass: the sample pass writes every
 * window it assembles, and the predict pass reads it back (from the page cache, usually)
 * instead of decoding and assembling it again. Decoding DEFLATE stacks is the largest cost
 * of a run; reading a window back is a copy the kernel makes on a libuv thread, straight
 * into the window buffer.
 *
 * The file is unlinked as soon as it is opened, so it never shows in a directory and its
 * space is freed when the scene closes or the process ends, even if it is killed. It takes
 * about the scene's uncompressed size (tiles x window x bands x 4 bytes) in the temporary
 * directory (TMPDIR); when that much is not free, there is no cache and the predict pass
 * decodes again. Values are copied bit for bit, so results never depend on the cache.
 *
 * Where the file system allows it the file is written and read with direct I/O (O_DIRECT),
 * from window buffers aligned for it ({@link alignedWindowBuffer}): the disk takes the data
 * straight from the buffer, the page cache is neither filled nor polluted, and the CPU does
 * no copy (on a VM, filling gigabytes of fresh page cache cost more CPU than decoding).
 */
export class WindowCache {
  private readonly pending = new Map<number, Promise<void>>();
  private readonly stored = new Set<number>();
  private closed = false;

  private constructor(
    /** Buffered descriptor, and a direct (O_DIRECT) one of the same file when possible. */
    private readonly fd: number,
    private readonly directFd: number | null,
    /** Bytes per tile slot: the largest window's bands, in whole direct-I/O blocks. */
    private readonly slotBytes: number,
    /** The layout whose windows it holds (tile size and halo). */
    readonly layoutKey: string,
  ) {}

  /** True when windows go to the disk with direct I/O. */
  get direct(): boolean {
    return this.directFd !== null;
  }

  /**
   * A cache for the windows of `layout` with `bands` bands, or null when the temporary
   * directory lacks the space (needed plus a margin of 1 GB or 10 %).
   */
  static create(layout: TileLayout, bands: number, dir = tmpdir()): { cache: WindowCache | null; bytes: number; dir: string } {
    const edge = layout.tileSize + 2 * layout.halo;
    const slotBytes = roundUp(edge * edge * bands * 4, DIRECT_BLOCK);
    const bytes = layout.tiles.length * slotBytes;
    let free = 0;
    try {
      const s = statfsSync(dir);
      free = s.bavail * s.bsize;
    } catch {
      return { cache: null, bytes, dir };
    }
    if (free < bytes + Math.max(2 ** 30, bytes * 0.1)) return { cache: null, bytes, dir };
    const path = join(dir, `smoothcluster-windows-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
    const fd = openSync(path, 'w+', 0o600);
    let directFd: number | null = null;
    if (directIo()) {
      try {
        directFd = openSync(path, constants.O_RDWR | constants.O_DIRECT);
      } catch {
        directFd = null;
      }
    }
    unlinkSync(path); // gone from the directory; the space lives as long as the descriptors
    return { cache: new WindowCache(fd, directFd, slotBytes, layoutKeyOf(layout)), bytes, dir };
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

  /** Stores the window planes of `tile`; `planes` must not change until this resolves. */
  put(tile: number, planes: Float32Array): Promise<void> {
    if (this.closed || this.stoppedBecause !== null || this.has(tile)) return Promise.resolve();
    if (planes.byteLength > this.slotBytes) throw new RangeError(`window of tile ${tile} holds ${planes.byteLength} bytes, the slots ${this.slotBytes}`);
    const done = this.transfer(write, planes, tile * this.slotBytes)
      .then(
        () => void this.stored.add(tile),
        (err: NodeJS.ErrnoException) => {
          if (!OUT_OF_ROOM.has(err.code ?? '')) throw err;
          this.stoppedBecause = `${err.code}: ${err.message}`;
        },
      )
      .finally(() => this.pending.delete(tile));
    this.pending.set(tile, done);
    return done;
  }

  /** Reads the window planes of `tile` back into `planes` (the window's size). */
  async get(tile: number, planes: Float32Array): Promise<void> {
    await this.pending.get(tile);
    if (!this.stored.has(tile)) throw new Error(`tile ${tile} is not in the window cache`);
    await this.transfer(read, planes, tile * this.slotBytes);
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

  /** Frees the disk space (after pending writes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending.values()]);
    closeSync(this.fd);
    if (this.directFd !== null) closeSync(this.directFd);
  }
}

/** Write errors that mean "no more room here", not a broken run. */
const OUT_OF_ROOM = new Set(['ENOSPC', 'EFBIG', 'EDQUOT']);

/** Direct I/O moves whole blocks of this many bytes, from and to addresses aligned to 512 bytes or more. */
const DIRECT_BLOCK = 4096;

const roundUp = (n: number, to: number) => Math.ceil(n / to) * to;

/** Descriptor of an unlinked direct-I/O scratch file in TMPDIR, to find aligned addresses; null without direct I/O. */
let probeFd: number | null | undefined;
function directIo(): number | null {
  if (probeFd !== undefined) return probeFd;
  const path = join(tmpdir(), `smoothcluster-probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    probeFd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_DIRECT, 0o600);
    unlinkSync(path);
  } catch {
    probeFd = null;
  }
  return probeFd;
}

/**
 * A buffer for a tile window of `bytes`, and the offset in it where a window must start
 * so the window cache can move it with direct I/O: JavaScript cannot ask for aligned memory,
 * so the offset is found by trying a one-block direct write (an address stays put when the
 * buffer is transferred to a worker and back). Offset 0 where there is no direct I/O.
 */
export function alignedWindowBuffer(bytes: number): { buffer: ArrayBuffer; offset: number } {
  const buffer = new ArrayBuffer(roundUp(bytes, DIRECT_BLOCK) + DIRECT_BLOCK);
  const fd = directIo();
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

function layoutKeyOf(layout: TileLayout): string {
  return `${layout.width}x${layout.height}/${layout.tileSize}/${layout.halo}/${layout.shifted}`;
}

/** The window cache of each open scene (one layout at a time), closed with the scene. */
const caches = new WeakMap<Scene, { key: string; cache: WindowCache | null }>();

/**
 * The window cache of `scene` for `layout`: made on first use when `create` (null when
 * there is no room, with a note saying so), replaced when the layout changes.
 */
export function windowCacheOf(scene: Scene, layout: TileLayout, bands: number, create: boolean): { cache: WindowCache | null; note: string | null } {
  const key = layoutKeyOf(layout);
  const have = caches.get(scene);
  if (have && have.key === key) return { cache: have.cache, note: null };
  if (!create || !layout.shifted) return { cache: null, note: null };
  if (have) void have.cache?.close();
  else {
    scene.onClose?.(() => {
      void caches.get(scene)?.cache?.close();
      caches.delete(scene);
    });
  }
  const made = WindowCache.create(layout, bands);
  caches.set(scene, { key, cache: made.cache });
  const gb = (made.bytes / 2 ** 30).toFixed(1);
  return {
    cache: made.cache,
    note: made.cache ? null : `the temporary directory ${made.dir} lacks ${gb} GB for decoded tiles, so the predict pass decodes the scene again (set TMPDIR to a roomier disk to save that)`,
  };
}
