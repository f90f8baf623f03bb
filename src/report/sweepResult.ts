/**
 * What a sweep measured (src/pipeline/sweep computes it): the data the sweep table, CSV,
 * JSON and chart are drawn from. It lives with the report so the report needs no pipeline code.
 */

/** The values to try. */
export interface SweepGrid {
  k: number[];
  hops: number[];
  alpha: number[];
}

/** The scores of one (hops, alpha, k) combination. Inertias are in the setting's scaled units. */
export interface SweepRow {
  hops: number;
  /** null for hops 0: without smoothing alpha changes nothing, so that setting is evaluated once. */
  alpha: number | null;
  k: number;
  /** Mean squared distance of the held-out test rows to their nearest centre (scaled units). */
  testInertia: number;
  trainInertia: number;
  /** 1 - testInertia / (mean squared distance of the test rows to their mean): the share of variance the centres explain. */
  explainedShare: number;
  /** Mean silhouette of the first `silhouetteRows` test rows (-1..1, higher is better). */
  silhouette: number;
  /** Davies–Bouldin index of the test rows (0 is best). */
  daviesBouldin: number;
  /** Calinski–Harabasz index of the test rows (higher is better). */
  calinskiHarabasz: number;
  /** Share of 4-neighbour pairs with the same label in the coherence window (higher is smoother). */
  spatialCoherence: number;
  /** Share of test rows in the smallest cluster: a tiny one often means k is too large. */
  smallestClusterShare: number;
  epochs: number;
  stopReason: string;
}

export interface SweepRecommendation {
  /** The recommended combination; null when no row could be scored. */
  hops: number | null;
  alpha: number | null;
  k: number | null;
  /** The knee of test inertia over k, per (hops, alpha) setting. */
  kneeBySetting: { hops: number; alpha: number | null; knee: number | null }[];
  /** Why, in sentences a user can check against the table. */
  reasons: string[];
  rule: string;
}

export interface SweepResult {
  scene: string;
  grid: SweepGrid;
  /** One row per combination, ordered by hops, alpha, k. */
  rows: SweepRow[];
  recommendation: SweepRecommendation;
  evaluation: {
    validPixels: number;
    trainRows: number;
    testRows: number;
    silhouetteRows: number;
    coherenceWindow: { x0: number; y0: number; width: number; height: number };
    coherencePixels: number;
    /** Sample passes run: one per distinct (hops, alpha), never one per k. */
    samplePasses: number;
    description: string;
  };
  timingsSeconds: Record<string, number>;
}
