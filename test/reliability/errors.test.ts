import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readBand } from '../helpers/readRaster.js';
import { runCli } from '../helpers/runCli.js';
import { testRandom } from '../helpers/testRandom.js';
import { tempDir, writeTinyStack } from '../helpers/tinyRasters.js';
import { ensureBuilt, expectOneClearMessage, gdalTool, runBinWithoutPrivileges, synthScene } from './helpers.js';

/**
 * The catalogue of bad inputs (issue 6): each gets ONE message that names the
 * file or option, says what was expected and what was found and what to do,
 * never a stack trace; exit 1 (usage errors 2); and nothing is written.
 */

let dir: string, out: string, outDir: string, scene: string, statics: string;
const DATES = ['2020-01-01', '2020-01-13', '2020-01-25', '2020-02-06', '2020-02-18', '2020-03-01', '2020-03-13', '2020-03-25'];

/** A 30 x 20 stack with two regimes (a trend on the left, none on the right) and noise. */
function regimeValue(seed: number) {
  const rnd = testRandom(seed);
  const noise = Array.from({ length: DATES.length * 600 }, () => rnd() - 0.5);
  return (b: number, c: number, r: number) => (c < 15 ? -3 * b : 0.2 * b) + noise[b * 600 + r * 30 + c];
}

function stack(name: string, o: Parameters<typeof writeTinyStack>[1] = {}): string {
  const p = join(dir, name);
  writeTinyStack(p, { width: 30, height: 20, dates: DATES, value: regimeValue(1), ...o });
  return p;
}

beforeAll(async () => {
  dir = tempDir('sc-errors-');
  ({ displacement: scene, static: statics } = await synthScene(join(dir, 'synth')));
});

beforeEach(() => {
  outDir = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  mkdirSync(outDir);
  out = join(outDir, 'regimes.tif');
});

/** Nothing at all appeared in the output folder (no output, no temporary). */
const expectNothingWritten = () => expect(readdirSync(outDir)).toEqual([]);

describe('files that are not a usable scene', () => {
  it('a missing file: says it does not exist and where relative paths start', async () => {
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, join(dir, 'nope.tif'), ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, "scene '", "nope.tif' does not exist", 'Check the path');
    }
    expectNothingWritten();
  });

  it('a directory: expected a raster file', async () => {
    const r = await runCli('run', dir, '--out', out);
    expectOneClearMessage(r, 1, `'${dir}' is a directory`, 'expected a raster file');
    expectNothingWritten();
  });

  it('a text file named .tif: says it is text and shows how it starts', async () => {
    const p = join(dir, 'notes.tif');
    writeFileSync(p, 'date,displacement\n2020-01-01,3.2\n');
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, p, ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, "notes.tif' is not a raster GDAL can read", "a text file starting 'date,displacement'", 'Expected a GeoTIFF');
    }
    expectNothingWritten();
  });

  it('a PNG renamed .tif: refused as a PNG image, not clustered as a one-band scene', async () => {
    const png = join(dir, 'quicklook.png');
    gdalTool('gdal_translate', ['-of', 'PNG', '-b', '1', '-ot', 'Byte', '-scale', scene, png]);
    const p = join(dir, 'quicklook.tif');
    renameSync(png, p);
    rmSync(`${png}.aux.xml`, { force: true });
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, p, ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, "quicklook.tif' is named like a GeoTIFF but is a PNG image", 'export the stack as GeoTIFF');
    }
    expectNothingWritten();
  });

  it('an empty file: says it is empty', async () => {
    const p = join(dir, 'empty.tif');
    writeFileSync(p, '');
    const r = await runCli('run', p, '--out', out);
    expectOneClearMessage(r, 1, "empty.tif' is empty (0 bytes)");
    expectNothingWritten();
  });

  // Cut in the header, in the directory, and in the pixel data at several points.
  it.each([4, 100, 0.1, 0.5, 0.99])('a TIFF cut short (at %s of its bytes): says it is incomplete and how far it got', async (at) => {
    const full = readFileSync(scene);
    const n = at < 1 ? Math.floor(full.length * at) : at;
    const p = join(dir, `cut-${n}.tif`);
    writeFileSync(p, full.subarray(0, n));
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, p, ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, `cut-${n}.tif' is incomplete or damaged`, `the file has only ${n} bytes`, 'cut short');
    }
    expectNothingWritten();
  });

  // Header bytes: byte order, the magic number (42 -> BigTIFF's 43), the first directory's offset.
  it.each([
    ['byte order', 0, 0x58],
    ['magic number', 2, 43],
    ['first directory offset, low byte', 4, 0xff],
    ['first directory offset, high byte', 7, 0x7f],
  ])('a TIFF with a flipped header byte (%s): a clear refusal naming the file', async (_what, offset, value) => {
    const bytes = Buffer.from(readFileSync(scene));
    bytes[offset as number] = value as number;
    const p = join(dir, `flip-${offset}.tif`);
    writeFileSync(p, bytes);
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, p, ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, `flip-${offset}.tif'`, /is incomplete or damaged|is a damaged TIFF|is not a raster GDAL can read|could not be read/);
    }
    expectNothingWritten();
  });

  it('a corrupted block in the pixel data: names the file and the pixels, not a GDAL stack', async () => {
    // A DEFLATE file whose compressed pixel data is overwritten in the middle:
    // it opens fine (the directory is intact) and fails when that block is decoded.
    const deflate = join(dir, 'deflate.tif');
    gdalTool('gdal_translate', ['-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', scene, deflate]);
    const bytes = Buffer.from(readFileSync(deflate));
    const at = Math.floor(bytes.length * 0.6);
    bytes.fill(0xa5, at, at + 256);
    const p = join(dir, 'corrupt.tif');
    writeFileSync(p, bytes);
    const r = await runCli('run', p, '--out', out, '--quiet');
    expectOneClearMessage(r, 1, "scene '", "corrupt.tif' could not be read at columns", 'GDAL says:', 'damaged or incomplete');
    expectNothingWritten();
  });
});

describe('scenes the method cannot use as they are', () => {
  it('no georeferencing: refused, naming the flag that allows it', async () => {
    const p = join(dir, 'noref.tif');
    gdalTool('gdal_translate', [scene, p]);
    gdalTool('gdal_edit.py', ['-unsetgt', '-a_srs', '', p]);
    const r = await runCli('run', p, '--out', out);
    expectOneClearMessage(r, 1, "noref.tif' has no georeferencing", 'gdal_edit.py -a_srs', '--allow-ungeoreferenced');
    expectNothingWritten();
  });

  it('no georeferencing with --allow-ungeoreferenced: runs in pixel space, warns, and the sidecar says so', async () => {
    const p = join(dir, 'noref2.tif');
    gdalTool('gdal_translate', [scene, p]);
    gdalTool('gdal_edit.py', ['-unsetgt', '-a_srs', '', p]);
    const r = await runCli('run', p, '--out', out, '--allow-ungeoreferenced', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: scene '.*noref2\.tif' has no georeferencing; working in pixel space/);
    const sidecar = JSON.parse(readFileSync(join(outDir, 'regimes.stats.json'), 'utf8'));
    expect(sidecar.inputs.scene.georeferenced).toBe(false);
    expect(sidecar.inputs.scene.pixelSpace).toMatch(/in pixels/);
    expect(sidecar.inputs.scene.geoTransform).toBeNull();
    // The same scene georeferenced has a sidecar that says it is.
    const geo = await runCli('run', scene, '--out', join(outDir, 'geo.tif'), '--quiet');
    expect(geo.code).toBe(0);
    expect(JSON.parse(readFileSync(join(outDir, 'geo.stats.json'), 'utf8')).inputs.scene).toMatchObject({ georeferenced: true });
  });

  it('a static raster that does not overlap the scene: both extents in the message', async () => {
    const far = join(dir, 'far.tif');
    gdalTool('gdal_translate', ['-a_ullr', '100000', '6000000', '101920', '5998400', statics, far]);
    const r = await runCli('run', scene, '--static', far, '--out', out);
    expectOneClearMessage(r, 1, "static raster '", "far.tif' does not overlap the scene", /it covers x 100000\.\.101920/, 'Give a static raster for the same area');
    expectNothingWritten();
  });

  it('a static raster with a different band count than the model expects', async () => {
    const model = join(dir, 'with-statics.model.json');
    const fit = await runCli('fit', scene, '--static', statics, '--model-out', model, '--overwrite', '--quiet');
    expect(fit.code, fit.stderr).toBe(0);
    const oneLayer = join(dir, 'one-layer.tif');
    gdalTool('gdal_translate', ['-b', '1', statics, oneLayer]);
    const r = await runCli('predict', scene, '--model', model, '--static', oneLayer, '--out', out);
    const nModel = JSON.parse(readFileSync(model, 'utf8')).staticNames.length;
    expectOneClearMessage(r, 1, "with-statics.model.json' does not fit scene", `the model uses ${nModel} static layers`, 'the run gives 1', 'fit a new model');
    expectNothingWritten();
  });

  it('a single-band raster given as the scene (a velocity map): not a time series, with where it belongs', async () => {
    const p = stack('velocity.tif', { dates: ['2020-01-01'] });
    const r = await runCli('run', p, '--out', out, '--quiet');
    expectOneClearMessage(r, 1, "velocity.tif' has 1 data band; expected a displacement time series", 'give it with --static');
    expect((await runCli('info', p)).code).toBe(0); // info still describes it
    expectNothingWritten();
  });

  it('a raster whose only band is alpha: no data band, named', async () => {
    const p = join(dir, 'alpha-only.tif');
    gdalTool('gdal_translate', ['-b', '1', '-colorinterp_1', 'alpha', scene, p]);
    for (const cmd of ['info', 'run']) {
      const r = await runCli(cmd, p, ...(cmd === 'run' ? ['--out', out] : []));
      expectOneClearMessage(r, 1, "alpha-only.tif' has only an alpha band (band 1), no data band");
    }
    expectNothingWritten();
  });

  it('all pixels missing: no valid pixel, with what to check', async () => {
    const p = stack('all-missing.tif', { value: () => NaN });
    const r = await runCli('run', p, '--out', out, '--quiet');
    expectOneClearMessage(r, 1, "all-missing.tif' has no valid pixel", '--max-missing 0.2', 'Check the nodata value');
    expectNothingWritten();
  });

  it('fewer valid pixels than k: says how many there are', async () => {
    const p = stack('three-valid.tif', { value: (b, c, r) => (r === 0 && c < 3 ? b * c : NaN) });
    const r = await runCli('run', p, '--out', out, '--k', '4', '--quiet');
    expectOneClearMessage(r, 1, '--k 4: the scene has only 3 training pixels', 'use a smaller --k');
    expectNothingWritten();
  });

  it('+-Infinity values: treated as missing with one warning (run and info) saying how many and where; labels as if they were NaN', async () => {
    const value = regimeValue(2);
    const broken = (b: number, c: number, r: number) => (b === 3 && r === 4 && c >= 5 && c < 9 ? Infinity : b === 5 && r === 7 && c === 2 ? -Infinity : value(b, c, r));
    const asNaN = (b: number, c: number, r: number) => (Number.isFinite(broken(b, c, r)) ? broken(b, c, r) : NaN);
    const inf = stack('inf.tif', { value: broken });
    const nan = stack('nan.tif', { value: asNaN });
    const a = await runCli('run', inf, '--out', out, '--quiet');
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^warning: 5 values are \+-Infinity \(the first in band 4 \(2020-02-06\) of scene '.*inf\.tif', column 5, row 4\); they are treated as missing\. .*mark them as nodata/),
    ]);
    const info = await runCli('info', inf);
    expect(info.code).toBe(0);
    expect(info.stderr).toMatch(/^warning: 5 values are \+-Infinity \(the first in band 4 \(2020-02-06\)/);
    const b = await runCli('run', nan, '--out', join(outDir, 'nan.tif'), '--quiet');
    expect(b.code).toBe(0);
    expect(b.stderr).toBe('');
    expect(Buffer.from(readBand(out).data).equals(Buffer.from(readBand(join(outDir, 'nan.tif')).data))).toBe(true);
  });

  it('constant (zero-variance) features: nothing to separate, refused with the value found', async () => {
    const p = stack('constant.tif', { value: () => 3 });
    const r = await runCli('run', p, '--out', out, '--quiet');
    expectOneClearMessage(r, 1, "constant.tif': every feature is constant", 'each pixel is [3, 3, 3, ...]', 'fill value is marked as nodata');
    expectNothingWritten();
  });

  it('band descriptions that are not dates: falls back to band numbers with one warning', async () => {
    // Band descriptions and DATE items live in the GDAL_METADATA tag: rewrite them through a VRT.
    const vrt = join(dir, 'no-dates.vrt');
    gdalTool('gdal_translate', ['-of', 'VRT', scene, vrt]);
    writeFileSync(vrt, readFileSync(vrt, 'utf8').replace(/<Description>[^<]*<\/Description>/g, '<Description>displacement</Description>').replace(/<MDI key="DATE">[^<]*<\/MDI>/g, ''));
    const plain = join(dir, 'no-dates-plain.tif');
    gdalTool('gdal_translate', [vrt, plain]);
    const r = await runCli('run', plain, '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^warning: scene '.*no-dates-plain\.tif': 16 of 16 bands have no acquisition date .*\(e\.g\. band 1: 'displacement'\); using band numbers as time steps\. Name bands by date/),
    ]);
    const sidecar = JSON.parse(readFileSync(join(outDir, 'regimes.stats.json'), 'utf8'));
    expect(sidecar.inputs.scene.dates).toBeNull();
    expect(sidecar.featureNames[0]).toBe('band_1');
  });
});

describe('options out of range', () => {
  it.each([
    [['--k', '1'], '--k must be a whole number from 2 to 254; got 1'],
    [['--k', '255'], '--k must be a whole number from 2 to 254; got 255'],
    [['--hops', '-1'], '--hops must be a whole number from 0 to 1000; got -1'],
    [['--alpha', '1.5'], "--alpha must be from 0 to 1 (the weight of a pixel's own value); got 1.5"],
    [['--alpha', '-0.1'], "--alpha must be from 0 to 1 (the weight of a pixel's own value); got -0.1"],
    [['--radius', '0'], '--radius must be a whole number from 1 to 64; got 0'],
    [['--k', 'four'], '--k must be a whole number from 2 to 254; got a value that is not a number'],
    [['--k'], '--k needs a value'],
    [['--wieghts', 'idw'], 'unknown option --wieghts (did you mean --weights?)'],
    [['--weights', 'cubic'], '--weights must be one of "uniform", "idw", "gaussian"; got "cubic"'],
    [['--connectivity', '6'], '--connectivity must be one of 4, 8; got 6'],
  ])('%j: a usage error (exit 2) that names the option, the range and the value', async (args, message) => {
    const r = await runCli('run', scene, '--out', out, ...args);
    expectOneClearMessage(r, 2, message);
    expect(r.stderr).toContain('Run `smoothcluster run --help` for usage.');
    expectNothingWritten();
  });
});

describe('model files', () => {
  it.each([
    ['notes.json', 'not json at all', 'is not JSON, so it is not a smoothcluster model'],
    ['other.json', '{"type": "FeatureCollection", "features": []}', 'is not a smoothcluster model (no "format": "smoothcluster-model")'],
  ])('%s: a file that is not a model is named, with where a model comes from', async (name, content, message) => {
    const p = join(dir, name);
    writeFileSync(p, content);
    const r = await runCli('predict', scene, '--model', p, '--out', out);
    expectOneClearMessage(r, 1, `--model '${p}' ${message}`, 'smoothcluster fit --model-out');
    expectNothingWritten();
  });

  it('a model file that does not exist: named', async () => {
    const p = join(dir, 'missing.json');
    const r = await runCli('predict', scene, '--model', p, '--out', out);
    expectOneClearMessage(r, 1, `--model '${p}'`, /does not exist|cannot be read/);
    expectNothingWritten();
  });

  it('a GeoTIFF given as the model: not JSON, so not a model', async () => {
    const r = await runCli('predict', scene, '--model', scene, '--out', out);
    expectOneClearMessage(r, 1, 'is not JSON, so it is not a smoothcluster model');
    expectNothingWritten();
  });

  it('a model from another feature layout: says what differs', async () => {
    const model = join(dir, 'sixteen-dates.model.json');
    expect((await runCli('fit', scene, '--model-out', model, '--overwrite', '--quiet')).code).toBe(0);
    const eight = stack('eight-dates.tif');
    const r = await runCli('predict', eight, '--model', model, '--out', out);
    expectOneClearMessage(r, 1, "sixteen-dates.model.json' does not fit scene", 'the model has 16 dates, the scene 8', 'fit a new model on it');
    expectNothingWritten();
  });
});

describe('output locations', () => {
  it('an output folder that does not exist: says to create it', async () => {
    const r = await runCli('run', scene, '--out', join(outDir, 'missing', 'regimes.tif'));
    expectOneClearMessage(r, 1, `--out: the folder '${join(outDir, 'missing')}'`, 'does not exist', 'mkdir -p');
    expectNothingWritten();
  });

  it('an existing output without --overwrite: kept, byte for byte', async () => {
    writeFileSync(out, 'last week');
    const r = await runCli('run', scene, '--out', out);
    expectOneClearMessage(r, 1, `--out: '${out}' already exists; it is kept`, 'Pass --overwrite');
    expect(readFileSync(out, 'utf8')).toBe('last week');
    expect(readdirSync(outDir)).toEqual(['regimes.tif']);
  });

  it('--out naming the scene itself: refused before it could replace the input', async () => {
    const own = join(outDir, 'scene.tif');
    copyFileSync(scene, own);
    const before = readFileSync(own);
    const r = await runCli('run', own, '--out', join(outDir, '.', 'scene.tif'), '--overwrite');
    expectOneClearMessage(r, 1, "is also an input ('", 'writing it would destroy that input');
    expect(readFileSync(own).equals(before)).toBe(true);
    expect(readdirSync(outDir)).toEqual(['scene.tif']);
  });

  it('--out naming a folder: expected a file name', async () => {
    mkdirSync(join(outDir, 'regimes.tif'));
    const r = await runCli('run', scene, '--out', join(outDir, 'regimes.tif'), '--overwrite');
    expectOneClearMessage(r, 1, 'is a directory; expected a file name such as regimes.tif');
  });

  it('an output folder that is not writable: refused before any work, nothing written', async () => {
    // The real executable, subject to permission bits even when the tests run as root.
    ensureBuilt();
    const src = join(outDir, 'scene.tif');
    copyFileSync(scene, src);
    chmodSync(outDir, 0o555);
    try {
      const r = await runBinWithoutPrivileges(['run', src, '--out', out]);
      expectOneClearMessage({ code: r.code ?? -1, stderr: r.stderr }, 1, `--out: the folder '${outDir}' is not writable`, 'Choose another output folder');
      expect(r.stderr).not.toMatch(/sample pass/);
      expect(readdirSync(outDir)).toEqual(['scene.tif']);
    } finally {
      chmodSync(outDir, 0o755);
    }
  });

  it('a scene the user may not read: permission denied, named', async () => {
    ensureBuilt();
    const src = join(outDir, 'secret.tif');
    copyFileSync(scene, src);
    chmodSync(src, 0o000);
    const r = await runBinWithoutPrivileges(['run', src, '--out', out]);
    expectOneClearMessage({ code: r.code ?? -1, stderr: r.stderr }, 1, `scene '${src}' cannot be read (permission denied)`, 'fix its permissions');
    expect(readdirSync(outDir)).toEqual(['secret.tif']);
  });
});
