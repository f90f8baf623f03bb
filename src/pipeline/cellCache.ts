import { closeSync, openSync, read, statfsSync, unlinkSync, write } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Window } from '../io/readWindow.js';
import type { Scene } from '../io/scene.js';

/**
 * Decoded tile cells kept on disk between the passes over a scene, so each block of the
 * file is decoded once per run rather than once per pass: the sample pass writes every
 * cell it decodes, the predict pass reads it back (from the page cache, usually) instead
 * of decoding it again. Decoding DEFLATE stacks is the largest cost of a run; a raw read
 * is a copy.
 *
 * The file is unlinked as soon as it is opened, so it never shows in a directory and its
 * space is freed when the scene closes or the process ends, even if it is killed. It takes
 * the scene's uncompressed size (cells x bands x 4 bytes) in the temporary directory
 * (TMPDIR); when that much is not free, there is no cache and passes decode again.
 * Values are copied bit for bit, so results never depend on whether the cache was used.
 */
export class CellCache {
  private readonly pending = new Map<number, Promise<void>>();
  private readonly stored = new Set<number>();
  private readonly staging: Buffer[] = [];
  private readonly waiting: ((b: Buffer) => void)[] = [];
  private closed = false;

  private constructor(
    private readonly fd: number,
    /** Bytes per cell slot: the largest cell's bands. */
    private readonly slotBytes: number,
    readonly tileSize: number,
    readonly path: string,
  ) {
    // Two staging copies: one being filled while the other is written.
    for (let i = 0; i < 2; i++) this.staging.push(Buffer.allocUnsafe(slotBytes));
  }

  /**
   * A cache for the cells of `tileSize` of a scene with `bands` bands, or null when the
   * temporary directory lacks the space (needed plus a margin of 1 GB or 10 %).
   */
  static create(width: number, height: number, bands: number, tileSize: number, dir = tmpdir()): { cache: CellCache | null; bytes: number; dir: string } {
    const slotBytes = tileSize * tileSize * bands * 4;
    const bytes = Math.ceil(width / tileSize) * Math.ceil(height / tileSize) * slotBytes;
    let free = 0;
    try {
      const s = statfsSync(dir);
      free = s.bavail * s.bsize;
    } catch {
      return { cache: null, bytes, dir };
    }
    if (free < bytes + Math.max(2 ** 30, bytes * 0.1)) return { cache: null, bytes, dir };
    const path = join(dir, `smoothcluster-cells-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
    const fd = openSync(path, 'w+', 0o600);
    unlinkSync(path); // gone from the directory; the space lives as long as the descriptor
    return { cache: new CellCache(fd, slotBytes, tileSize, path), bytes, dir };
  }

  has(slot: number): boolean {
    return this.stored.has(slot) || this.pending.has(slot);
  }

  /** Stores `rect` of every band of a window laid out on `frame` as cell `slot`. */
  async put(slot: number, planes: Float32Array, frame: Window, rect: Window, bands: number): Promise<void> {
    if (this.closed || this.has(slot)) return;
    const staging = await this.takeStaging();
    const size = rect.width * rect.height;
    const out = new Float32Array(staging.buffer, staging.byteOffset, size * bands);
    const framePlane = frame.width * frame.height;
    for (let b = 0; b < bands; b++) {
      for (let r = 0; r < rect.height; r++) {
        const at = b * framePlane + (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
        out.set(planes.subarray(at, at + rect.width), b * size + r * rect.width);
      }
    }
    // The copy is done: the caller may hand `planes` on while the bytes go to the file.
    const done = writeAll(this.fd, staging, size * bands * 4, slot * this.slotBytes)
      .then(() => {
        this.stored.add(slot);
      })
      .finally(() => {
        this.pending.delete(slot);
        this.giveStaging(staging);
      });
    this.pending.set(slot, done);
  }

  /** Reads cell `slot` back into `rect` of a window laid out on `frame`. */
  async get(slot: number, planes: Float32Array, frame: Window, rect: Window, bands: number): Promise<void> {
    await this.pending.get(slot);
    if (!this.stored.has(slot)) throw new Error(`cell ${slot} is not in the cache`);
    const staging = await this.takeStaging();
    try {
      const size = rect.width * rect.height;
      await readAll(this.fd, staging, size * bands * 4, slot * this.slotBytes);
      const from = new Float32Array(staging.buffer, staging.byteOffset, size * bands);
      const framePlane = frame.width * frame.height;
      for (let b = 0; b < bands; b++) {
        for (let r = 0; r < rect.height; r++) {
          const at = b * framePlane + (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
          planes.set(from.subarray(b * size + r * rect.width, b * size + (r + 1) * rect.width), at);
        }
      }
    } finally {
      this.giveStaging(staging);
    }
  }

  /** Frees the disk space (after pending writes). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending.values()]);
    closeSync(this.fd);
  }

  private takeStaging(): Promise<Buffer> {
    const b = this.staging.pop();
    if (b) return Promise.resolve(b);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private giveStaging(b: Buffer): void {
    const w = this.waiting.shift();
    if (w) w(b);
    else this.staging.push(b);
  }
}

function writeAll(fd: number, buffer: Buffer, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (offset: number) => {
      write(fd, buffer, offset, length - offset, position + offset, (err, n) => {
        if (err) reject(err);
        else if (offset + n < length) next(offset + n);
        else resolve();
      });
    };
    next(0);
  });
}

function readAll(fd: number, buffer: Buffer, length: number, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = (offset: number) => {
      read(fd, buffer, offset, length - offset, position + offset, (err, n) => {
        if (err) reject(err);
        else if (n === 0) reject(new Error(`cell cache: short read at ${position + offset}`));
        else if (offset + n < length) next(offset + n);
        else resolve();
      });
    };
    next(0);
  });
}

/** The cache of a scene's cells, one per scene and tile size, closed with the scene. */
const caches = new WeakMap<Scene, { tileSize: number; cache: CellCache | null }>();

/**
 * The cell cache of `scene` for `tileSize`: made on first use when `create` (null when
 * there is no room, with a note saying so), replaced when the tile size changes.
 */
export function cellCacheOf(scene: Scene, tileSize: number, bands: number, create: boolean): { cache: CellCache | null; note: string | null } {
  const have = caches.get(scene);
  if (have && have.tileSize === tileSize) return { cache: have.cache, note: null };
  if (!create) return { cache: null, note: null };
  if (have?.cache) void have.cache.close();
  else scene.onClose?.(() => {
    void caches.get(scene)?.cache?.close();
    caches.delete(scene);
  });
  const made = CellCache.create(scene.width, scene.height, bands, tileSize);
  caches.set(scene, { tileSize, cache: made.cache });
  const gb = (made.bytes / 2 ** 30).toFixed(1);
  return {
    cache: made.cache,
    note: made.cache ? null : `the temporary directory ${made.dir} lacks ${gb} GB for decoded tiles, so the predict pass decodes the scene again (set TMPDIR to a roomier disk to save that)`,
  };
}

/** The cell slot of `rect` when it is exactly a cell of the `tileSize` grid, else null. */
export function cellSlot(rect: Window, tileSize: number, width: number, height: number): number | null {
  if (rect.x0 % tileSize !== 0 || rect.y0 % tileSize !== 0) return null;
  if (rect.width !== Math.min(tileSize, width - rect.x0) || rect.height !== Math.min(tileSize, height - rect.y0)) return null;
  return (rect.y0 / tileSize) * Math.ceil(width / tileSize) + rect.x0 / tileSize;
}
