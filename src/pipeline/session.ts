/**
 * One command's run: the RunSession (what the command owns while it runs, closed in one
 * place) and the RunContext every pass derives from its scene and options. A command
 * starts with {@link withRun} (or {@link withSession}, to make several contexts).
 */
import { UserError } from '../errors.js';
import { pixelSizeAtRow } from '../graph/groundDistance.js';
import type { Window } from '../io/readWindow.js';
import type { Scene } from '../io/scene.js';
import { openSourceScene } from '../io/sources/openSourceScene.js';
import { withTilePixels, type Reporter } from '../reporter.js';
import { haloWidth } from '../smooth/smoothTile.js';
import type { GraphParams, SmoothParams } from '../smooth/types.js';
import type { TileMode, TilePassSetup, TileStageTimes } from './engine/tileJob.js';
import { cellShape, layoutKeyOf, tileLayout, type TileLayout } from './engine/tileLayout.js';
import { DirectIo, WindowBuffers, WindowCache, type WindowCacheUse } from './engine/windowCache.js';
import { defaultThreads, tileRunner, type TileRunner } from './engine/workerPool.js';
import type { MethodOptions } from './options.js';

/**
 * What a command's sample pass keeps in the window cache for the passes after it in the
 * same process: its decoded windows and the smoothed features of every node (`run`: the
 * predict pass then neither decodes nor smooths), the windows only (`sweep`: its next
 * sample pass smooths otherwise), or nothing (`fit`, a shard: no later pass reads them).
 * Each command states it once, when it opens its session.
 */
export type KeepBetweenPasses = 'windows and features' | 'windows' | 'nothing';

/** Scenes of at most this many pixels (64 x 64) run their tiles on the main thread. */
const IN_PROCESS_PIXELS = 64 * 64;

/**
 * Everything one command owns while it runs, created when it starts and closed once when
 * it ends ({@link withSession}): the open scene, the tile runner (a worker pool or the
 * in-process runner), the window buffers passed from pass to pass, the window cache and
 * the direct-I/O probe behind both, and the clock of the last pass. Passes reach it
 * through their RunContext; nothing of it lives in a module.
 */
export class RunSession {
  /** Worker threads of the tile work (1: in-process). */
  readonly threads: number;
  readonly runner: TileRunner;
  readonly buffers: WindowBuffers;
  private readonly directIo = new DirectIo();
  private cache: { key: string; cache: WindowCache | null } | null = null;
  private passEndedAt: number | null = null;
  /** Window caches being closed (freeing their disk space takes the kernel a while). */
  private readonly closing: Promise<void>[] = [];
  private closed = false;

  constructor(
    readonly scene: Scene,
    /** Worker threads asked for (1: in-process). */
    threads: number,
    readonly keep: KeepBetweenPasses,
    private readonly reporter: Reporter,
  ) {
    // Starting worker threads costs more than all the tiles of a tiny scene: those run in-process
    // (the same bits for any thread count), which matters to callers running many small commands.
    this.threads = scene.width * scene.height <= IN_PROCESS_PIXELS ? 1 : threads;
    this.runner = tileRunner(this.threads);
    this.buffers = new WindowBuffers(this.directIo);
  }

  /**
   * The window cache for `layout`, made on first use by a pass that stores (null when
   * TMPDIR has no room, with a note saying so; a note too when there is room for the
   * windows but not their features) and replaced when the layout changes.
   */
  private windowCacheFor(layout: TileLayout, bands: number, features: number, create: boolean): { cache: WindowCache | null; note: string | null } {
    const key = layoutKeyOf(layout);
    if (this.cache && this.cache.key === key) return { cache: this.cache.cache, note: null };
    if (!create || !layout.shifted) return { cache: null, note: null };
    if (this.cache?.cache) this.closing.push(this.cache.cache.close());
    const made = WindowCache.create(layout, bands, features, this.directIo);
    this.cache = { key, cache: made.cache };
    const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
    const roomier = '(set TMPDIR to a roomier disk to save that)';
    let note: string | null = null;
    if (!made.cache) note = `the temporary directory ${made.dir} lacks ${gb(made.bytes)} GB for decoded tiles, so the predict pass decodes the scene again ${roomier}`;
    else if (made.cache.smoothedBytes === 0) {
      note = `the temporary directory ${made.dir} lacks ${gb(made.fullBytes)} GB for decoded tiles and their smoothed features; it keeps the decoded tiles only (${gb(made.bytes)} GB), so the predict pass smooths again ${roomier}`;
    }
    return { cache: made.cache, note };
  }

  /** The cache a sample pass over `layout` uses: it stores what this command keeps (see {@link KeepBetweenPasses}). */
  cacheForSample(layout: TileLayout, bands: number, features: number, reporter: Reporter): WindowCacheUse | undefined {
    const store = this.keep !== 'nothing';
    const { cache, note } = this.windowCacheFor(layout, bands, features, store);
    if (note) reporter.info(note);
    return cache ? { cache, store, storeFeatures: this.keep === 'windows and features' && cache.smoothedBytes > 0 } : undefined;
  }

  /** The cache a later pass reads from (never stores into), if an earlier pass made one for `layout`. */
  cacheToRead(layout: TileLayout, bands: number, features: number): WindowCacheUse | undefined {
    const { cache } = this.windowCacheFor(layout, bands, features, false);
    return cache ? { cache, store: false, storeFeatures: false } : undefined;
  }

  /**
   * Called when no pass of the command follows (after the predict pass): the window cache's
   * space is freed in the background while the outputs are written, and the window buffers
   * are let go. Says so when the cache stopped storing part way (a full disk, a file size
   * limit), as the tiles it lacked were decoded again.
   */
  lastPassDone(): void {
    const have = this.cache?.cache;
    if (have?.stoppedBecause) {
      this.reporter.info(
        `the cache of decoded tiles in the temporary directory stopped after ${have.storedTiles} tiles (${have.stoppedBecause}); ` +
          'the other tiles were decoded again, so the run was slower, not different. Set TMPDIR to a roomier disk to save that.',
      );
    }
    this.letGo();
  }

  /** Frees the kept window buffers, and the window cache in the background (its close is awaited by {@link close}). */
  private letGo(): void {
    this.buffers.release();
    const have = this.cache?.cache;
    this.cache = null;
    if (have) this.closing.push(have.close());
  }

  /** Notes the end of a pass, so `--profile` can show the time between passes (the fit). */
  markPassEnded(): void {
    this.passEndedAt = performance.now();
  }

  /** Milliseconds since the last pass ended, or null before the first. */
  sincePassEnded(): number | null {
    return this.passEndedAt === null ? null : performance.now() - this.passEndedAt;
  }

  /** Ends the worker threads, frees the cache's disk space and the buffers, closes the scene. Once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      this.letGo();
      await Promise.all([this.runner.close(), ...this.closing]);
    } finally {
      this.directIo.close();
      this.scene.close();
    }
  }
}

/** Where the time of a pass went. Stage times are summed over threads, wall time is elapsed. */
export interface PassProfile {
  label: string;
  tiles: number;
  threads: number;
  handles: number;
  /** The scene is read through its byte view (a floating-point-predictor GeoTIFF: src/io/floatPredictorRead.ts). */
  byteView: boolean;
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

/** A profile with nothing counted yet. */
export function emptyProfile(label: string, tiles: number, threads: number, handles: number, byteView = false): PassProfile {
  return {
    label, tiles, threads, handles, byteView, wallMs: 0, cpuMs: 0, readMs: 0, assembleMs: 0,
    job: { nodes: 0, graph: 0, smooth: 0, gather: 0, assign: 0, stats: 0 }, deliverMs: 0, maxInFlight: 0, maxConcurrentReads: 0, cachedWindows: 0, cachedFeatures: 0,
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The profile as lines for `--profile` (stderr through the reporter). */
export function formatPassProfile(p: PassProfile): string {
  const j = p.job;
  return [
    `profile: ${p.label}: ${p.tiles} tiles in ${s(p.wallMs)} wall, ${s(p.cpuMs)} CPU (all threads), ${p.threads} thread${p.threads === 1 ? '' : 's'}, ${p.handles} read handles, ` +
      `at most ${p.maxInFlight} tile windows in flight and ${p.maxConcurrentReads} reads at once`,
    `  read (GDAL decode${p.byteView ? '; the predictor undone in WebAssembly (byte view)' : ''}, summed over concurrent reads)  ${s(p.readMs)}${p.cachedWindows ? ` (${p.cachedWindows} of ${p.tiles} windows from the cache of decoded windows, ${p.cachedFeatures} with their smoothed features)` : ''}`,
    `  halo strips (main thread)                         ${s(p.assembleMs)}`,
    `  tile function, summed over threads: nodes and gaps ${s(j.nodes)}, graph ${s(j.graph)}, smooth ${s(j.smooth)}, ` +
      `assign ${s(j.assign)}, statistics ${s(j.stats)}, sample rows ${s(j.gather)}`,
    `  results (main thread: sample heaps, label writes, sums)  ${s(p.deliverMs)}`,
  ].join('\n');
}

/** Everything a pass over the scene needs, derived once from the run's scene and the options. */
export interface RunContext {
  /** The command's resources (tile runner, buffers, window cache); see RunSession. */
  session: RunSession;
  scene: Scene;
  options: MethodOptions;
  graph: GraphParams;
  smoothing: SmoothParams;
  nDates: number;
  nStatic: number;
  useStatics: boolean;
  nFeatures: number;
  featureNames: string[];
  halo: number;
  /** The output tiles of every pass, row-major: the cores of `layout`. */
  tiles: Window[];
  /** How the passes read their tiles (block-aligned cells plus halo strips; see TileLayout). */
  layout: TileLayout;
  /** Ground size of a pixel at the scene centre, metres (x, y). */
  pixelSizeMetres: [number, number];
}

/** The run context of `options` on the session's scene (a sweep makes one per smoothing setting). */
export function prepareRun(session: RunSession, options: MethodOptions): RunContext {
  const { scene } = session;
  const useStatics = options.features.features === 'dyn+static';
  if (useStatics && scene.staticNames.length === 0) {
    throw new UserError('--features dyn+static needs static layers: pass them with --static FILE (or use --features dyn).');
  }
  const nDates = scene.dateBands.length;
  const nStatic = scene.staticNames.length;
  const pixelSizeMetres = pixelSizeAtRow(scene.grid, Math.floor(scene.height / 2));
  const g = options.graph;
  const graph: GraphParams = {
    radius: g.radius,
    connectivity: g.connectivity,
    weights: g.weights,
    sigma: g.sigma ?? Math.sqrt(pixelSizeMetres[0] * pixelSizeMetres[1]),
    fanout: g.fanout,
    seed: options.cluster.seed,
    rasterWidth: scene.width,
    rasterHeight: scene.height,
    grid: scene.grid,
  };
  const smoothing: SmoothParams = { ...options.smoothing };
  const dateNames = scene.dates ?? scene.dateBands.map((b) => `band_${b}`);
  const halo = haloWidth(graph, smoothing);
  const { tileSize } = options.execution;
  const layout = tileLayout(scene.width, scene.height, tileSize, halo, cellShape(scene.width, scene.height, tileSize, halo, scene.readBlock));
  return {
    session,
    scene,
    options,
    graph,
    smoothing,
    nDates,
    nStatic,
    useStatics,
    nFeatures: nDates + (useStatics ? nStatic : 0),
    featureNames: useStatics ? [...dateNames, ...scene.staticNames] : dateNames,
    halo,
    tiles: layout.tiles,
    layout,
    pixelSizeMetres,
  };
}

/** What every tile pass hands its tile function: the graph, smoothing and node rule of this run. */
export function passSetup(ctx: RunContext, mode: TileMode): TilePassSetup {
  return {
    mode,
    graph: ctx.graph,
    smoothing: ctx.smoothing,
    nDates: ctx.nDates,
    nStatic: ctx.nStatic,
    useStatics: ctx.useStatics,
    dayOffsets: ctx.scene.dayOffsets,
    maxMissing: ctx.options.graph.maxMissing,
  };
}

/** Opens the scene (and its static layers) for `options` as a {@link RunSession}; its owner closes it. */
export async function openSession(path: string, options: MethodOptions, reporter: Reporter, keep: KeepBetweenPasses): Promise<RunSession> {
  const scene = await openSourceScene(path, {
    statics: options.features.statics,
    warn: (m) => reporter.warn(m),
    allowUngeoreferenced: options.execution.allowUngeoreferenced,
    source: { ...options.source, info: (m) => reporter.info(m) },
  });
  if (!scene.facts.geoTransform) {
    reporter.warn(`scene '${path}' has no georeferencing; working in pixel space (--allow-ungeoreferenced): distances and areas are in pixels, and the outputs are not georeferenced.`);
  }
  try {
    // The window cache is opt-in (--window-cache): without it no pass keeps anything on disk.
    return new RunSession(scene, options.execution.threads ?? defaultThreads(), options.execution.windowCache ? keep : 'nothing', reporter);
  } catch (err) {
    scene.close();
    throw err;
  }
}

/**
 * Runs `body` with a {@link RunSession} on the scene of `options` and closes the session
 * whatever happens: the one place a command's resources end.
 */
export async function withSession<T>(path: string, options: MethodOptions, reporter: Reporter, keep: KeepBetweenPasses, body: (session: RunSession) => Promise<T>): Promise<T> {
  const session = await openSession(path, options, reporter, keep);
  try {
    return await body(session);
  } finally {
    await session.close();
  }
}

/**
 * {@link withSession} with the run context of `options` on its scene, and a reporter whose
 * pass progress carries pixel counts: what `run`, `fit`, `predict`, `smooth` and the stages start with.
 */
export function withRun<T>(path: string, options: MethodOptions, reporter: Reporter, keep: KeepBetweenPasses, body: (ctx: RunContext, passes: Reporter) => Promise<T>): Promise<T> {
  return withSession(path, options, reporter, keep, (session) => {
    const ctx = prepareRun(session, options);
    return body(ctx, withTilePixels(reporter, ctx.tiles));
  });
}

