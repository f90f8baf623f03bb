import gdal from 'gdal-async';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { adjustedRandIndex } from '../../src/cluster/metrics.js';
import { readBand } from '../helpers/readRaster.js';
import { runCli } from '../helpers/runCli.js';
import { tempDir } from '../helpers/tinyRasters.js';
import { gdalTool, synthScene } from './helpers.js';

/**
 * GeoTIFFs as real tools write them, made from one synthetic scene with
 * gdal_translate (and gdalwarp): every layout, compression, data type and way
 * of marking missing data must give `info` the same facts and `run` the same
 * labels as the plain original. Integer types carry displacement as
 * raw * scale + offset (GDAL's band scale/offset): Int16/UInt16 at 0.01 mm are
 * exact to 0.005 mm, Byte only to (range / 254) — there a documented tolerance
 * applies. Warped scenes (other grids) are compared with the truth warped alike.
 *
 * GDAL 3.6.2 here writes LZW, DEFLATE, ZSTD, PACKBITS (checked: `gdalinfo --format GTiff`).
 */

// Not a multiple of any block size used below, so edge blocks are partial.
const W = 100, H = 75, DATES = 30;
let dir: string, plain: string, truth: string, plainLabels: Uint8Array, plainValid: number, range: [number, number];
const RUN = ['--quiet', '--k', '4', '--tile-size', '40'];

async function labelsOf(scene: string, ...extra: string[]): Promise<Uint8Array> {
  const out = join(dir, `labels-${Math.random().toString(36).slice(2)}.tif`);
  const r = await runCli('run', scene, '--out', out, ...RUN, ...extra);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe(''); // no warning either: nothing about the file is doubtful
  return readBand(out).data as Uint8Array;
}

async function infoOf(scene: string) {
  const r = await runCli('info', scene, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

/** Share of pixels with the same label (both nodata counts as agreeing). */
function agreement(a: Uint8Array, b: Uint8Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function variant(name: string, args: string[], source = plain): string {
  const p = join(dir, `${name}.tif`);
  gdalTool('gdal_translate', [...args, source, p]);
  return p;
}

/**
 * The plain scene with every pixel without coverage (all dates missing) set to
 * -9999 and hidden by a per-dataset internal mask instead; the per-date gaps
 * stay NaN. gdal_translate cannot move values under a mask, so gdal-async
 * edits a copy in place. A reader that ignored the mask would cluster -9999s.
 */
function maskedVariant(): string {
  const p = variant('masked', []);
  const ds = gdal.open(p, 'r+');
  const n = ds.bands.count();
  const planes = Array.from({ length: n }, (_v, b) => ds.bands.get(b + 1).pixels.read(0, 0, W, H) as Float32Array);
  const mask = new Uint8Array(W * H).fill(255);
  for (let i = 0; i < W * H; i++) {
    if (planes.every((pl) => Number.isNaN(pl[i]))) {
      mask[i] = 0;
      for (const pl of planes) pl[i] = -9999;
    }
  }
  expect(mask.includes(0)).toBe(true);
  for (let b = 0; b < n; b++) {
    const band = ds.bands.get(b + 1);
    band.pixels.write(0, 0, W, H, planes[b]);
  }
  ds.bands.get(1).createMaskBand(0x02 /* GMF_PER_DATASET */);
  ds.bands.get(1).getMaskBand()!.pixels.write(0, 0, W, H, mask);
  ds.flush();
  ds.close();
  return p;
}

beforeAll(async () => {
  dir = tempDir('sc-formats-');
  ({ displacement: plain, truth } = await synthScene(join(dir, 'synth'), { width: W, height: H, nDates: DATES, seed: 11 }));
  plainLabels = await labelsOf(plain);
  plainValid = (await infoOf(plain)).validShare.estimate;
  const ds = gdal.open(plain);
  let lo = Infinity, hi = -Infinity;
  for (let b = 1; b <= DATES; b++) {
    for (const v of ds.bands.get(b).pixels.read(0, 0, W, H) as Float32Array) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  }
  ds.close();
  range = [lo, hi];
});

describe('lossless layouts and encodings: the same labels, bit for bit', () => {
  const cases: [string, string[]][] = [
    ['striped, pixel-interleaved', ['-co', 'TILED=NO', '-co', 'INTERLEAVE=PIXEL']],
    ['striped, band-interleaved, 7-row strips', ['-co', 'TILED=NO', '-co', 'INTERLEAVE=BAND', '-co', 'BLOCKYSIZE=7']],
    ['tiled 16 x 16, pixel-interleaved', ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'INTERLEAVE=PIXEL']],
    ['tiled 32 x 48, band-interleaved', ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=32', '-co', 'BLOCKYSIZE=48', '-co', 'INTERLEAVE=BAND']],
    ['BigTIFF, tiled', ['-co', 'BIGTIFF=YES', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=32', '-co', 'BLOCKYSIZE=32']],
    ['BigTIFF, striped, pixel-interleaved, ZSTD', ['-co', 'BIGTIFF=YES', '-co', 'TILED=NO', '-co', 'COMPRESS=ZSTD', '-co', 'INTERLEAVE=PIXEL']],
    ['LZW with the floating-point predictor', ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=3']],
    ['DEFLATE with the floating-point predictor, tiled', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'TILED=YES']],
    ['ZSTD, band-interleaved', ['-co', 'COMPRESS=ZSTD', '-co', 'INTERLEAVE=BAND']],
    ['PACKBITS, pixel-interleaved', ['-co', 'COMPRESS=PACKBITS', '-co', 'INTERLEAVE=PIXEL']],
    ['Float64', ['-ot', 'Float64', '-co', 'TILED=YES']],
    ['Float32 with nodata -9999 instead of NaN', ['-scale', '0', '1', '0', '1', '-a_nodata', '-9999']],
    ['a Cloud Optimized GeoTIFF', ['-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=32']],
    ['relabelled polar stereographic (EPSG:3413), same metre grid', ['-a_srs', 'EPSG:3413']],
  ];
  it.each(cases)('%s', async (name, args) => {
    const p = variant(name.replace(/[^a-z0-9]+/gi, '-'), args);
    const info = await infoOf(p);
    expect(info).toMatchObject({ width: W, height: H, dataBands: DATES });
    expect(info.dates).toHaveLength(DATES);
    expect(info.validShare.estimate).toBe(plainValid);
    expect(Buffer.from(await labelsOf(p)).equals(Buffer.from(plainLabels))).toBe(true);
  });

  it('relabelled polar stereographic keeps the labels with distance weights too, and info names the CRS', async () => {
    const p = variant('polar-relabel', ['-a_srs', 'EPSG:3413']);
    const info = await infoOf(p);
    expect(info.crs).toMatchObject({ epsg: 3413, geographic: false });
    expect(info.pixelSizeMetres[0]).toBeCloseTo(40, 6);
    const idw = await labelsOf(plain, '--weights', 'idw');
    expect(Buffer.from(await labelsOf(p, '--weights', 'idw')).equals(Buffer.from(idw))).toBe(true);
  });
});

describe('missing data marked by masks and alpha bands', () => {
  it('an internal per-dataset mask hiding -9999 fill values: same labels as NaN', async () => {
    const p = maskedVariant();
    const info = await infoOf(p);
    expect(info.missingMarkers).toContain('mask band');
    expect(info.validShare.estimate).toBe(plainValid);
    expect(Buffer.from(await labelsOf(p)).equals(Buffer.from(plainLabels))).toBe(true);
    // The mask survives re-encoding: tiled, pixel-interleaved, DEFLATE.
    const tiled = variant('masked-tiled', ['-co', 'TILED=YES', '-co', 'BLOCKXSIZE=16', '-co', 'BLOCKYSIZE=16', '-co', 'COMPRESS=DEFLATE'], p);
    expect(Buffer.from(await labelsOf(tiled)).equals(Buffer.from(plainLabels))).toBe(true);
  });

  it('an alpha band (alpha 0 = missing) after the dates: not a date, and its zeros are missing', async () => {
    const masked = maskedVariant();
    const bands = Array.from({ length: DATES }, (_v, i) => ['-b', String(i + 1)]).flat();
    const p = variant('alpha', ['-ot', 'Float32', ...bands, '-b', 'mask', '-mask', 'none'], masked);
    // gdal_translate's -colorinterp does not reach a 13-band GeoTIFF's ExtraSamples; GDAL's API does.
    const ds = gdal.open(p, 'r+');
    ds.bands.get(DATES + 1).colorInterpretation = gdal.GCI_AlphaBand;
    ds.close();
    const info = await infoOf(p);
    expect(info).toMatchObject({ bands: DATES + 1, dataBands: DATES, alphaBand: DATES + 1 });
    expect(info.dates).toHaveLength(DATES);
    expect(info.missingMarkers).toContain('alpha band');
    expect(info.validShare.estimate).toBe(plainValid);
    expect(Buffer.from(await labelsOf(p)).equals(Buffer.from(plainLabels))).toBe(true);
  });
});

describe('integer types, scaled (raw * scale + offset), with nodata values', () => {
  /** gdal_translate arguments mapping [lo, hi] mm onto [dmin, dmax] and recording the inverse as scale/offset. */
  function scaled(type: string, step: number, dmin: number, nodata: number): string[] {
    const [lo, hi] = range;
    const offset = lo - dmin * step;
    return ['-ot', type, '-scale', String(lo), String(hi), String(dmin), String(dmin + (hi - lo) / step), '-a_scale', String(step), '-a_offset', String(offset), '-a_nodata', String(nodata)];
  }

  it.each([
    ['Int16, 0.01 mm steps, nodata -32768, LZW', () => scaled('Int16', 0.01, Math.round(range[0] / 0.01), -32768).concat(['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2']), 0.995],
    ['UInt16, 0.01 mm steps above an offset, nodata 65535, tiled ZSTD', () => scaled('UInt16', 0.01, 0, 65535).concat(['-co', 'COMPRESS=ZSTD', '-co', 'TILED=YES']), 0.995],
    ['Byte, (range / 254) steps, nodata 255, PACKBITS', () => scaled('Byte', (range[1] - range[0]) / 254, 0, 255).concat(['-co', 'COMPRESS=PACKBITS']), 0.9],
  ] as const)('%s: the same valid pixels, and labels within the tolerance of its quantisation', async (name, args, minAgreement) => {
    const p = variant(name.replace(/[^a-z0-9]+/gi, '-'), args());
    const info = await infoOf(p);
    expect(info.missingMarkers).toContain('nodata value');
    expect(info.validShare.estimate).toBe(plainValid);
    const labels = await labelsOf(p);
    for (let i = 0; i < labels.length; i++) if ((labels[i] === 255) !== (plainLabels[i] === 255)) throw new Error(`pixel ${i}: valid differs`);
    // Values come back in mm, not raw counts: otherwise the partition would be unrelated.
    const share = agreement(labels, plainLabels);
    console.log(`${name}: ${(100 * share).toFixed(2)} % of pixels have the plain original's label`);
    expect(share).toBeGreaterThanOrEqual(minAgreement);
  });
});

describe('other CRS: geographic, UTM 34N and polar stereographic', () => {
  it('geographic (EPSG:4326): info gives ground pixel sizes in metres; labels as the projected original', async () => {
    const { displacement } = await synthScene(join(dir, 'synth-4326'), { width: W, height: H, nDates: DATES, seed: 11, crs: 4326 });
    const info = await infoOf(displacement);
    expect(info.crs).toMatchObject({ epsg: 4326, geographic: true });
    expect(info.pixelSizeMetres[0]).toBeGreaterThan(30);
    expect(info.pixelSizeMetres[0]).toBeLessThan(50);
    expect(Buffer.from(await labelsOf(displacement)).equals(Buffer.from(plainLabels))).toBe(true);
  });

  it.each([
    ['UTM 34N (EPSG:32634)', 'EPSG:32634', 32634],
    ['NSIDC polar stereographic north (EPSG:3413)', 'EPSG:3413', 3413],
    ['Arctic polar stereographic (EPSG:3995)', 'EPSG:3995', 3995],
  ])('warped to %s: info names the CRS, and the regimes match the truth warped alike as well as the original matches its truth (within 0.05 ARI)', async (name, srs, epsg) => {
    const slug = String(epsg);
    const warp = (src: string, dst: string) =>
      gdalTool('gdalwarp', ['-t_srs', srs, '-tr', '40', '40', '-tap', '-r', 'near', '-srcnodata', src === truth ? '255' : 'nan', '-dstnodata', src === truth ? '255' : 'nan', src, dst]);
    const scene = join(dir, `warped-${slug}.tif`), warpedTruth = join(dir, `truth-${slug}.tif`);
    warp(plain, scene);
    warp(truth, warpedTruth);
    const info = await infoOf(scene);
    expect(info.crs).toMatchObject({ epsg, geographic: false });
    expect(info.dates).toHaveLength(DATES);
    const labels = await labelsOf(scene);
    const t = readBand(warpedTruth).data as Uint8Array;
    expect(t.length).toBe(labels.length);
    const original = adjustedRandIndex(readBand(truth).data as Uint8Array, plainLabels, 255);
    const warped = adjustedRandIndex(t, labels, 255);
    console.log(`${name}: ARI against the truth ${warped.toFixed(3)} (original grid ${original.toFixed(3)})`);
    expect(warped, name).toBeGreaterThan(original - 0.05);
  });
});
