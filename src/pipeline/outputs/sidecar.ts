import type { ClusterSummary } from '../../report/clusterSummary.js';
import { SIDECAR_SCHEMA, SIDECAR_VERSION, type Rounded, type StatsSidecar } from '../../report/statsSidecar.js';
import type { ModelFile } from '../modelFile.js';
import type { RunContext } from '../session.js';

export interface SidecarInput {
  ctx: RunContext;
  model: ModelFile;
  clusters: ClusterSummary[];
  validPixels: number;
  /** Mean squared distance of every labelled pixel to its centre (scaled units). */
  fullInertia: number;
  timings: Record<string, number>;
  outputs: Record<string, string>;
  software: Record<string, string>;
  command: string;
}

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);
const round = (v: number, digits = 6): Rounded => (Number.isFinite(v) ? Number(v.toPrecision(digits + 3)) : null);

function mapBox(gt: number[], b: NonNullable<ClusterSummary['bboxPixels']>) {
  const xs = [b.minCol, b.maxCol + 1].map((c) => gt[0] + c * gt[1]);
  const ys = [b.minRow, b.maxRow + 1].map((r) => gt[3] + r * gt[5]);
  return { xmin: Math.min(...xs), ymin: Math.min(...ys), xmax: Math.max(...xs), ymax: Math.max(...ys) };
}

/**
 * The statistics sidecar of a run (`OUT.stats.json`, {@link StatsSidecar}; stats.schema.json
 * documents every field). `parameters` uses the CLI option names so
 * `smoothcluster run --config OUT.stats.json` can reproduce a run.
 */
export function buildSidecar(input: SidecarInput): StatsSidecar {
  const { ctx, model, clusters } = input;
  const { scene } = ctx;
  const o = ctx.options;
  const featureCentroid = (c: number) => {
    const centre = model.centres[c];
    return Object.fromEntries(
      model.featureNames.map((name, f) => {
        const s = model.scaler.scale[f];
        return [name, round(s > 0 ? centre[f] / s + model.scaler.offset[f] : model.scaler.offset[f])];
      }),
    );
  };
  const sidecar: StatsSidecar = {
    schema: SIDECAR_SCHEMA,
    schemaVersion: SIDECAR_VERSION,
    command: input.command,
    software: input.software,
    inputs: {
      scene: {
        path: scene.path,
        width: scene.width,
        height: scene.height,
        dateBands: scene.dateBands,
        crs: { name: scene.facts.crsName, epsg: scene.facts.epsg, geographic: scene.facts.geographic },
        geoTransform: scene.facts.geoTransform,
        pixelSizeMetres: ctx.pixelSizeMetres.map((v) => round(v)),
        dates: scene.dates,
        dayOffsets: Array.from(scene.dayOffsets),
        missingMarkers: scene.facts.missingMarkers,
        georeferenced: scene.facts.geoTransform !== null,
        ...(scene.facts.geoTransform === null
          ? { pixelSpace: 'no georeferencing (--allow-ungeoreferenced): distances, pixel sizes and areas are in pixels, counted as 1 m per pixel' }
          : {}),
        ...(scene.provenance ? { provenance: scene.provenance } : {}),
      },
      statics: scene.statics.map((s) => ({ path: s.path, layers: s.names, onGrid: s.onGrid, warpReason: s.warpReason })),
    },
    parameters: {
      scene: scene.path,
      static: o.features.statics,
      radius: o.graph.radius,
      connectivity: o.graph.connectivity,
      weights: o.graph.weights,
      sigma: ctx.graph.sigma,
      fanout: o.graph.fanout,
      maxMissing: o.graph.maxMissing,
      hops: o.smoothing.hops,
      alpha: o.smoothing.alpha,
      aggregate: o.smoothing.aggregate,
      features: o.features.features,
      staticWeight: o.features.staticWeight,
      k: model.k,
      batchSize: o.cluster.batchSize,
      warmStart: o.cluster.warmStart,
      testFraction: o.cluster.testFraction,
      maxEpochs: o.cluster.maxEpochs,
      restarts: o.cluster.restarts,
      sampleSize: o.cluster.sampleSize,
      sampleCells: o.cluster.sampleCells ?? 0,
      seed: o.cluster.seed,
      tileSize: o.execution.tileSize,
      crs: o.source?.crs ?? null,
      dates: o.source?.dates ?? null,
    },
    seed: o.cluster.seed,
    featureNames: model.featureNames,
    scaling: { rule: model.scalingRule, offset: model.scaler.offset, scale: model.scaler.scale },
    labelOrder: model.orderRule,
    labelNodata: 255,
    quality: {
      trainInertia: finiteOrNull(model.quality.trainInertia),
      testInertia: model.quality.testInertia === null ? null : finiteOrNull(model.quality.testInertia),
      fullInertia: finiteOrNull(input.fullInertia),
      inertiaUnits: 'mean squared distance to the nearest centre, scaled feature units',
      nTrain: model.quality.nTrain,
      nTest: model.quality.nTest,
      steps: model.quality.steps,
      epochs: model.quality.epochs,
      stopReason: model.quality.stopReason,
      ...(model.quality.runTrainInertias ? { runTrainInertias: model.quality.runTrainInertias.map(finiteOrNull), chosenRun: model.quality.chosenRun } : {}),
    },
    validPixels: input.validPixels,
    timingsSeconds: input.timings,
    outputs: input.outputs,
    clusters: clusters.map((c) => ({
      label: c.label,
      name: c.name,
      colour: c.colour,
      count: c.count,
      share: round(c.share),
      areaKm2: round(c.areaKm2),
      velocityMmPerYear: round(c.velocity),
      centreVelocityMmPerYear: round(model.centreVelocities[c.label]),
      bbox: c.bboxPixels && scene.facts.geoTransform ? { pixels: c.bboxPixels, map: mapBox(scene.facts.geoTransform, c.bboxPixels) } : c.bboxPixels ? { pixels: c.bboxPixels } : null,
      centroid: featureCentroid(c.label),
      displacement: {
        unit: 'mm',
        mean: c.displacement.mean.map((v) => round(v)),
        std: c.displacement.std.map((v) => round(v)),
        n: c.displacement.n,
      },
      static: Object.fromEntries(scene.staticNames.map((name, s) => [name, { mean: round(c.statics.mean[s]), std: round(c.statics.std[s]) }])),
    })),
  };
  return sidecar;
}
