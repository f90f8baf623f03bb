import type { TileStageTimes } from './tileJob.js';

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

/** A profile with nothing counted yet. */
export function emptyProfile(label: string, tiles: number, threads: number, handles: number): PassProfile {
  return {
    label, tiles, threads, handles, wallMs: 0, cpuMs: 0, readMs: 0, assembleMs: 0,
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
    `  read (GDAL decode, summed over concurrent reads)  ${s(p.readMs)}${p.cachedWindows ? ` (${p.cachedWindows} of ${p.tiles} windows from the cache of decoded windows, ${p.cachedFeatures} with their smoothed features)` : ''}`,
    `  halo strips (main thread)                         ${s(p.assembleMs)}`,
    `  tile function, summed over threads: nodes and gaps ${s(j.nodes)}, graph ${s(j.graph)}, smooth ${s(j.smooth)}, ` +
      `assign ${s(j.assign)}, statistics ${s(j.stats)}, sample rows ${s(j.gather)}`,
    `  results (main thread: sample heaps, label writes, sums)  ${s(p.deliverMs)}`,
  ].join('\n');
}
