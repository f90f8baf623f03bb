import type { GridGeometry } from '../graph/groundDistance.js';
import type { WeightName } from '../graph/weights.js';

/** A rectangle of pixels in global raster coordinates (column x0, row y0). */
export interface Rect {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** Feature values of a window of the raster, as read for one tile (core + halo). */
export interface FeatureTile {
  /** The window read (core + halo, clipped at raster edges), global coordinates. */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Values per pixel (dates, then static layers). */
  nFeatures: number;
  /** Pixel-interleaved: data[(r * width + c) * nFeatures + f]; node values already gap-filled. */
  data: Float32Array;
  /** 1 where the pixel is a node (width * height). */
  valid: Uint8Array;
}

/** How the pixel graph is built (see docs/DESIGN.md, method 2 and 3). */
export interface GraphParams {
  /** Window radius in pixels. */
  radius: number;
  /** 4 or 8; only used when radius is 1. */
  connectivity: 4 | 8;
  /** Edge weight function, a key of WEIGHT_FUNCTIONS. */
  weights: WeightName;
  /** Gaussian sigma in metres (ignored by the other weightings). */
  sigma: number;
  /** Keep at most this many neighbours per node, or null to keep all. */
  fanout: number | null;
  /** Seed of the neighbour sampling hash. */
  seed: number;
  /** Raster size: global pixel indices (for sampling) and edge clipping depend on it. */
  rasterWidth: number;
  rasterHeight: number;
  /** Pixel geometry, for ground distances. */
  grid: GridGeometry;
}

/** The H-hop smoothing (see docs/DESIGN.md, method 4). */
export interface SmoothParams {
  /** H, the number of hops; 0 returns the input unchanged. */
  hops: number;
  /** Weight of a node's own previous value. */
  alpha: number;
  /** 'mean': weights normalised to sum 1 over kept neighbours; 'sum': weighted sum as written. */
  aggregate: 'mean' | 'sum';
}
