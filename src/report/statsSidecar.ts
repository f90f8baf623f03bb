import type { Provenance } from '../io/sources/types.js';
/**
 * The statistics sidecar (`OUT.stats.json`), schema `smoothcluster-stats` v1: the typed
 * form of src/report/stats.schema.json (test/sidecar-schema.test.ts holds the two to the
 * same fields). The pipeline writes it; the plots, map legend and HTML report are drawn
 * from it alone, so they can be drawn again from a sidecar file.
 */

export const SIDECAR_SCHEMA = 'smoothcluster-stats';
export const SIDECAR_VERSION = 1;

/** A value rounded for the file; null where it is not finite (e.g. no observation at a date). */
export type Rounded = number | null;

export interface SidecarScene {
  path: string;
  width: number;
  height: number;
  /** 1-based band numbers in time order. */
  dateBands: number[];
  crs: { name: string | null; epsg: number | null; geographic: boolean };
  geoTransform: number[] | null;
  /** Ground size (east-west, north-south) at the scene centre. */
  pixelSizeMetres: Rounded[];
  dates: string[] | null;
  dayOffsets: number[];
  missingMarkers?: string[];
  georeferenced?: boolean;
  /** Present only without georeferencing: distances and areas are in pixel units. */
  pixelSpace?: string;
  /** What the scene argument was read as (product, grid, CRS, dates, units, sign). */
  provenance?: Provenance;
}

export interface SidecarStatic {
  path: string;
  layers: string[];
  onGrid: boolean;
  warpReason: string | null;
}

/** Every parameter, named as the CLI options, so `run --config OUT.stats.json` repeats the run. */
export interface SidecarParameters {
  scene: string;
  static: string[];
  radius: number;
  connectivity: 4 | 8;
  weights: string;
  /** Gaussian sigma in metres actually used. */
  sigma: number;
  fanout: number | null;
  maxMissing: number;
  hops: number;
  alpha: number;
  aggregate: 'mean' | 'sum';
  features: 'dyn' | 'dyn+static';
  staticWeight: number;
  k: number;
  batchSize: number;
  warmStart: number;
  testFraction: number;
  maxEpochs: number;
  restarts: number;
  sampleSize: number;
  /** --sample-cells: cells of 256 x 256 pixels the sample was drawn within (0: every node). */
  sampleCells: number;
  seed: number;
  tileSize: number;
  /** `--crs` / `--dates` overrides, as given (null when not). */
  crs: string | null;
  dates: string | null;
}

export interface SidecarQuality {
  trainInertia: Rounded;
  testInertia: Rounded;
  fullInertia: Rounded;
  inertiaUnits: string;
  nTrain: number;
  nTest: number;
  steps: number;
  epochs: number;
  stopReason: string;
  runTrainInertias?: Rounded[];
  chosenRun?: number;
}

export interface SidecarCluster {
  label: number;
  /** Category name, e.g. '2: -27.8 mm/yr, 8.6 %'. */
  name: string;
  colour: string;
  count: number;
  share: Rounded;
  areaKm2: Rounded;
  velocityMmPerYear: Rounded;
  centreVelocityMmPerYear: Rounded;
  bbox: {
    pixels: { minCol: number; minRow: number; maxCol: number; maxRow: number };
    map?: { xmin: number; ymin: number; xmax: number; ymax: number };
  } | null;
  /** The cluster centre in feature units. */
  centroid: Record<string, Rounded>;
  displacement: { unit: 'mm'; mean: Rounded[]; std: Rounded[]; n: number[] };
  static: Record<string, { mean: Rounded; std: Rounded }>;
}

export interface StatsSidecar {
  schema: typeof SIDECAR_SCHEMA;
  schemaVersion: typeof SIDECAR_VERSION;
  command: string;
  software: Record<string, string>;
  inputs: { scene: SidecarScene; statics: SidecarStatic[] };
  parameters: SidecarParameters;
  seed: number;
  featureNames: string[];
  scaling: { rule: string; offset: number[]; scale: number[] };
  labelOrder: string;
  labelNodata: 255;
  quality: SidecarQuality;
  validPixels: number;
  timingsSeconds: Record<string, number>;
  outputs: Record<string, string>;
  clusters: SidecarCluster[];
}
