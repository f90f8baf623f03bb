import { Ajv } from 'ajv';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex, spatialCoherence } from '../src/cluster/metrics.js';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import schema from '../src/report/stats.schema.json' with { type: 'json' };
import { readAllBands, readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

// A scene whose size is not a multiple of any tile size tried, so tiles have ragged edges.
const W = 130, H = 110;
let dir: string, scene: string, statics: string, truth: string;

beforeAll(async () => {
  dir = tempDir('sc-e2e-');
  const { files } = await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: W, height: H, nDates: 30, seed: 3 }, false, silentReporter);
  ({ displacement: scene, static: statics, truth } = files);
});

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('the CLI surface', () => {
  it('lists commands and option defaults in --help', async () => {
    const top = await runCli('--help');
    expect(top.code).toBe(0);
    for (const cmd of ['info', 'run', 'fit', 'predict', 'smooth', 'synth']) expect(top.stdout).toContain(`smoothcluster ${cmd}`);
    const run = await runCli('run', '--help');
    expect(run.stdout).toMatch(/--hops[^\n]*\[default: 3\]/);
    expect(run.stdout).toMatch(/--weights[^[]*\[choices: "uniform", "idw", "gaussian"\]/);
  });

  it('answers bad usage with exit 2 and bad input with exit 1, naming the option or file', async () => {
    const unknown = await runCli('run', scene, '--out', join(dir, 'x.tif'), '--bogus', '1');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/bogus/);
    const k1 = await runCli('run', scene, '--out', join(dir, 'x.tif'), '--k', '1');
    expect(k1.code).toBe(2);
    expect(k1.stderr).toMatch(/--k must be a whole number from 2 to 254; got 1/);
    const alpha = await runCli('run', scene, '--out', join(dir, 'x.tif'), '--alpha', '1.5');
    expect(alpha.code).toBe(2);
    const missing = await runCli('run', join(dir, 'nope.tif'), '--out', join(dir, 'x.tif'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.tif' does not exist/);
    expect(missing.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(join(dir, 'x.tif'))).toBe(false);
  });
});

describe('info', () => {
  it('reports grid, CRS, dates, gaps and static layers, also as JSON', async () => {
    const text = await runCli('info', scene, '--static', statics);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('EPSG:25833');
    expect(text.stdout).toMatch(/dates\s+30 from 2019-01-04/);
    expect(text.stdout).toContain('on the scene grid');
    const json = JSON.parse((await runCli('info', scene, '--json')).stdout);
    expect(json).toMatchObject({ width: W, height: H, bands: 30, dataType: 'Float32', crs: { epsg: 25833, geographic: false } });
    expect(json.pixelSizeMetres[0]).toBeCloseTo(40, 6);
    expect(json.extentLonLat.south).toBeGreaterThan(69.2);
    expect(json.extentLonLat.north).toBeLessThan(69.6);
    expect(json.validShare.estimate).toBeGreaterThan(0.5);
    expect(json.validShare.estimate).toBeLessThan(1);
  });
});

describe('a geographic (lon/lat) scene at 78 N', () => {
  it('reports ground pixel sizes in metres and clusters it the same for any tile size', async () => {
    const geo = join(dir, 'geo');
    expect((await runCli('synth', '--preset', 'svalbard', geo, '--width', 70, '--height', 60, '--dates', 24, '--crs', 4326, '--quiet')).code).toBe(0);
    const info = JSON.parse((await runCli('info', join(geo, 'displacement.tif'), '--json')).stdout);
    expect(info.crs).toMatchObject({ epsg: 4326, geographic: true });
    // 40 m ground pixels: in degrees the width is ~4.8 times the height at 78.2 N
    expect(info.pixelSizeMetres[0]).toBeCloseTo(40, 0);
    expect(info.pixelSizeMetres[1]).toBeCloseTo(40, 0);
    expect(info.geoTransform[1] / -info.geoTransform[5]).toBeGreaterThan(4.5);
    expect(info.extentLonLat.south).toBeGreaterThan(78.1);
    const outs = [16, 512].map((t) => join(geo, `labels${t}.tif`));
    for (const [i, t] of [16, 512].entries()) {
      const r = await runCli('run', join(geo, 'displacement.tif'), '--out', outs[i], '--tile-size', t, '--weights', 'gaussian', '--quiet');
      expect(r.code, r.stderr).toBe(0);
    }
    expect(Buffer.from(readBand(outs[0]).data).equals(Buffer.from(readBand(outs[1]).data))).toBe(true);
    const sidecar = JSON.parse(readFileSync(join(geo, 'labels512.stats.json'), 'utf8'));
    const area = sidecar.clusters.reduce((a: number, c: { areaKm2: number }) => a + c.areaKm2, 0);
    expect(area).toBeCloseTo(sidecar.validPixels * 0.0016, 2); // 40 m x 40 m pixels
    expect(sidecar.parameters.sigma).toBeCloseTo(40, 0);
  });
});

describe('run', () => {
  it('writes a georeferenced classified COG, RAT and a sidecar that follows its schema', async () => {
    const out = join(dir, 'run.tif');
    const r = await runCli('run', scene, '--static', statics, '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const labels = readBand(out);
    const input = readBand(scene);
    expect(labels.geoTransform).toEqual(input.geoTransform);
    expect(labels.epsg).toBe('25833');
    expect(labels.nodata).toBe(255);
    const t = readBand(truth).data;
    for (let i = 0; i < labels.data.length; i++) {
      const l = labels.data[i];
      expect(l === 255 || l < 4).toBe(true);
      if (t[i] === 255) expect(l).toBe(255); // no coverage, no label
    }
    const sidecar = JSON.parse(readFileSync(join(dir, 'run.stats.json'), 'utf8'));
    expect(validate(sidecar), JSON.stringify(validate.errors)).toBe(true);
    expect(sidecar.clusters).toHaveLength(4);
    const velocities = sidecar.clusters.map((c: { centreVelocityMmPerYear: number }) => c.centreVelocityMmPerYear);
    expect([...velocities].sort((a, b) => a - b)).toEqual(velocities); // label 0 = most negative
    const counted = sidecar.clusters.reduce((a: number, c: { count: number }) => a + c.count, 0);
    expect(counted).toBe(Array.from(labels.data).filter((l) => l !== 255).length);
    expect(sidecar.clusters[0].displacement.mean).toHaveLength(30);
    expect(Object.keys(sidecar.clusters[0].static)).toEqual(['height', 'mean_velocity', 'temporal_coherence', 'amplitude_dispersion']);
    expect(sidecar.clusters[0].name).toMatch(/^0: -?\d+\.\d mm\/yr, \d+\.\d %$/);
    expect(existsSync(`${out}.aux.xml`)).toBe(true);
    expect(readFileSync(`${out}.aux.xml`, 'utf8')).toContain(sidecar.clusters[2].name);
  });

  it('gives bit-identical labels for any tile size, and identical files on a repeated run', async () => {
    const outs = [64, 100, 512].map((t) => join(dir, `tiles${t}.tif`));
    for (const [i, t] of [64, 100, 512].entries()) {
      const r = await runCli('run', scene, '--out', outs[i], '--tile-size', t, '--quiet', '--fanout', 5, '--weights', 'idw');
      expect(r.code, r.stderr).toBe(0);
    }
    const ref = readBand(outs[2]).data;
    for (const o of outs.slice(0, 2)) expect(Buffer.from(readBand(o).data).equals(Buffer.from(ref))).toBe(true);
    const again = join(dir, 'again.tif');
    await runCli('run', scene, '--out', again, '--tile-size', 100, '--quiet', '--fanout', 5, '--weights', 'idw');
    expect(readFileSync(again).equals(readFileSync(outs[1]))).toBe(true);
  });

  it('keeps an existing output unless --overwrite, and leaves no temporary files', async () => {
    const out = join(dir, 'run.tif');
    const before = readFileSync(out);
    const r = await runCli('run', scene, '--out', out, '--quiet', '--k', 3);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists; it is kept\. Pass --overwrite/);
    expect(readFileSync(out).equals(before)).toBe(true);
    const o = await runCli('run', scene, '--out', out, '--quiet', '--k', 3, '--overwrite');
    expect(o.code).toBe(0);
    expect(readBand(out).data.some((l: number) => l === 2)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('what smoothing buys', () => {
  it('recovers the true regimes better, and in more coherent patches, with --hops 3 than with --hops 0', async () => {
    const scores: Record<number, { ari: number; coherence: number }> = {};
    for (const hops of [0, 3]) {
      const out = join(dir, `hops${hops}.tif`);
      expect((await runCli('run', scene, '--out', out, '--hops', hops, '--quiet')).code).toBe(0);
      const labels = readBand(out).data as Uint8Array;
      scores[hops] = { ari: adjustedRandIndex(readBand(truth).data, labels, 255), coherence: spatialCoherence(labels, W, H, 255) };
    }
    expect(scores[3].ari, JSON.stringify(scores)).toBeGreaterThan(scores[0].ari + 0.08);
    expect(scores[3].ari).toBeGreaterThan(0.75);
    expect(scores[3].coherence, JSON.stringify(scores)).toBeGreaterThan(scores[0].coherence + 0.08);
  });
});

describe('the bundled samples', () => {
  for (const preset of ['lyngen', 'nordnes', 'svalbard']) {
    it(`${preset}: run with its static layers finds regimes that match the truth`, async () => {
      const sample = join('data-samples', preset);
      const out = join(dir, `sample-${preset}.tif`);
      const r = await runCli('run', join(sample, 'displacement.tif'), '--static', join(sample, 'static.tif'), '--out', out, '--quiet');
      expect(r.code, r.stderr).toBe(0);
      const sidecar = JSON.parse(readFileSync(join(dir, `sample-${preset}.stats.json`), 'utf8'));
      expect(validate(sidecar), JSON.stringify(validate.errors)).toBe(true);
      expect(sidecar.inputs.scene.dates).toHaveLength(123);
      const labels = readBand(out);
      expect(labels.epsg).toBe('25833');
      expect(adjustedRandIndex(readBand(join(sample, 'truth.tif')).data, labels.data, 255)).toBeGreaterThan(0.45);
    });
  }
});

describe('fit + predict and smooth', () => {
  it('predict with the fitted model gives the labels of run', async () => {
    const model = join(dir, 'model.json');
    expect((await runCli('fit', scene, '--model-out', model, '--quiet', '--seed', 9)).code).toBe(0);
    const viaModel = join(dir, 'predicted.tif');
    const p = await runCli('predict', scene, '--model', model, '--out', viaModel, '--quiet', '--tile-size', 64);
    expect(p.code, p.stderr).toBe(0);
    const direct = join(dir, 'direct.tif');
    await runCli('run', scene, '--out', direct, '--quiet', '--seed', 9);
    expect(Buffer.from(readBand(viaModel).data).equals(Buffer.from(readBand(direct).data))).toBe(true);
  });

  it('predict on a stack of the same layout but other dates works, and says the dates differ', async () => {
    const model = join(dir, 'model.json'); // fitted above on 30 dates from 2019-01-04
    const { files } = await writeSynthScene(join(dir, 'later'), { preset: 'lyngen', width: 60, height: 50, nDates: 30, seed: 4, startDate: '2021-06-01' }, false, silentReporter);
    const r = await runCli('predict', files.displacement, '--model', model, '--out', join(dir, 'later.tif'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/was fitted on other acquisition dates: 30 of 30 differ \(the first: 2019-01-04 in the model, 2021-06-01 in/);
    const same = await runCli('predict', scene, '--model', model, '--out', join(dir, 'same-dates.tif'));
    expect(same.stderr).not.toMatch(/other acquisition dates/);
  });

  it('predict names what differs when the scene does not fit the model', async () => {
    const model = join(dir, 'model-static.json');
    expect((await runCli('fit', scene, '--static', statics, '--model-out', model, '--quiet')).code).toBe(0);
    const r = await runCli('predict', scene, '--model', model, '--out', join(dir, 'bad.tif'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/does not fit scene .* the model uses 4 static layers \(height, mean_velocity.*Pass them with --static/);
    const notModel = await runCli('predict', scene, '--model', scene, '--out', join(dir, 'bad.tif'));
    expect(notModel.code).toBe(1);
    expect(notModel.stderr).toMatch(/is not JSON, so it is not a smoothcluster model/);
  });

  it('smooth writes named feature bands, identical for any tile size', async () => {
    const a = join(dir, 'smooth64.tif'), b = join(dir, 'smooth512.tif');
    expect((await runCli('smooth', scene, '--static', statics, '--out', a, '--tile-size', 64, '--radius', 2, '--quiet')).code).toBe(0);
    expect((await runCli('smooth', scene, '--static', statics, '--out', b, '--radius', 2, '--quiet')).code).toBe(0);
    const info = readBand(a);
    expect(info.bandCount).toBe(34);
    expect(info.descriptions[0]).toBe('2019-01-04');
    expect(info.descriptions[33]).toBe('amplitude_dispersion');
    const [A, B] = [readAllBands(a), readAllBands(b)];
    for (let i = 0; i < A.length; i++) expect(Buffer.from(A[i].buffer).equals(Buffer.from(B[i].buffer))).toBe(true);
    // smoothing changes values (not a copy of the input)
    const raw = readAllBands(scene)[10];
    let differ = 0;
    for (let p = 0; p < raw.length; p++) if (Number.isFinite(raw[p]) && raw[p] !== A[10][p]) differ++;
    expect(differ).toBeGreaterThan(raw.length / 4);
    expect(statSync(a).size).toBeGreaterThan(0);
  });
});
