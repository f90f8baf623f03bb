import type { WeightName } from '../graph/weights.js';
import type { SourceOverrides } from '../io/sources/types.js';

/** How the pixel graph is built. */
export interface GraphOptions {
  radius: number;
  connectivity: 4 | 8;
  weights: WeightName;
  /** Gaussian sigma in metres; null: the pixel size. */
  sigma: number | null;
  fanout: number | null;
  maxMissing: number;
}

export interface SmoothingOptions {
  hops: number;
  alpha: number;
  aggregate: 'mean' | 'sum';
}

export type FeatureMode = 'dyn' | 'dyn+static';
export const FEATURE_MODES: FeatureMode[] = ['dyn', 'dyn+static'];
export const AGGREGATES: SmoothingOptions['aggregate'][] = ['mean', 'sum'];

export interface FeatureOptions {
  statics: string[];
  features: FeatureMode;
  staticWeight: number;
}

export interface ClusterOptions {
  k: number;
  batchSize: number;
  warmStart: number;
  testFraction: number;
  maxEpochs: number;
  /** Complete mini-batch fits (each from one k-means++ seeding) from different seeds; the lowest training inertia is kept. */
  restarts: number;
  /** Training pixels kept (a bounded sample drawn uniformly over all valid pixels). */
  sampleSize: number;
  /** Draw the sample within this many hash-chosen cells of the pixel grid (0 or absent: over every node). */
  sampleCells?: number;
  seed: number;
}

export interface ExecutionOptions {
  tileSize: number;
  overwrite: boolean;
  allowUngeoreferenced: boolean;
  /** Worker threads for smoothing, scaling and assignment; default every core. 1 runs them on the main thread. */
  threads?: number;
  /** Print where the time of each pass goes (stderr). */
  profile?: boolean;
  /**
   * Keep the decoded windows (and, for `run`, their smoothed features) in a scratch file in
   * TMPDIR between passes, when there is room: about twice the scene's uncompressed size.
   * Off by default: a run then needs no scratch space, and on slow disks writing the cache
   * costs more than decoding again (BENCHMARKS.md, sessions 7 and 8).
   */
  windowCache?: boolean;
}

export interface MethodOptions {
  graph: GraphOptions;
  smoothing: SmoothingOptions;
  features: FeatureOptions;
  cluster: ClusterOptions;
  execution: ExecutionOptions;
  /** How the SCENE argument is read: `--crs`, `--dates` (none: as the product states). */
  source?: SourceOverrides;
}

/** Defaults, stated once: the CLI shows these in --help and the sidecar records what was used. */
export const DEFAULTS = {
  radius: 1,
  connectivity: 8 as 4 | 8,
  weights: 'uniform' as WeightName,
  fanout: null as number | null,
  maxMissing: 0.2,
  hops: 3,
  alpha: 0.5,
  aggregate: 'mean' as 'mean' | 'sum',
  staticWeight: 1,
  k: 4,
  batchSize: 256,
  warmStart: 25_600,
  testFraction: 0.2,
  maxEpochs: 20,
  restarts: 5,
  sampleSize: 102_400,
  sampleCells: 0,
  seed: 0,
  /** Matches the common 256 x 256 GeoTIFF block, so each block is decoded once per pass. */
  tileSize: 256,
};
