import type { Provenance } from '../io/sources/types.js';
import type { PlottedCluster, TimeAxis } from './regimePlots.js';

/**
 * The parts of the statistics sidecar (`OUT.stats.json`, see stats.schema.json)
 * that the plots and the HTML report read. Everything they show comes from it,
 * so the same artefacts can be drawn again from a sidecar file.
 */
export interface ReportSidecar {
  command: string;
  software: Record<string, string>;
  inputs: {
    scene: {
      path: string;
      width: number;
      height: number;
      crs: { name: string | null; epsg: number | null; geographic: boolean };
      pixelSizeMetres: (number | null)[];
      dates: string[] | null;
      dayOffsets: number[];
      missingMarkers?: string[];
      /** What the scene argument was read as (product, grid, CRS, dates, units, sign). */
      provenance?: Provenance;
    };
    statics: { path: string; layers: string[]; onGrid: boolean; warpReason: string | null }[];
  };
  parameters: Record<string, unknown>;
  featureNames: string[];
  quality: Record<string, unknown>;
  validPixels: number;
  timingsSeconds: Record<string, number>;
  outputs: Record<string, string>;
  clusters: {
    label: number;
    name: string;
    colour: string;
    count: number;
    share: number | null;
    areaKm2: number | null;
    velocityMmPerYear: number | null;
    displacement: { mean: (number | null)[]; std: (number | null)[] };
    static: Record<string, { mean: number | null; std: number | null }>;
  }[];
}

/** The regimes as the plots take them. */
export function plottedClusters(sidecar: ReportSidecar): PlottedCluster[] {
  return sidecar.clusters.map((c) => ({
    label: c.label,
    name: c.name,
    colour: c.colour,
    count: c.count,
    mean: c.displacement.mean,
    std: c.displacement.std,
    statics: c.static,
  }));
}

/** The time axis of the scene. */
export function timeAxis(sidecar: ReportSidecar): TimeAxis {
  return { dayOffsets: sidecar.inputs.scene.dayOffsets, dates: sidecar.inputs.scene.dates };
}

/** Names of the static layers the regimes have statistics for, in the scene's order. */
export function staticLayerNames(sidecar: ReportSidecar): string[] {
  return Object.keys(sidecar.clusters[0]?.static ?? {});
}
