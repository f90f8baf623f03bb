import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBand } from '../helpers/readRaster.js';
import { runCli } from '../helpers/runCli.js';
import { tempDir } from '../helpers/tinyRasters.js';
import { ensureBuilt, expectOneClearMessage, ROOT, runBin, synthScene } from './helpers.js';
import { serveFiles, zipArchive, type FileServer } from './servers.js';

/**
 * No surprises with paths: spaces, non-ASCII and shell metacharacters in
 * names work for inputs and outputs; nothing is passed through a shell; GDAL
 * virtual paths work as inputs — /vsizip/ (a zipped scene), /vsicurl/ and
 * /vsis3/ (served from 127.0.0.1 by this test; the CLI runs as a child process
 * because GDAL's reads block the thread an in-process server would need).
 */

let dir: string, scene: string, statics: string, reference: Buffer, referenceWithStatics: Buffer, server: FileServer;
const RUN = ['--quiet', '--k', '4'];

async function labels(sceneArg: string, out: string, ...extra: string[]): Promise<Buffer> {
  const r = await runCli('run', sceneArg, '--out', out, ...RUN, ...extra);
  expect(r.code, r.stderr).toBe(0);
  return Buffer.from(readBand(out).data);
}

beforeAll(async () => {
  ensureBuilt();
  dir = tempDir('sc-paths-');
  ({ displacement: scene, static: statics } = await synthScene(join(dir, 'plain')));
  reference = await labels(scene, join(dir, 'plain', 'ref.tif'));
  referenceWithStatics = await labels(scene, join(dir, 'plain', 'ref-static.tif'), '--static', statics);
  server = await serveFiles({ '/data/displacement.tif': scene, '/data/static.tif': statics, '/bucket/scenes/displacement.tif': scene });
});

afterAll(async () => {
  await server?.close();
});

describe('file names', () => {
  it('spaces and non-ASCII letters in folders, inputs, statics, models and outputs', async () => {
    const folder = join(dir, 'Lyngen fjord – ÆØÅ æøå ü');
    mkdirSync(folder);
    const s = join(folder, 'forskyvning 2019 – Tromsø.tif');
    const st = join(folder, 'høyde (m) ° ñ.tif');
    writeFileSync(s, readFileSync(scene));
    writeFileSync(st, readFileSync(statics));
    const out = join(folder, 'utdata ø', 'regimer é ß.tif');
    mkdirSync(join(folder, 'utdata ø'));
    expect(await labels(s, out, '--static', st)).toEqual(referenceWithStatics);
    expect(readdirSync(join(folder, 'utdata ø'))).toEqual(expect.arrayContaining(['regimer é ß.tif', 'regimer é ß.tif.aux.xml', 'regimer é ß.stats.json']));
    const sidecar = JSON.parse(readFileSync(join(folder, 'utdata ø', 'regimer é ß.stats.json'), 'utf8'));
    expect(sidecar.inputs.scene.path).toBe(s);
    expect(sidecar.inputs.statics[0].path).toBe(st);
    const info = await runCli('info', s, '--static', st);
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`scene           ${s}`);
    const model = join(folder, 'modell ø.json');
    expect((await runCli('fit', s, '--static', st, '--model-out', model, ...RUN)).code).toBe(0);
    const predicted = join(folder, 'utdata ø', 'predikert å.tif');
    const p = await runCli('predict', s, '--static', st, '--model', model, '--out', predicted, '--quiet');
    expect(p.code, p.stderr).toBe(0);
    expect(Buffer.from(readBand(predicted).data)).toEqual(referenceWithStatics);
  });

  it('a relative path with spaces, from another working directory (the real executable)', async () => {
    const folder = join(dir, 'rel dir');
    mkdirSync(folder);
    writeFileSync(join(folder, 'my scene.tif'), readFileSync(scene));
    const r = await runBin(['run', 'my scene.tif', '--out', 'out put.tif', ...RUN], { cwd: folder });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(readBand(join(folder, 'out put.tif')).data)).toEqual(reference);
  });

  it("shell metacharacters in names are just names: nothing runs, the files are used", async () => {
    const folder = join(dir, 'meta');
    mkdirSync(folder);
    const nasty = "$(touch PWNED) `touch PWNED2`; echo 'x' | cat >PWNED3 & \"q\" *.tif";
    const s = join(folder, `${nasty}.tif`);
    writeFileSync(s, readFileSync(scene));
    const r = await runBin(['run', s, '--out', join(folder, `${nasty} out.tif`), ...RUN], { cwd: folder });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(readBand(join(folder, `${nasty} out.tif`)).data)).toEqual(reference);
    expect(readdirSync(folder).filter((n) => n.startsWith('PWNED'))).toEqual([]);
    expect(existsSync(join(ROOT, 'PWNED'))).toBe(false);
  });

  it('a local name with a colon is a file, not a GDAL driver prefix', async () => {
    const folder = join(dir, 'colon');
    mkdirSync(folder);
    const s = join(folder, 'scene 10:30.tif');
    writeFileSync(s, readFileSync(scene));
    expect(await labels(s, join(folder, 'out.tif'))).toEqual(reference);
    const missing = await runCli('run', join(folder, 'gone 10:30.tif'), '--out', join(folder, 'x.tif'));
    expectOneClearMessage(missing, 1, "gone 10:30.tif' does not exist");
  });
});

describe('nothing is passed through a shell', () => {
  /** Every source file of the product (src, bin). */
  function sources(d: string): string[] {
    return readdirSync(d).flatMap((n) => {
      const p = join(d, n);
      return statSync(p).isDirectory() ? sources(p) : /\.(ts|js|mjs)$/.test(n) ? [p] : [];
    });
  }

  it('src and bin never start processes, so no path can reach a shell', () => {
    const offenders = [...sources(join(ROOT, 'src')), ...sources(join(ROOT, 'bin'))]
      .filter((f) => /(from |require\(|import\()['"](node:)?child_process['"]|\bshell:\s*true/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });
});

describe('GDAL virtual paths as inputs', () => {
  it.each([
    ['stored', false],
    ['deflated', true],
  ])('/vsizip/: a %s scene inside a zip, with its static layer in the same zip', async (_how, deflate) => {
    const zip = join(dir, `scene ${deflate ? 'deflated' : 'stored'}.zip`);
    writeFileSync(zip, zipArchive([['inner dir/displacement.tif', readFileSync(scene)], ['inner dir/static.tif', readFileSync(statics)]], deflate));
    const s = `/vsizip/${zip}/inner dir/displacement.tif`;
    const info = await runCli('info', s, '--json');
    expect(info.code, info.stderr).toBe(0);
    expect(JSON.parse(info.stdout)).toMatchObject({ width: 48, height: 40, dataBands: 16 });
    expect(await labels(s, join(dir, `zip-${deflate}.tif`), '--static', `/vsizip/${zip}/inner dir/static.tif`)).toEqual(referenceWithStatics);
    const missing = await runCli('run', `/vsizip/${zip}/nope.tif`, '--out', join(dir, 'x.tif'));
    expectOneClearMessage(missing, 1, `scene '/vsizip/${zip}/nope.tif' could not be opened as a raster`, 'check the archive path and the file name inside it');
  });

  it('/vsicurl/: a scene and its static layer over HTTP (range requests on 127.0.0.1)', async () => {
    const before = server.requests.length;
    const out = join(dir, 'curl.tif');
    const env = { ...process.env, NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1', GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR' };
    const r = await runBin(['run', `/vsicurl/${server.url}/data/displacement.tif`, '--static', `/vsicurl/${server.url}/data/static.tif`, '--out', out, ...RUN], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(readBand(out).data)).toEqual(referenceWithStatics);
    const seen = server.requests.slice(before);
    expect(seen.some((q) => q.path === '/data/displacement.tif' && q.range)).toBe(true); // read in ranges, not downloaded whole
    const missing = await runBin(['info', `/vsicurl/${server.url}/data/nope.tif`], { env });
    expectOneClearMessage({ code: missing.code ?? -1, stderr: missing.stderr }, 1, `scene '/vsicurl/${server.url}/data/nope.tif' could not be opened as a raster`, 'HTTP', 'check the URL');
  });

  it('/vsis3/: a scene in an S3 bucket (an anonymous, path-style endpoint on 127.0.0.1)', async () => {
    const before = server.requests.length;
    const out = join(dir, 's3.tif');
    const env = {
      ...process.env,
      NO_PROXY: '127.0.0.1',
      no_proxy: '127.0.0.1',
      AWS_S3_ENDPOINT: server.host,
      AWS_HTTPS: 'NO',
      AWS_VIRTUAL_HOSTING: 'FALSE',
      AWS_NO_SIGN_REQUEST: 'YES',
      GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR',
    };
    const r = await runBin(['run', '/vsis3/bucket/scenes/displacement.tif', '--out', out, ...RUN], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(Buffer.from(readBand(out).data)).toEqual(reference);
    expect(server.requests.slice(before).some((q) => q.path === '/bucket/scenes/displacement.tif')).toBe(true);
  });
});
