import { readRectInto, type Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import type { RunContext } from '../runContext.js';
import { smoothingKey, type TileJob, type TilePassSetup, type TileResult, type TileStageTimes } from './tileJob.js';
import { tileGeometry, tileLayout, type TileLayout } from './tiles.js';
import type { WindowCache } from './windowCache.js';
import { keepWindowBuffers, takeWindowBuffer, type WindowBuffer } from './windowBuffers.js';
import { WindowAssembler } from './windowAssembler.js';
import { defaultThreads, tileRunner } from './workerPool.js';

/** One tile of a pass: what to produce, the window its job needs, and what to read from the file. */
export interface PassTile {
  core: Window;
  window: Window;
  /** Read from the file into the window before assembly: the tile's cell, or the whole window. */
  read: Window;
  /** Index in the run's tile layout when its halo comes from neighbours' strips; -1 otherwise. */
  layoutIndex: number;
  /** 'sample': the parts of the core whose nodes may be offered. */
  offer?: Window[];
}

/** Where the time of a pass went. Stage times are summed over threads, wall time is elapsed. */
export interface PassProfile {
  label: string;
  tiles: number;
  threads: number;
  handles: number;
  wallMs: number;
  /** CPU time of the whole process (every thread, user and system) during the pass. */
  cpuMs: number;
  /** Reading the tiles' cells or windows (GDAL decodes on libuv threads), summed over concurrent reads. */
  readMs: number;
  /** Halo strips: copies of kept strips, and reads of strips nobody kept. */
  assembleMs: number;
  /** The tile function's stages, summed over threads. */
  job: TileStageTimes;
  /** Handing results to the pass (sample heaps, label writes, statistics) on the main thread. */
  deliverMs: number;
  /** Tile windows in flight at most (read, waiting, or in a worker). */
  maxInFlight: number;
  /** Most tile reads running at once. */
  maxConcurrentReads: number;
  /** Windows read back from the window cache instead of decoded. */
  cachedWindows: number;
  /** Of those, tiles whose smoothed features came with them (not smoothed again). */
  cachedFeatures: number;
}

export interface TilePassOptions {
  label: string;
  reporter: Reporter;
  /** Deliver results in tile order (for float sums that must not depend on thread timing). */
  ordered: boolean;
  /** Last changes to a job before it is dispatched (e.g. the sample's current thresholds). */
  beforeJob?: (tile: PassTile, job: TileJob) => void;
  onResult: (tile: PassTile, result: TileResult, index: number) => void | Promise<void>;
  /** Tiles in flight at most, from their read until their result is handed over; default threads + read handles. */
  maxInFlight?: number;
  /** The reader of a tile's cell or window (tests wrap it to watch reads); default readRectInto. */
  readRect?: typeof readRectInto;
  /**
   * Windows kept between passes: windows found there are not decoded again (nor smoothed, when
   * their features are there under this pass's smoothing); with `keep`, assembled windows are
   * stored, and with `features` too a sample pass smooths every node and stores the features.
   */
  windows?: { cache: WindowCache; keep: boolean; features?: boolean };
}

/** A fixed set of things (buffers, handles) lent out one at a time. */
class Lender<T> {
  private readonly free: T[];
  private readonly waiting: { resolve: (t: T) => void; reject: (e: unknown) => void }[] = [];
  private failure: unknown = null;
  lent = 0;
  constructor(items: T[]) {
    this.free = [...items];
  }
  get available(): number {
    return this.free.length;
  }
  /** Takes back every thing not lent out. */
  drain(): T[] {
    return this.free.splice(0);
  }
  /** Adds one more thing to lend. */
  add(t: T): void {
    this.lent++;
    this.release(t);
  }
  acquire(): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const t = this.free.pop();
    if (t !== undefined) return Promise.resolve(this.lend(t));
    return new Promise((resolve, reject) => this.waiting.push({ resolve: (x) => resolve(this.lend(x)), reject }));
  }
  release(t: T): void {
    this.lent--;
    const w = this.waiting.shift();
    if (w) w.resolve(t);
    else this.free.push(t);
  }
  fail(err: unknown): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
  private lend(t: T): T {
    this.lent++;
    return t;
  }
}

/** The run's tile layout (ctx.tiles are its cores). */
export function layoutOf(ctx: RunContext): TileLayout {
  return ctx.layout ?? tileLayout(ctx.scene.width, ctx.scene.height, ctx.options.execution.tileSize, ctx.halo);
}

/**
 * The pass tiles for `cores`: a core of the run's layout gets its cell and strips; any
 * other window (a custom tiling) is read whole with its halo.
 */
export function passTiles(ctx: RunContext, cores: Window[]): PassTile[] {
  const layout = layoutOf(ctx);
  const index = new Map<string, number>();
  layout.tiles.forEach((t, i) => index.set(`${t.x0},${t.y0},${t.width},${t.height}`, i));
  return cores.map((core) => {
    const i = index.get(`${core.x0},${core.y0},${core.width},${core.height}`);
    if (i !== undefined && layout.shifted) {
      const g = tileGeometry(layout, i);
      return { core, window: g.window, read: g.cell, layoutIndex: i };
    }
    const x0 = Math.max(0, core.x0 - ctx.halo), y0 = Math.max(0, core.y0 - ctx.halo);
    const x1 = Math.min(ctx.scene.width, core.x0 + core.width + ctx.halo), y1 = Math.min(ctx.scene.height, core.y0 + core.height + ctx.halo);
    const window = { x0, y0, width: x1 - x0, height: y1 - y0 };
    return { core, window, read: window, layoutIndex: -1 };
  });
}

/** Worker threads for a run: `--threads`, default every core. */
export function threadsOf(ctx: RunContext): number {
  return ctx.options.execution.threads ?? defaultThreads();
}

/**
 * Runs `setup`'s tile function over `tiles`: reads run ahead on the scene's handles
 * (GDAL stays on the main thread; it decodes on libuv threads), windows are assembled
 * in tile order, jobs go to the worker pool with their window buffers transferred, and
 * buffers come back with the results to be reused. At most `maxInFlight` windows exist
 * at once, so memory is set by the tile size and thread count, never by the raster.
 */
export async function runTilePass(ctx: RunContext, setup: TilePassSetup, tiles: PassTile[], options: TilePassOptions): Promise<PassProfile> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const { scene } = ctx;
  const threads = threadsOf(ctx);
  const nHandles = scene.handles.length;
  const nBands = ctx.nDates + ctx.nStatic;
  const maxPlane = tiles.reduce((m, t) => Math.max(m, t.window.width * t.window.height), 0);
  const maxInFlight = Math.max(1, options.maxInFlight ?? threads + nHandles);
  // Smoothed features go to and come from the window cache's slots when it has room for them:
  // each buffer is then a whole slot, the window first and the core's features after it.
  const cache = options.windows?.cache;
  const nFeatures = setup.nDates + (setup.useStatics ? setup.nStatic : 0);
  const maxCore = tiles.reduce((m, t) => Math.max(m, t.core.width * t.core.height), 0);
  const smoothedSlots =
    cache !== undefined && setup.mode !== 'smooth' && maxPlane * nBands * 4 <= cache.windowBytes && maxCore * nFeatures * 4 <= cache.smoothedBytes ? cache : null;
  const key = smoothedSlots ? smoothingKey(setup) : null;
  const bufferBytes = smoothedSlots ? smoothedSlots.slotBytes : maxPlane * nBands * 4;
  // Window buffers, each used from its aligned offset (see alignedWindowBuffer).
  const buffers = new Lender<WindowBuffer>([]);
  let made = 0;
  const handles = new Lender<number>(Array.from({ length: nHandles }, (_v, i) => nHandles - 1 - i));
  const runner = tileRunner(threads).begin(setup);
  const assembler = new WindowAssembler(scene, layoutOf(ctx), nBands);
  const profile: PassProfile = {
    label: options.label, tiles: tiles.length, threads, handles: nHandles, wallMs: 0, cpuMs: 0, readMs: 0, assembleMs: 0,
    job: { nodes: 0, graph: 0, smooth: 0, gather: 0, assign: 0, stats: 0 }, deliverMs: 0, maxInFlight: 0, maxConcurrentReads: 0, cachedWindows: 0, cachedFeatures: 0,
  };

  let failure: unknown = null;
  const fail = (err: unknown) => {
    failure ??= err;
    buffers.fail(err);
    handles.fail(err);
  };
  // Buffers are made on demand up to maxInFlight, then only lent and returned.
  const getBuffer = (): Promise<WindowBuffer> => {
    if (made < maxInFlight && buffers.available === 0) {
      made++;
      buffers.add(takeWindowBuffer(bufferBytes, threads > 1));
    }
    return buffers.acquire();
  };

  const ready = new Map<number, TileResult>();
  const stored = new Map<number, Promise<void>>();
  const writes: Promise<void>[] = [];
  let nextDelivery = 0;
  let delivered = 0;
  let delivery = Promise.resolve();
  const deliver = (i: number, result: TileResult, written: Promise<void>) => {
    ready.set(i, result);
    stored.set(i, written);
    const flush = () => {
      for (;;) {
        const k = options.ordered ? nextDelivery : [...ready.keys()][0];
        const r = k === undefined ? undefined : ready.get(k);
        if (r === undefined || k === undefined) return;
        const written = stored.get(k)!;
        ready.delete(k);
        stored.delete(k);
        nextDelivery++;
        delivery = delivery.then(async () => {
          try {
            if (failure) return;
            const t0 = performance.now();
            await options.onResult(tiles[k], r, k);
            profile.deliverMs += performance.now() - t0;
            options.reporter.progress(options.label, ++delivered, tiles.length);
          } finally {
            // The window comes back only now (and once the window cache has it): a slow consumer
            // (a writer) holds back the reads instead of letting results pile up, so results count
            // against maxInFlight too.
            // (A buffer that went to a worker and back is a new ArrayBuffer object over the same memory.)
            const release = written.then(() => buffers.release({ buffer: r.planes.buffer, offset: r.planes.byteOffset }));
            writes.push(release);
            release.catch(fail);
          }
        }).catch(fail);
      }
    };
    flush();
  };

  const withHandle = async <T>(read: (handle: number) => Promise<T>): Promise<T> => {
    const h = await handles.acquire();
    try {
      return await read(h);
    } finally {
      handles.release(h);
    }
  };

  const jobs: Promise<void>[] = [];
  let assembly = Promise.resolve();
  for (let i = 0; i < tiles.length && !failure; i++) {
    const tile = tiles[i];
    let buffer: WindowBuffer;
    let handle: number;
    try {
      buffer = await getBuffer();
      handle = await handles.acquire();
    } catch {
      break;
    }
    profile.maxInFlight = Math.max(profile.maxInFlight, buffers.lent);
    profile.maxConcurrentReads = Math.max(profile.maxConcurrentReads, handles.lent);
    const plane = tile.window.width * tile.window.height;
    const planes = new Float32Array(buffer.buffer, buffer.offset, plane * nBands);
    const readStarted = performance.now();
    const cached = cache !== undefined && tile.layoutIndex >= 0 && cache.has(tile.layoutIndex);
    if (cached) profile.cachedWindows++;
    // Features in the cache under this pass's smoothing are read with the window; a sample pass
    // that stores its windows smooths every node into the slot, to store them too.
    const ready = cached && smoothedSlots !== null && smoothedSlots.smoothedKey(tile.layoutIndex) === key;
    if (ready) profile.cachedFeatures++;
    const fills = !cached && smoothedSlots !== null && tile.layoutIndex >= 0 && setup.mode === 'sample' && options.windows?.keep === true && options.windows.features === true;
    const slot = smoothedSlots && (ready || fills) ? new Float32Array(buffer.buffer, buffer.offset, smoothedSlots.slotBytes / 4) : null;
    const reading = cached ? cache.get(tile.layoutIndex, ready ? slot! : planes) : (options.readRect ?? readRectInto)(scene, tile.read, planes, tile.window, handle);
    const read = reading.finally(() => {
      profile.readMs += performance.now() - readStarted;
      handles.release(handle);
    });
    read.catch(() => {}); // surfaced through `assembly`
    assembly = assembly.then(async () => {
      await read;
      if (failure) throw failure;
      if (tile.layoutIndex >= 0 && !cached) {
        const t0 = performance.now();
        await assembler.assemble(tile.layoutIndex, planes, withHandle);
        profile.assembleMs += performance.now() - t0;
      }
      const job: TileJob = { index: i, window: tile.window, core: tile.core, planes, offer: tile.offer };
      if (slot) {
        job.smoothedCore = new Float32Array(buffer.buffer, buffer.offset + smoothedSlots!.windowBytes, tile.core.width * tile.core.height * nFeatures);
        job.smoothedReady = ready;
      }
      options.beforeJob?.(tile, job);
      jobs.push(
        runner.run(job).then(
          (result) => {
            for (const k of Object.keys(profile.job) as (keyof TileStageTimes)[]) profile.job[k] += result.times[k];
            // The job hands the window back as it was read (gaps restored): it goes to the window
            // cache from here, straight from the buffer, while other tiles compute.
            const keep = options.windows?.keep && tile.layoutIndex >= 0 && !cached;
            const slotOut = fills ? new Float32Array(result.planes.buffer, result.planes.byteOffset, smoothedSlots!.slotBytes / 4) : result.planes;
            deliver(i, result, keep ? options.windows!.cache.put(tile.layoutIndex, slotOut, fills ? key : null) : Promise.resolve());
          },
          (err) => fail(err),
        ),
      );
    }).catch(fail);
  }
  await assembly;
  await Promise.all(jobs);
  await delivery;
  await Promise.allSettled(writes);
  if (failure) throw failure;
  // Every buffer is back (a buffer that went to a worker and back is a new object over the same memory).
  keepWindowBuffers(buffers.drain());
  profile.wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  profile.cpuMs = (cpu.user + cpu.system) / 1000;
  return profile;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The profile as lines for `--profile` (stderr through the reporter). */
export function formatPassProfile(p: PassProfile): string {
  const j = p.job;
  return [
    `profile: ${p.label}: ${p.tiles} tiles in ${s(p.wallMs)} wall, ${s(p.cpuMs)} CPU (all threads), ${p.threads} thread${p.threads === 1 ? '' : 's'}, ${p.handles} read handles, ` +
      `at most ${p.maxInFlight} tile windows in flight and ${p.maxConcurrentReads} reads at once`,
    `  read (GDAL decode, summed over concurrent reads)  ${s(p.readMs)}${p.cachedWindows ? ` (${p.cachedWindows} of ${p.tiles} windows from the cache of decoded windows, ${p.cachedFeatures} with their smoothed features)` : ''}`,
    `  halo strips (main thread)                         ${s(p.assembleMs)}`,
    `  tile function, summed over threads: nodes and gaps ${s(j.nodes)}, graph ${s(j.graph)}, smooth ${s(j.smooth)}, ` +
      `assign ${s(j.assign)}, statistics ${s(j.stats)}, sample rows ${s(j.gather)}`,
    `  results (main thread: sample heaps, label writes, sums)  ${s(p.deliverMs)}`,
  ].join('\n');
}
