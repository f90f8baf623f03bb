/**
 * `--config FILE`: options from JSON, YAML or a run's sidecar give exactly the run the same
 * flags give (labels compared pixel for pixel), flags override the file, and bad files get
 * a message naming the file (and the key).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

let dir: string, scene: string, statics: string;

beforeAll(async () => {
  dir = tempDir('sc-config-');
  const made = await runCli('synth', join(dir, 'scene'), '--preset', 'lyngen', '--width', 70, '--height', 58, '--dates', 24, '--seed', 4, '--quiet');
  expect(made.code).toBe(0);
  scene = join(dir, 'scene', 'displacement.tif');
  statics = join(dir, 'scene', 'static.tif');
});

const labels = (path: string) => Array.from(readBand(path).data as Uint8Array);
const stats = (path: string) => JSON.parse(readFileSync(path.replace(/\.tif$/, '.stats.json'), 'utf8'));

async function run(...argv: (string | number)[]) {
  const r = await runCli('run', ...argv, '--quiet');
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** Same labels bit for bit, same parameters and the same per-cluster statistics. */
function expectSameRun(a: string, b: string) {
  const la = labels(a);
  expect(la.some((v) => v !== 255)).toBe(true);
  expect(labels(b)).toEqual(la);
  const [sa, sb] = [stats(a), stats(b)];
  expect(sb.parameters).toEqual(sa.parameters);
  expect(sb.clusters.map((c: { count: number }) => c.count)).toEqual(sa.clusters.map((c: { count: number }) => c.count));
  expect(sb.quality.testInertia).toBe(sa.quality.testInertia);
}

describe('--config reproduces a run', () => {
  const flags = ['--k', 3, '--hops', 2, '--alpha', 0.35, '--seed', 9, '--max-missing', 0.3, '--connectivity', 4, '--weights', 'gaussian', '--tile-size', 32];
  let reference = '';

  beforeAll(async () => {
    reference = join(dir, 'flags.tif');
    await run(scene, '--out', reference, ...flags);
  });

  it('from a JSON file with camelCase keys', async () => {
    const config = join(dir, 'run.json');
    writeFileSync(config, JSON.stringify({ k: 3, hops: 2, alpha: 0.35, seed: 9, maxMissing: 0.3, connectivity: 4, weights: 'gaussian', tileSize: 32 }));
    await run(scene, '--out', join(dir, 'json.tif'), '--config', config);
    expectSameRun(reference, join(dir, 'json.tif'));
  });

  it('from a YAML file with kebab-case keys, the scene and the output named in it', async () => {
    const config = join(dir, 'run.yaml');
    writeFileSync(config, `# a run\nscene: ${scene}\nout: ${join(dir, 'yaml.tif')}\nk: 3\nhops: 2\nalpha: 0.35\nseed: 9\nmax-missing: 0.3\nconnectivity: 4\nweights: gaussian\ntile-size: 32\n`);
    const r = await runCli('run', '--config', config, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expectSameRun(reference, join(dir, 'yaml.tif'));
  });

  it('lets flags on the command line override the file', async () => {
    const config = join(dir, 'override.yml');
    writeFileSync(config, 'k: 5\nhops: 2\nalpha: 0.35\nseed: 9\nmax-missing: 0.3\nconnectivity: 8\nweights: gaussian\n');
    await run(scene, '--out', join(dir, 'override.tif'), '--config', config, '--k', 3, '--connectivity', 4, '--tile-size', 32);
    expectSameRun(reference, join(dir, 'override.tif'));
  });

  it("from a run's sidecar: every parameter, statics and the scene, bit-identical labels", async () => {
    const first = join(dir, 'first.tif');
    await run(scene, '--out', first, '--static', statics, '--static-weight', 0.5, '--k', 5, '--hops', 1, '--alpha', 0.6, '--fanout', 3, '--weights', 'idw', '--seed', 21, '--tile-size', 24, '--sample-size', 2000, '--batch-size', 64, '--warm-start', 800, '--test-fraction', 0.3, '--max-epochs', 7, '--restarts', 2);
    const sidecar = first.replace(/\.tif$/, '.stats.json');
    const again = join(dir, 'again.tif');
    await run('--config', sidecar, '--out', again); // no scene: the sidecar names it
    expectSameRun(first, again);
    expect(stats(again).parameters).toMatchObject({ k: 5, hops: 1, alpha: 0.6, fanout: 3, weights: 'idw', seed: 21, staticWeight: 0.5, features: 'dyn+static', sampleSize: 2000, restarts: 2 });
    expect(stats(again).quality.runTrainInertias).toHaveLength(2);
    expect(stats(again).quality.runTrainInertias[stats(again).quality.chosenRun]).toBe(stats(again).quality.trainInertia);
    expect(stats(again).parameters.static).toEqual([statics]);
    // Defaults that were recorded as null (no fanout) are defaults again.
    const plain = join(dir, 'plain.tif');
    await run(scene, '--out', plain, '--k', 3);
    const plainAgain = join(dir, 'plain-again.tif');
    await run('--config', plain.replace(/\.tif$/, '.stats.json'), '--out', plainAgain);
    expectSameRun(plain, plainAgain);
  });

  it('applies a sidecar to another scene given on the command line', async () => {
    const copy = join(dir, 'copy');
    mkdirSync(copy, { recursive: true });
    copyFileSync(scene, join(copy, 'displacement.tif'));
    await run(join(copy, 'displacement.tif'), '--config', reference.replace(/\.tif$/, '.stats.json'), '--out', join(dir, 'copy.tif'));
    expect(labels(join(dir, 'copy.tif'))).toEqual(labels(reference));
    expect(stats(join(dir, 'copy.tif')).parameters.scene).toBe(join(copy, 'displacement.tif'));
  });
});

describe('--config errors', () => {
  it('names an unknown key and the file (exit 2), and writes nothing', async () => {
    const config = join(dir, 'typo.yaml');
    writeFileSync(config, 'k: 4\nhop: 2\n');
    const r = await runCli('run', scene, '--out', join(dir, 'typo.tif'), '--config', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--config: '${config}' sets 'hop', which \`smoothcluster run\` does not take`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'typo.tif'))).toBe(false);
  });

  it('refuses a key the command does not take even if another command does', async () => {
    const config = join(dir, 'smooth.json');
    writeFileSync(config, JSON.stringify({ hops: 1, k: 4 }));
    const r = await runCli('smooth', scene, '--out', join(dir, 'smooth.tif'), '--config', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/sets 'k', which `smoothcluster smooth` does not take/);
  });

  it('says when the file is missing, unreadable as JSON/YAML, or not an object (exit 1)', async () => {
    const missing = await runCli('run', scene, '--out', join(dir, 'm.tif'), '--config', join(dir, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`--config: '${join(dir, 'nope.json')}' does not exist`);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"k": 4,');
    const bad = await runCli('run', scene, '--out', join(dir, 'm.tif'), '--config', broken);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/broken\.json' is not valid JSON/);
    const list = join(dir, 'list.yaml');
    writeFileSync(list, '- k: 4\n');
    const notObject = await runCli('run', scene, '--out', join(dir, 'm.tif'), '--config', list);
    expect(notObject.code).toBe(1);
    expect(notObject.stderr).toMatch(/must hold one object of options .* found a list/);
    const noValue = await runCli('run', scene, '--out', join(dir, 'm.tif'), '--config');
    expect(noValue.code).toBe(2);
  });

  it('checks values from the file like flags: a bad value is a usage error naming the option', async () => {
    const config = join(dir, 'alpha.json');
    writeFileSync(config, JSON.stringify({ alpha: 1.5 }));
    const r = await runCli('run', scene, '--out', join(dir, 'alpha.tif'), '--config', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--alpha must be from 0 to 1/);
  });

  it("says when a sidecar's scene has gone, and how to name one", async () => {
    const gone = join(dir, 'gone');
    await runCli('synth', gone, '--preset', 'lyngen', '--width', 30, '--height', 30, '--dates', 10, '--quiet');
    await run(join(gone, 'displacement.tif'), '--out', join(dir, 'gone.tif'), '--k', 2);
    const sidecar = join(dir, 'gone.stats.json');
    const moved = JSON.parse(readFileSync(sidecar, 'utf8'));
    moved.parameters.scene = join(gone, 'moved-away.tif');
    writeFileSync(sidecar, JSON.stringify(moved));
    const r = await runCli('run', '--config', sidecar, '--out', join(dir, 'gone2.tif'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the scene '.*moved-away\.tif' named in '.*gone\.stats\.json' does not exist/);
    expect(r.stderr).toMatch(/Give the scene on the command line/);
  });
});
