import gdal from 'gdal-async';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import { gridPoints } from '../src/io/points/gridPoints.js';
import { readAllBands, readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import {
  cellMeansByHand, egmsL2bCsv, egmsL3Csv, insarNorwayCsv, referredSeries, synthPointCloud, writeText, zipArchive, type PointCloud,
} from './helpers/pointFixtures.js';

const ON_SCENE_GRID = ['--grid-crs', 'EPSG:25833', '--cell-size', '40'];
let dir: string;
let cloud: PointCloud;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sc-points-grid-'));
  cloud = synthPointCloud({ preset: 'lyngen', width: 30, height: 24, nDates: 16, pixelSize: 40 });
});

/** The gridded rasters' offset in scene pixels (the grid covers the points only, on the scene's cell lines). */
function offsetOnScene(path: string) {
  const r = readBand(path, 1);
  const gt = cloud.scene.geoTransform;
  return { col0: Math.round((r.geoTransform![0] - gt[0]) / gt[1]), row0: Math.round((r.geoTransform![3] - gt[3]) / gt[5]), width: r.width, height: r.height, r };
}

/** Checks every gridded value against the cell means computed by hand. */
function expectExactCellMeans(displacementPath: string, countPath: string) {
  const { planes, counts } = cellMeansByHand(cloud);
  const { col0, row0, width, height, r } = offsetOnScene(displacementPath);
  expect(r.geoTransform![1]).toBe(40);
  expect(r.descriptions).toEqual(cloud.scene.dates);
  const bands = readAllBands(displacementPath);
  const count = readBand(countPath, 1).data as Int32Array;
  let compared = 0;
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const scene = (row + row0) * cloud.scene.width + col + col0;
      const cell = row * width + col;
      expect(count[cell]).toBe(counts[scene]);
      for (let d = 0; d < bands.length; d++) {
        const got = bands[d][cell], want = planes[d][scene];
        if (Number.isNaN(want)) expect(got).toBeNaN();
        else {
          expect(got).toBe(want);
          compared++;
        }
      }
    }
  }
  // Every point inside the grid: all counts add up.
  expect(count.reduce((a, b) => a + b, 0)).toBe(cloud.points.length);
  expect(compared).toBeGreaterThan(1000);
}

describe('grid POINTS --out DIR: exact cell means from the products', () => {
  test('EGMS L2b burst zip (deflated CSV inside): cell means, counts, dates, static attributes named', async () => {
    const zip = join(dir, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.zip');
    writeFileSync(zip, zipArchive([{ name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', data: Buffer.from(egmsL2bCsv(cloud)) }, { name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.xml', data: Buffer.from('<x/>') }]));
    const out = join(dir, 'l2b');
    const r = await runCli('grid', zip, '--out', out, ...ON_SCENE_GRID, '--quiet');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${cloud.points.length} points \\(EGMS L2b\\), 16 dates`));
    expectExactCellMeans(join(out, 'displacement.tif'), join(out, 'count.tif'));
    const statics = readBand(join(out, 'static.tif'), 1);
    expect(statics.descriptions).toEqual(['height_ortho', 'mean_velocity', 'temporal_coherence', 'amplitude_dispersion', 'rmse_ts']);
    expect(statics.epsg).toBe('25833');
  });

  test('InSAR Norway .csv.gz (latitude/longitude) and EGMS L3 (easting/northing only) give the same cells', async () => {
    const gz = writeText(join(dir, '160-IW1-414-s1-asc1-v2020.csv.gz'), insarNorwayCsv(cloud));
    const l3 = writeText(join(dir, 'EGMS_L3_E44N51_100km_U_2018_2022_1.csv'), egmsL3Csv(cloud));
    for (const [input, name] of [[gz, 'no'], [l3, 'l3']]) {
      const out = join(dir, name);
      const r = await runCli('grid', input, '--out', out, ...ON_SCENE_GRID);
      expect(r.code, r.stderr).toBe(0);
      expectExactCellMeans(join(out, 'displacement.tif'), join(out, 'count.tif'));
    }
  });

  test('several bursts of one track at once (a quoted glob or @list.txt) equal the same points in one file', async () => {
    const half = Math.floor(cloud.points.length / 2);
    const sub = join(dir, 'bursts');
    (await import('node:fs')).mkdirSync(sub);
    writeText(join(sub, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv'), egmsL2bCsv(cloud, cloud.points.slice(0, half)));
    writeText(join(sub, 'EGMS_L2b_022_0846_IW3_VV_2020_2024_1.csv'), egmsL2bCsv(cloud, cloud.points.slice(half)));
    writeFileSync(join(sub, 'list.txt'), 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv\nEGMS_L2b_022_0846_IW3_VV_2020_2024_1.csv\n');
    for (const [input, name] of [[join(sub, 'EGMS_L2b_022_*.csv'), 'glob'], [`@${join(sub, 'list.txt')}`, 'list']]) {
      const out = join(dir, name);
      const r = await runCli('grid', input, '--out', out, ...ON_SCENE_GRID);
      expect(r.code, r.stderr).toBe(0);
      expectExactCellMeans(join(out, 'displacement.tif'), join(out, 'count.tif'));
    }
  });

  test('the median per cell, and bands of one grid row (a tiny memory budget) give the same cells as one band', async () => {
    const csv = writeText(join(dir, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv'), egmsL2bCsv(cloud));
    const common = { columns: {}, gridCrs: 'EPSG:25833', cellSize: 40, reference: 'first' as const };
    const whole = await gridPoints(csv, { ...common, cellStat: 'median' });
    const banded = await gridPoints(csv, { ...common, cellStat: 'median', bandBudgetBytes: 1 });
    try {
      expect(readAllBands(banded.displacement)).toEqual(readAllBands(whole.displacement));
      const { col0, row0, width } = offsetOnScene(whole.displacement);
      const bands = readAllBands(whole.displacement);
      // A cell with three points: its median, by hand.
      const byPixel = new Map<number, typeof cloud.points>();
      for (const p of cloud.points) byPixel.set(p.row * cloud.scene.width + p.col, [...(byPixel.get(p.row * cloud.scene.width + p.col) ?? []), p]);
      const [pixel, three] = [...byPixel].find(([, ps]) => ps.length === 3 && ps.every((p) => ps.every(() => !Number.isNaN(p.values[5]))))!;
      const values = three.map((p) => referredSeries(p)[5]).sort((a, b) => a - b);
      const cell = (Math.floor(pixel / cloud.scene.width) - row0) * width + (pixel % cloud.scene.width) - col0;
      expect(bands[5][cell]).toBe(values[1]);
    } finally {
      whole.dispose();
      banded.dispose();
    }
    const meanBanded = await gridPoints(csv, { ...common, cellStat: 'mean', bandBudgetBytes: 1 });
    try {
      expectExactCellMeans(meanBanded.displacement, meanBanded.count);
    } finally {
      meanBanded.dispose();
    }
  });

  test('default grid: the UTM zone of the points (34N at Lyngen), a cell size from the spacing, origin a multiple of it', async () => {
    const csv = writeText(join(dir, 'default', ).concat('.csv'), insarNorwayCsv(cloud));
    const out = join(dir, 'default-out');
    const r = await runCli('grid', csv, '--out', out, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.grid.crs).toBe('EPSG:32634');
    expect(j.grid.cellSize).toBeGreaterThan(10);
    expect(j.grid.cellSize).toBeLessThanOrEqual(50);
    const d = readBand(join(out, 'displacement.tif'), 1);
    expect(d.epsg).toBe('32634');
    expect([d.geoTransform![0] % j.grid.cellSize, d.geoTransform![3] % j.grid.cellSize]).toEqual([0, 0]);
    expect(j.provenance.product).toBe('InSAR Norway');
    expect(j.provenance.referenceDate).toBe(cloud.scene.dates[0]);
    expect(j.missingValues).toBe(cloud.points.reduce((a, p) => a + p.values.filter((v) => Number.isNaN(v)).length, 0));
  });
});

describe('bad point input: one message with the file and line', () => {
  const header = 'pid,latitude,longitude,20200105,20200111,20200117';
  const good = ['a,69.60,20.10,1.5,2.5,3.5', 'b,69.61,20.11,1.0,,2.0', 'c,69.62,20.12,NaN,2.0,3.0'];
  const grid = async (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    if (typeof text === 'string') writeText(path, text);
    else writeFileSync(path, text);
    return runCli('grid', path, '--out', join(dir, `bad-${name}`), '--quiet');
  };
  const cases: [string, string | (() => Buffer), RegExp][] = [
    ['fields.csv', [header, good[0], 'b,69.61,20.11,1.0,2.0', good[2]].join('\n'), /'.*fields.csv' line 3: 5 fields, expected 6 as in the header/],
    ['nonnumeric.csv', [header, good[0], good[1], 'c,69.62,20.12,1.0,x2,3.0'].join('\n'), /'.*nonnumeric.csv' line 4: column '20200111' is 'x2', expected a number/],
    ['coordinate.csv', [header, good[0], 'b,north,20.11,1,2,3'].join('\n'), /'.*coordinate.csv' line 3: coordinate 'latitude' is 'north', expected a number/],
    ['nocoords.csv', ['pid,a,b,20200105', 'x,1,2,3'].join('\n'), /'.*nocoords.csv' has no coordinate columns/],
    ['nodates.csv', ['pid,latitude,longitude,velocity', 'x,69.6,20.1,3'].join('\n'), /'.*nodates.csv' has no date columns/],
    ['dupes.csv', [header, ...good, 'b,69.63,20.13,1,2,3'].join('\n'), /'.*dupes.csv' line 3 and '.*dupes.csv' line 5 have the same point id 'b'/],
    ['outside.csv', [header, good[0], 'b,169.61,20.11,1,2,3'].join('\n'), /'.*outside.csv' line 3: coordinates longitude 20.11, latitude 169.61 are outside the area of EPSG:4326/],
    ['EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', ['pid,easting,northing,20200105,20200111', 'a,4700000,5160000,1,2', 'b,9900000,5160000,1,2'].join('\n'), /line 3: coordinates easting 9900000, northing 5160000 are outside the area of EPSG:3035/],
    ['truncated.csv.gz', () => gzipSync([header, ...good, ...good.map((g) => `z${g}`)].join('\n')).subarray(0, 60), /'.*truncated.csv.gz' is truncated or damaged: its compressed data ends or breaks at line \d+/],
    ['nocsv.zip', () => zipArchive([{ name: 'readme.txt', data: Buffer.from('hello') }]), /'.*nocsv.zip' holds no CSV \(it has 'readme.txt'\)/],
  ];
  for (const [name, text, message] of cases) {
    test(name, async () => {
      const r = await grid(name, typeof text === 'function' ? text() : text);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  test('ascending and descending tracks together are refused, naming the files and their tracks', async () => {
    const asc = writeText(join(dir, 'mix', ).concat('-160-IW1-414-s1-asc1-v2020.csv'), insarNorwayCsv(cloud, cloud.points.slice(0, 50)));
    const dsc = writeText(join(dir, 'mix', ).concat('-66-IW2-210-s1-dsc1-v2020.csv'), insarNorwayCsv(cloud, cloud.points.slice(50, 100), 66, 0.6));
    writeFileSync(join(dir, 'mixed.txt'), `${asc}\n${dsc}\n`);
    const r = await runCli('grid', `@${join(dir, 'mixed.txt')}`, '--out', join(dir, 'mixed'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/measure different things.*asc1.*\(ascending\).*dsc1.*\(descending\)/);
  });

  test('EGMS L3 east-west with vertical is refused', async () => {
    const e = writeText(join(dir, 'EGMS_L3_E44N51_100km_E_2018_2022_1.csv'), egmsL3Csv(cloud, cloud.points.slice(0, 40)));
    const u = writeText(join(dir, 'EGMS_L3_E44N51_100km_U_2018_2022_1.csv'), egmsL3Csv(cloud, cloud.points.slice(40, 80)));
    writeFileSync(join(dir, 'l3.txt'), `${e}\n${u}\n`);
    const r = await runCli('grid', `@${join(dir, 'l3.txt')}`, '--out', join(dir, 'l3mixed'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/east-west component \(E\).*vertical component \(U\)/);
  });
});

test('the gridded stack opens in GDAL as a dated, georeferenced Float32 stack with NaN nodata', () => {
  const ds = gdal.open(join(dir, 'l2b', 'displacement.tif'));
  expect(ds.bands.get(1).dataType).toBe('Float32');
  expect(Number.isNaN(ds.bands.get(1).noDataValue)).toBe(true);
  expect(ds.srs?.getAuthorityCode(null)).toBe('25833');
  ds.close();
});
