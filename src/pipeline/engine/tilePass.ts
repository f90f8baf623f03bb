import { readRectInto, type Window } from '../../io/readWindow.js';
import type { Reporter } from '../../reporter.js';
import { emptyProfile, type PassProfile, type RunContext } from '../session.js';
import { smoothingKey, type TileJob, type TilePassSetup, type TileResult, type TileStageTimes } from './tileJob.js';
import { tileGeometry, WindowAssembler } from './tileLayout.js';
import type { WindowBuffer, WindowCache, WindowCacheUse } from './windowCache.js';
import type { PassRunner } from './workerPool.js';

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
   * Windows kept between passes (the run session decides how a pass uses them): windows found
   * there are not decoded again (nor smoothed, when their features are there under this pass's
   * smoothing); with `store`, assembled windows are stored, and with `storeFeatures` too a
   * sample pass smooths every node and stores the features.
   */
  windows?: WindowCacheUse;
}

/**
 * The pass tiles for `cores`: a core of the run's layout gets its cell and strips; any
 * other window (the sweep's coherence window, tested subsets) is read whole with its halo.
 */
export function passTiles(ctx: RunContext, cores: Window[]): PassTile[] {
  const { layout } = ctx;
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

/**
 * Runs `setup`'s tile function over `tiles`: reads run ahead on the scene's handles
 * (GDAL stays on the main thread; it decodes on libuv threads), windows are assembled
 * in tile order, jobs go to the run's tile runner with their window buffers, and
 * buffers come back with the results to be reused. At most `maxInFlight` windows exist
 * at once, so memory is set by the tile size and thread count, never by the raster.
 */
export function runTilePass(ctx: RunContext, setup: TilePassSetup, tiles: PassTile[], options: TilePassOptions): Promise<PassProfile> {
  return new TilePass(ctx, setup, tiles, options).run();
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

/** How the window buffers of a pass are laid out (see {@link slotLayout}). */
interface SlotLayout {
  /** The cache whose slots hold smoothed features too, when this pass reads or stores them; else null. */
  featureSlots: WindowCache | null;
  /** The smoothing key of this pass's features (null without featureSlots). */
  key: string | null;
  bufferBytes: number;
}

/**
 * Smoothed features go to and come from the window cache's slots when it has room for them:
 * each buffer is then a whole slot, the window first and the core's features after it.
 */
function slotLayout(setup: TilePassSetup, tiles: PassTile[], nBands: number, cache: WindowCache | undefined): SlotLayout {
  const nFeatures = setup.nDates + (setup.useStatics ? setup.nStatic : 0);
  const maxPlane = tiles.reduce((m, t) => Math.max(m, t.window.width * t.window.height), 0);
  const maxCore = tiles.reduce((m, t) => Math.max(m, t.core.width * t.core.height), 0);
  const fits = cache !== undefined && setup.mode !== 'smooth' && maxPlane * nBands * 4 <= cache.windowBytes && maxCore * nFeatures * 4 <= cache.smoothedBytes;
  const featureSlots = fits ? cache : null;
  return { featureSlots, key: featureSlots ? smoothingKey(setup) : null, bufferBytes: featureSlots ? featureSlots.slotBytes : maxPlane * nBands * 4 };
}

/** What one tile of a pass reads, and where its window and features live in its buffer. */
interface TileRead {
  index: number;
  tile: PassTile;
  buffer: WindowBuffer;
  planes: Float32Array;
  /** Its window comes from the window cache. */
  cached: boolean;
  /** Its smoothed features come from the cache too. */
  featuresReady: boolean;
  /** This pass smooths every node and stores window and features in the cache. */
  fills: boolean;
  /** The whole cache slot in the buffer (window, then features), when features are read or stored. */
  slot: Float32Array | null;
}

/** One tile pass: the steps of {@link runTilePass}, sharing the pass's buffers, handles and queues. */
class TilePass {
  private readonly nBands: number;
  private readonly nFeatures: number;
  private readonly maxInFlight: number;
  private readonly slots: SlotLayout;
  private readonly buffers = new Lender<WindowBuffer>([]);
  private readonly handles: Lender<number>;
  private readonly runner: PassRunner;
  private readonly assembler: WindowAssembler;
  private readonly profile: PassProfile;
  private made = 0;
  private failure: unknown = null;
  /** Results waiting for their turn to be handed over, with the promise of their cache write. */
  private readonly waiting = new Map<number, { result: TileResult; written: Promise<void> }>();
  private nextDelivery = 0;
  private delivered = 0;
  private delivery = Promise.resolve();
  private assembly = Promise.resolve();
  private readonly jobs: Promise<void>[] = [];
  private readonly releases: Promise<void>[] = [];

  constructor(
    private readonly ctx: RunContext,
    private readonly setup: TilePassSetup,
    private readonly tiles: PassTile[],
    private readonly options: TilePassOptions,
  ) {
    const { scene, session } = ctx;
    const nHandles = scene.handles.length;
    this.nBands = ctx.nDates + ctx.nStatic;
    this.nFeatures = setup.nDates + (setup.useStatics ? setup.nStatic : 0);
    this.maxInFlight = Math.max(1, options.maxInFlight ?? session.threads + nHandles);
    this.slots = slotLayout(setup, tiles, this.nBands, options.windows?.cache);
    this.handles = new Lender<number>(Array.from({ length: nHandles }, (_v, i) => nHandles - 1 - i));
    this.runner = session.runner.begin(setup);
    this.assembler = new WindowAssembler(scene, ctx.layout, this.nBands);
    this.profile = emptyProfile(options.label, tiles.length, session.threads, nHandles, scene.byteView !== undefined);
  }

  async run(): Promise<PassProfile> {
    const started = performance.now();
    const cpuAtStart = process.cpuUsage();
    for (let i = 0; i < this.tiles.length && !this.failure; i++) {
      let buffer: WindowBuffer, handle: number;
      try {
        buffer = await this.nextBuffer();
        handle = await this.handles.acquire();
      } catch {
        break; // the pass failed; the failure is thrown below
      }
      this.profile.maxInFlight = Math.max(this.profile.maxInFlight, this.buffers.lent);
      this.profile.maxConcurrentReads = Math.max(this.profile.maxConcurrentReads, this.handles.lent);
      const read = this.planRead(i, buffer);
      const reading = this.startRead(read, handle);
      this.assembly = this.assembly.then(() => this.assembleAndDispatch(read, reading)).catch(this.fail);
    }
    await this.assembly;
    await Promise.all(this.jobs);
    await this.delivery;
    await Promise.allSettled(this.releases);
    if (this.failure) throw this.failure;
    // Every buffer is back (a buffer that went to a worker and back is a new object over the same memory).
    this.ctx.session.buffers.keep(this.buffers.drain());
    this.profile.wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuAtStart);
    this.profile.cpuMs = (cpu.user + cpu.system) / 1000;
    return this.profile;
  }

  private readonly fail = (err: unknown): void => {
    this.failure ??= err;
    this.buffers.fail(err);
    this.handles.fail(err);
  };

  /** Buffers are made on demand up to maxInFlight, then only lent and returned. */
  private nextBuffer(): Promise<WindowBuffer> {
    if (this.made < this.maxInFlight && this.buffers.available === 0) {
      this.made++;
      this.buffers.add(this.ctx.session.buffers.take(this.slots.bufferBytes, this.ctx.session.threads > 1));
    }
    return this.buffers.acquire();
  }

  /** Where tile `index` comes from (the cache or the file) and where it goes in `buffer`. */
  private planRead(index: number, buffer: WindowBuffer): TileRead {
    const tile = this.tiles[index];
    const use = this.options.windows;
    const { featureSlots, key } = this.slots;
    const planes = new Float32Array(buffer.buffer, buffer.offset, tile.window.width * tile.window.height * this.nBands);
    const cached = use !== undefined && tile.layoutIndex >= 0 && use.cache.has(tile.layoutIndex);
    // Features in the cache under this pass's smoothing are read with the window; a sample pass
    // that stores its windows smooths every node into the slot, to store them too.
    const featuresReady = cached && featureSlots !== null && featureSlots.smoothedKey(tile.layoutIndex) === key;
    const fills = !cached && featureSlots !== null && tile.layoutIndex >= 0 && this.setup.mode === 'sample' && use?.store === true && use.storeFeatures;
    const slot = featureSlots && (featuresReady || fills) ? new Float32Array(buffer.buffer, buffer.offset, featureSlots.slotBytes / 4) : null;
    if (cached) this.profile.cachedWindows++;
    if (featuresReady) this.profile.cachedFeatures++;
    return { index, tile, buffer, planes, cached, featuresReady, fills, slot };
  }

  /** Starts reading the tile's cell or window (or its cache slot) on `handle`, which it gives back when done. */
  private startRead(r: TileRead, handle: number): Promise<void> {
    const started = performance.now();
    const { scene } = this.ctx;
    const reading = r.cached
      ? this.options.windows!.cache.get(r.tile.layoutIndex, r.featuresReady ? r.slot! : r.planes)
      : (this.options.readRect ?? readRectInto)(scene, r.tile.read, r.planes, r.tile.window, handle);
    const read = reading.finally(() => {
      this.profile.readMs += performance.now() - started;
      this.handles.release(handle);
    });
    read.catch(() => {}); // surfaced through `assembly`
    return read;
  }

  /** In tile order: the halo strips once the read is in, then the job to the runner. */
  private async assembleAndDispatch(r: TileRead, reading: Promise<void>): Promise<void> {
    await reading;
    if (this.failure) throw this.failure;
    const { tile } = r;
    if (tile.layoutIndex >= 0 && !r.cached) {
      const t0 = performance.now();
      await this.assembler.assemble(tile.layoutIndex, r.planes, (read) => this.withHandle(read));
      this.profile.assembleMs += performance.now() - t0;
    }
    const job: TileJob = { index: r.index, window: tile.window, core: tile.core, planes: r.planes, offer: tile.offer };
    if (r.slot) {
      const at = r.buffer.offset + this.slots.featureSlots!.windowBytes;
      job.smoothedCore = new Float32Array(r.buffer.buffer, at, tile.core.width * tile.core.height * this.nFeatures);
      job.smoothedReady = r.featuresReady;
    }
    this.options.beforeJob?.(tile, job);
    this.jobs.push(this.runner.run(job).then((result) => this.jobDone(r, result), this.fail));
  }

  private async withHandle<T>(read: (handle: number) => Promise<T>): Promise<T> {
    const h = await this.handles.acquire();
    try {
      return await read(h);
    } finally {
      this.handles.release(h);
    }
  }

  /**
   * A job is back: its window (gaps restored) goes to the window cache from here, straight
   * from the buffer, while other tiles compute; the result waits for its turn.
   */
  private jobDone(r: TileRead, result: TileResult): void {
    for (const k of Object.keys(this.profile.job) as (keyof TileStageTimes)[]) this.profile.job[k] += result.times[k];
    const use = this.options.windows;
    const store = use?.store === true && r.tile.layoutIndex >= 0 && !r.cached;
    const slotOut = r.fills ? new Float32Array(result.planes.buffer, result.planes.byteOffset, this.slots.featureSlots!.slotBytes / 4) : result.planes;
    const written = store ? use!.cache.put(r.tile.layoutIndex, slotOut, r.fills ? this.slots.key : null) : Promise.resolve();
    this.waiting.set(r.index, { result, written });
    this.handOver();
  }

  /** Hands waiting results to `onResult`: in tile order when the pass is ordered, else as they come. */
  private handOver(): void {
    for (;;) {
      const k = this.options.ordered ? this.nextDelivery : this.waiting.keys().next().value;
      const next = k === undefined ? undefined : this.waiting.get(k);
      if (next === undefined || k === undefined) return;
      this.waiting.delete(k);
      this.nextDelivery++;
      this.delivery = this.delivery.then(() => this.deliver(k, next.result, next.written)).catch(this.fail);
    }
  }

  private async deliver(index: number, result: TileResult, written: Promise<void>): Promise<void> {
    try {
      if (this.failure) return;
      const t0 = performance.now();
      await this.options.onResult(this.tiles[index], result, index);
      this.profile.deliverMs += performance.now() - t0;
      this.options.reporter.progress(this.options.label, ++this.delivered, this.tiles.length);
    } finally {
      // The window comes back only now (and once the window cache has it): a slow consumer
      // (a writer) holds back the reads instead of letting results pile up, so results count
      // against maxInFlight too. (A buffer that went to a worker and back is a new
      // ArrayBuffer object over the same memory.)
      const release = written.then(() => this.buffers.release({ buffer: result.planes.buffer, offset: result.planes.byteOffset }));
      this.releases.push(release);
      release.catch(this.fail);
    }
  }
}
