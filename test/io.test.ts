import gdal from 'gdal-async';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromFile } from 'geotiff';
import { describe, expect, it, vi } from 'vitest';
import { openScene } from '../src/io/scene.js';
import { readRectInto, readWindowWithHalo } from '../src/io/readWindow.js';
import { FloatStackWriter } from '../src/io/writeFloatStack.js';
import { ClassifiedWriter, LABEL_NODATA } from '../src/io/writeClassified.js';
import { checkOutputsWritable } from '../src/io/atomicOutput.js';
import { parseDate } from '../src/io/dates.js';
import { UserError } from '../src/errors.js';
import { knownValue, tempDir, writeTinyStack } from './helpers/tinyRasters.js';

const W = 7, H = 5;
const NODATA = -9999;
/** Gaps of every kind: a nodata value, a NaN, and two pixels masked by the internal mask band. */
function gappedValue(b: number, c: number, r: number): number {
  if (b === 1 && c === 2 && r === 3) return NODATA;
  if (b === 2 && c === 6 && r === 0) return NaN;
  return knownValue(b, c, r);
}
const MASKED: [number, number][] = [[0, 0], [4, 2]];

function expected(b: number, c: number, r: number): number {
  if (MASKED.some(([mc, mr]) => mc === c && mr === r)) return NaN;
  const v = gappedValue(b, c, r);
  return v === NODATA ? NaN : v;
}

describe('scene reads', () => {
  const dir = tempDir();
  const path = join(dir, 'stack.tif');
  writeTinyStack(path, { nodata: NODATA, value: gappedValue, masked: MASKED, dates: ['2020-03-01', '2020-01-01', '2020-01-13', '2020-02-06'] });

  it('orders bands by acquisition date and reports how gaps are marked', () => {
    const scene = openScene(path);
    expect(scene.dates).toEqual(['2020-01-01', '2020-01-13', '2020-02-06', '2020-03-01']);
    expect(scene.dateBands).toEqual([2, 3, 4, 1]);
    expect([...scene.dayOffsets]).toEqual([0, 12, 36, 60]);
    expect(scene.facts.missingMarkers).toEqual(expect.arrayContaining(['nodata value', 'NaN', 'mask band']));
    expect(scene.facts.epsg).toBe(25833);
    scene.close();
  });

  it('window + halo reads equal the same pixels of a whole-raster read, every gap as NaN', async () => {
    const scene = openScene(path);
    const whole = await readWindowWithHalo(scene, { x0: 0, y0: 0, width: W, height: H }, 0);
    for (let d = 0; d < 4; d++) {
      const b = scene.dateBands[d] - 1;
      for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) {
        expect(whole.dynamic[d * W * H + r * W + c]).toBe(Math.fround(expected(b, c, r)));
      }
    }
    for (const [core, halo] of [[{ x0: 2, y0: 1, width: 3, height: 2 }, 1], [{ x0: 0, y0: 0, width: 2, height: 2 }, 2], [{ x0: 5, y0: 3, width: 2, height: 2 }, 3]] as const) {
      const part = await readWindowWithHalo(scene, core, halo, 1);
      const w = part.window;
      expect(w.x0).toBe(Math.max(0, core.x0 - halo));
      expect(w.x0 + w.width).toBe(Math.min(W, core.x0 + core.width + halo));
      for (let d = 0; d < 4; d++) for (let r = 0; r < w.height; r++) for (let c = 0; c < w.width; c++) {
        const got = part.dynamic[d * w.width * w.height + r * w.width + c];
        const want = whole.dynamic[d * W * H + (r + w.y0) * W + (c + w.x0)];
        expect(Object.is(got, want)).toBe(true);
      }
    }
    scene.close();
  });

  it('warps a static raster on another grid and CRS onto the scene grid', async () => {
    const staticPath = join(dir, 'static_4326.tif');
    // the scene's area in lon/lat, at a coarser resolution, value = latitude * 100
    const ds = gdal.drivers.get('GTiff').create(staticPath, 40, 40, 1, gdal.GDT_Float32);
    ds.geoTransform = [17.2, 0.02, 0, 69.6, 0, -0.01];
    ds.srs = gdal.SpatialReference.fromProj4('+proj=longlat +datum=WGS84 +no_defs');
    const data = new Float32Array(1600);
    for (let r = 0; r < 40; r++) for (let c = 0; c < 40; c++) data[r * 40 + c] = (69.6 - 0.01 * (r + 0.5)) * 100;
    ds.bands.get(1).pixels.write(0, 0, 40, 40, data);
    ds.close();
    const scene = openScene(path, { statics: [staticPath] });
    expect(scene.statics[0].onGrid).toBe(false);
    expect(scene.staticNames).toEqual(['static_4326']);
    const win = await readWindowWithHalo(scene, { x0: 0, y0: 0, width: W, height: H }, 0);
    // the scene's first row centre is at UTM33 (600070, 7699990) which is about 69.37 N
    const lat = win.statics[0] / 100;
    expect(lat).toBeGreaterThan(69.3);
    expect(lat).toBeLessThan(69.5);
    expect(Number.isFinite(win.statics[W * H - 1])).toBe(true);
    scene.close();
  });

  it('refuses a static raster that does not overlap the scene', () => {
    const far = join(dir, 'far.tif');
    writeTinyStack(far, { geoTransform: [100000, 20, 0, 6000000, 0, -20], dates: ['2020-01-01'] });
    expect(() => openScene(path, { statics: [far] })).toThrow(/does not overlap the scene/);
  });

  it.each([
    ['16 x 16 tiles', ['TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16']],
    ['one-row strips', ['TILED=NO', 'BLOCKYSIZE=1']],
    ['three-row strips', ['TILED=NO', 'BLOCKYSIZE=3']],
  ])('reads a pixel-interleaved file (%s) in groups of blocks with the same values as a band-interleaved one', async (name, layout) => {
    const opts = { width: 40, height: 35, nodata: NODATA, value: gappedValue };
    const tag = name.replace(/\W+/g, '-');
    const pixel = join(dir, `pixel-${tag}.tif`), band = join(dir, `band-${tag}.tif`);
    writeTinyStack(pixel, { ...opts, creationOptions: [...layout, 'INTERLEAVE=PIXEL'] });
    writeTinyStack(band, { ...opts, creationOptions: [...layout, 'INTERLEAVE=BAND'] });
    const [p, b] = [openScene(pixel), openScene(band)];
    expect(p.facts.pixelInterleaved).toBe(true);
    expect(b.facts.pixelInterleaved).toBe(false);
    for (const core of [{ x0: 13, y0: 9, width: 20, height: 19 }, { x0: 0, y0: 0, width: 40, height: 35 }, { x0: 31, y0: 30, width: 9, height: 5 }]) {
      const [rp, rb] = [await readWindowWithHalo(p, core, 2), await readWindowWithHalo(b, core, 2)];
      expect(rp.dynamic.length).toBe(rb.dynamic.length);
      expect(Buffer.from(rp.dynamic.buffer).equals(Buffer.from(rb.dynamic.buffer))).toBe(true);
      expect(rp.dynamic.some((v) => Number.isNaN(v))).toBe(core.x0 <= 2 && core.y0 <= 3);
      // The same pixels into a larger frame, as the tile passes read their cells.
      const frame = { x0: core.x0 - 1, y0: core.y0 - 1, width: core.width + 3, height: core.height + 2 };
      const [fp, fb] = [new Float32Array(frame.width * frame.height * 4).fill(7), new Float32Array(frame.width * frame.height * 4).fill(7)];
      if (frame.x0 >= 0 && frame.y0 >= 0 && frame.x0 + frame.width <= 40 && frame.y0 + frame.height <= 35) {
        await readRectInto(p, core, fp, frame);
        await readRectInto(b, core, fb, frame);
        expect(Buffer.from(fp.buffer).equals(Buffer.from(fb.buffer))).toBe(true);
      }
    }
    p.close();
    b.close();
  });

  it('reads a window of a pixel-interleaved GeoTIFF of one-row strips in one GDAL call per band, not one per row and band', async () => {
    const pixel = join(dir, 'pixel-count.tif');
    writeTinyStack(pixel, { width: 40, height: 35, nodata: NODATA, value: gappedValue, creationOptions: ['TILED=NO', 'BLOCKYSIZE=1', 'INTERLEAVE=PIXEL'] });
    const scene = openScene(pixel);
    const band = scene.handles[0].dynamic.bands.get(1);
    const pixelsProto = Object.getPrototypeOf(band.pixels) as { readAsync: (...args: unknown[]) => Promise<unknown> };
    const spy = vi.spyOn(pixelsProto, 'readAsync');
    try {
      await readWindowWithHalo(scene, { x0: 5, y0: 4, width: 30, height: 25 }, 2);
      const dataReads = spy.mock.calls.filter((c) => c[4] !== undefined).length; // mask reads pass no buffer
      expect(dataReads).toBe(scene.dateBands.length);
    } finally {
      spy.mockRestore();
      scene.close();
    }
  });

  it('reads dates of a VRT stack of single-date files from the source file names', () => {
    const files = ['S1_20200129_disp.tif', 'S1_20200105_disp.tif', 'S1_20200117_disp.tif'].map((f) => join(dir, f));
    for (const f of files) writeTinyStack(f, { dates: ['not a date'] });
    const vrt = join(dir, 'stack.vrt');
    execFileSync('gdalbuildvrt', ['-q', '-separate', vrt, ...files]);
    const scene = openScene(vrt);
    expect(scene.dates).toEqual(['2020-01-05', '2020-01-17', '2020-01-29']);
    expect(scene.dateBands).toEqual([2, 3, 1]);
    scene.close();
  });

  it('names the file when a scene is missing or not a raster', () => {
    expect(() => openScene(join(dir, 'nope.tif'))).toThrow(UserError);
    expect(() => openScene(join(dir, 'nope.tif'))).toThrow(/nope\.tif' does not exist/);
    const text = join(dir, 'text.tif');
    writeFileSync(text, 'not a raster');
    expect(() => openScene(text)).toThrow(/is not a raster GDAL can read: it is a text file/);
    expect(() => openScene(dir)).toThrow(/is a directory/);
  });
});

describe('dates', () => {
  it('parses ISO and compact dates and rejects impossible ones', () => {
    expect(parseDate('2021-07-15')).toBe('2021-07-15');
    expect(parseDate('S1A_20210715_disp')).toBe('2021-07-15');
    expect(parseDate('2021-02-30')).toBeNull();
    expect(parseDate('band 12')).toBeNull();
  });
});

describe('writers', () => {
  const dir = tempDir();
  const grid = { width: W, height: H, geoTransform: [600000, 20, 0, 7700000, 0, -20], srsWkt: gdal.SpatialReference.fromEPSG(25833).toWKT() };

  it('writes a classified COG with colour table and a RAT, readable by gdal-async and geotiff.js', async () => {
    const out = join(dir, 'labels.tif');
    const colours: [number, number, number][] = [[204, 102, 119], [51, 34, 136], [221, 204, 119]];
    const writer = new ClassifiedWriter(out, { grid, colours, metadata: { SMOOTHCLUSTER_SEED: '7' } });
    const labels = new Uint8Array(W * H);
    for (let i = 0; i < labels.length; i++) labels[i] = i % 5 === 0 ? LABEL_NODATA : i % 3;
    await writer.writeWindow({ x0: 0, y0: 0, width: 4, height: H }, pick(labels, 0, 4));
    await writer.writeWindow({ x0: 4, y0: 0, width: 3, height: H }, pick(labels, 4, 3));
    await writer.finish({
      description: 'regime',
      categoryNames: ['0: a', '1: b', '2: c'],
      rat: { extraColumns: ['velocity_mm_yr'], rows: colours.map((rgb, i) => ({ value: i, count: 10 + i, rgb, name: `${i}: x`, extra: [-1.5 * i] })) },
    });
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);

    const ds = gdal.open(out);
    const band = ds.bands.get(1);
    expect(band.noDataValue).toBe(255);
    expect([...band.pixels.read(0, 0, W, H)]).toEqual([...labels]);
    expect(ds.geoTransform).toEqual(grid.geoTransform);
    expect(ds.srs!.getAuthorityCode(null)).toBe('25833');
    expect(band.colorTable!.get(1)).toMatchObject({ c1: 51, c2: 34, c3: 136 });
    expect(band.categoryNames).toEqual(['0: a', '1: b', '2: c']);
    expect(band.description).toBe('regime');
    expect(ds.getMetadata().SMOOTHCLUSTER_SEED).toBe('7');
    ds.close();
    // the RAT as GDAL itself reads it back
    const info = JSON.parse(execFileSync('gdalinfo', ['-json', out], { encoding: 'utf8' }));
    const rat = info.rat;
    expect(rat.fieldDefn.map((f: { name: string }) => f.name)).toEqual(['Value', 'Count', 'Red', 'Green', 'Blue', 'Name', 'velocity_mm_yr']);
    expect(rat.row[2].f).toEqual([2, 12, 221, 204, 119, '2: x', -3]);

    const tiff = await (await fromFile(out)).getImage();
    expect(tiff.getWidth()).toBe(W);
    expect([...(await tiff.readRasters({ interleave: true }))]).toEqual([...labels]);
    expect(tiff.getGDALNoData()).toBe(255);
    expect(tiff.getOrigin()).toEqual([600000, 7700000, 0]);
    expect(tiff.getGeoKeys()?.ProjectedCSTypeGeoKey).toBe(25833);
    const map = (await tiff.fileDirectory.loadValue('ColorMap')) as Uint16Array;
    expect([map[1] >> 8, map[256 + 1] >> 8, map[512 + 1] >> 8]).toEqual([51, 34, 136]);

    execFileSync('/usr/bin/python3', ['-m', 'osgeo_utils.samples.validate_cloud_optimized_geotiff', '-q', out]);
  });

  it('writes a float stack with band descriptions embedded in the file', async () => {
    const out = join(dir, 'stack.tif');
    const writer = new FloatStackWriter(out, grid, ['2020-01-01', '2020-01-13'], { metadata: { SOURCE: 'test' } });
    const data = new Float32Array(2 * W * H).map((_v, i) => (i === 3 ? NaN : i * 0.5));
    await writer.writeWindow({ x0: 0, y0: 0, width: W, height: H }, data);
    await writer.finish();
    expect(existsSync(`${out}.aux.xml`)).toBe(false);
    const ds = gdal.open(out);
    expect(ds.bands.get(2).description).toBe('2020-01-13');
    const back = ds.bands.get(1).pixels.read(0, 0, W, H) as Float32Array;
    expect(Number.isNaN(back[3])).toBe(true);
    expect(back[4]).toBe(2);
    expect(Number.isNaN(ds.bands.get(1).noDataValue as number)).toBe(true);
    ds.close();
    const tiff = await (await fromFile(out)).getImage();
    expect(String(await tiff.fileDirectory.loadValue('GDAL_METADATA'))).toContain('2020-01-13');
  });

  it('never replaces an existing output without overwrite, and checks the folder', () => {
    const existing = join(dir, 'labels.tif');
    expect(() => checkOutputsWritable([existing], false)).toThrow(/already exists; it is kept/);
    expect(() => checkOutputsWritable([existing], true)).not.toThrow();
    expect(() => checkOutputsWritable([join(dir, 'missing', 'x.tif')], false)).toThrow(/does not exist/);
  });
});

function pick(labels: Uint8Array, x0: number, width: number): Uint8Array {
  const out = new Uint8Array(width * H);
  for (let r = 0; r < H; r++) for (let c = 0; c < width; c++) out[r * width + c] = labels[r * W + x0 + c];
  return out;
}
