import type { PlottedCluster, TimeAxis } from './regimePlots.js';
import type { StatsSidecar } from './statsSidecar.js';

/** The regimes as the plots take them. */
export function plottedClusters(sidecar: StatsSidecar): PlottedCluster[] {
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
export function timeAxis(sidecar: StatsSidecar): TimeAxis {
  return { dayOffsets: sidecar.inputs.scene.dayOffsets, dates: sidecar.inputs.scene.dates };
}

/** Names of the static layers the regimes have statistics for, in the scene's order. */
export function staticLayerNames(sidecar: StatsSidecar): string[] {
  return Object.keys(sidecar.clusters[0]?.static ?? {});
}
