import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import schema from '../src/report/stats.schema.json' with { type: 'json' };
import type { SidecarCluster, SidecarParameters, SidecarQuality, SidecarScene, StatsSidecar } from '../src/report/statsSidecar.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

// The typed sidecar (src/report/statsSidecar.ts) and its JSON schema name the same fields:
// each list below is checked by the compiler to hold every field of the interface (a
// Record over its keys), and here against the schema and against a file a run wrote.

const every = <T>(fields: Record<keyof T, true>) => Object.keys(fields).sort();
const TOP = every<StatsSidecar>({
  schema: true, schemaVersion: true, command: true, software: true, inputs: true, parameters: true, seed: true, featureNames: true, scaling: true,
  labelOrder: true, labelNodata: true, quality: true, validPixels: true, timingsSeconds: true, outputs: true, clusters: true,
});
const SCENE = every<SidecarScene>({
  path: true, width: true, height: true, dateBands: true, crs: true, geoTransform: true, pixelSizeMetres: true, dates: true, dayOffsets: true,
  missingMarkers: true, georeferenced: true, pixelSpace: true, provenance: true,
});
const PARAMETERS = every<SidecarParameters>({
  scene: true, static: true, radius: true, connectivity: true, weights: true, sigma: true, fanout: true, maxMissing: true, hops: true, alpha: true,
  aggregate: true, features: true, staticWeight: true, k: true, batchSize: true, warmStart: true, testFraction: true, maxEpochs: true, restarts: true,
  sampleSize: true, sampleCells: true, seed: true, tileSize: true, crs: true, dates: true,
});
const QUALITY = every<SidecarQuality>({
  trainInertia: true, testInertia: true, fullInertia: true, inertiaUnits: true, nTrain: true, nTest: true, steps: true, epochs: true, stopReason: true,
  runTrainInertias: true, chosenRun: true,
});
const CLUSTER = every<SidecarCluster>({
  label: true, name: true, colour: true, count: true, share: true, areaKm2: true, velocityMmPerYear: true, centreVelocityMmPerYear: true, bbox: true,
  centroid: true, displacement: true, static: true,
});

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
}
const root = schema as SchemaNode;
const propertiesOf = (node: SchemaNode | undefined) => Object.keys(node?.properties ?? {}).sort();

describe('the typed sidecar and stats.schema.json', () => {
  it('name the same fields, and every field the schema requires is a field of the interface', () => {
    const scene = root.properties!.inputs.properties!.scene;
    const cluster = root.properties!.clusters.items!;
    expect(TOP).toEqual(propertiesOf(root));
    expect(SCENE).toEqual(propertiesOf(scene));
    expect(CLUSTER).toEqual(propertiesOf(cluster));
    expect(QUALITY).toEqual(expect.arrayContaining(propertiesOf(root.properties!.quality)));
    // The schema documents the parameters it constrains; the interface has each of them and every required one.
    expect(PARAMETERS).toEqual(expect.arrayContaining(propertiesOf(root.properties!.parameters)));
    for (const [node, fields] of [[root, TOP], [scene, SCENE], [cluster, CLUSTER], [root.properties!.quality, QUALITY], [root.properties!.parameters, PARAMETERS]] as const) {
      expect(fields).toEqual(expect.arrayContaining(node.required ?? []));
    }
  });

  describe('a sidecar a run writes', () => {
    let sidecar: StatsSidecar;
    beforeAll(async () => {
      const dir = tempDir('sc-sidecar-');
      const { files } = await writeSynthScene(join(dir, 'scene'), { preset: 'svalbard', width: 70, height: 60, nDates: 12, seed: 2 }, false, silentReporter);
      const r = await runCli('run', files.displacement, '--static', files.static, '--out', join(dir, 'run.tif'), '--k', 3, '--restarts', 2, '--threads', 1, '--quiet');
      expect(r.code, r.stderr).toBe(0);
      sidecar = JSON.parse(readFileSync(join(dir, 'run.stats.json'), 'utf8')) as StatsSidecar;
    });

    it('follows the schema', () => {
      const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
      expect(validate(sidecar), JSON.stringify(validate.errors)).toBe(true);
    });

    it('has the fields of the interface and no others', () => {
      const keys = (o: object) => Object.keys(o).sort();
      expect(keys(sidecar)).toEqual(TOP);
      expect(SCENE).toEqual(expect.arrayContaining(keys(sidecar.inputs.scene)));
      expect(keys(sidecar.parameters)).toEqual(PARAMETERS);
      expect(QUALITY).toEqual(expect.arrayContaining(keys(sidecar.quality)));
      expect(sidecar.quality.runTrainInertias).toHaveLength(2);
      for (const c of sidecar.clusters) expect(keys(c)).toEqual(CLUSTER);
    });
  });
});
