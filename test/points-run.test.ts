import gdal from 'gdal-async';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { regimeColour } from '../src/report/palette.js';
import { readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { cellMeansByHand, egmsL2bCsv, synthPointCloud, writeText, zipArchive, type PointCloud } from './helpers/pointFixtures.js';

const METHOD = ['--k', '4', '--seed', '3', '--quiet'];
const ON_SCENE_GRID = ['--grid-crs', 'EPSG:25833', '--cell-size', '40'];
let dir: string;
let cloud: PointCloud;
let zip: string;
/** The points' extent in scene pixels. */
let box: { col0: number; row0: number; width: number; height: number };

/**
 * The same scene gridded by hand, in plain code: the cell means of the points'
 * referred series over the pixels the points cover, written as a dated Float32
 * GeoTIFF (DATE metadata per band, NaN nodata) on the scene's grid.
 */
function writeHandGridded(path: string): void {
  const { planes } = cellMeansByHand(cloud);
  const gt = cloud.scene.geoTransform;
  const ds = gdal.open(path, 'w', 'GTiff', box.width, box.height, planes.length, gdal.GDT_Float32);
  ds.geoTransform = [gt[0] + box.col0 * gt[1], gt[1], 0, gt[3] + box.row0 * gt[5], 0, gt[5]];
  ds.srs = gdal.SpatialReference.fromEPSG(25833);
  planes.forEach((plane, d) => {
    const band = ds.bands.get(d + 1);
    band.noDataValue = NaN;
    band.setMetadata({ DATE: cloud.scene.dates[d] });
    const window = new Float32Array(box.width * box.height);
    for (let r = 0; r < box.height; r++) for (let c = 0; c < box.width; c++) window[r * box.width + c] = plane[(r + box.row0) * cloud.scene.width + c + box.col0];
    band.pixels.write(0, 0, box.width, box.height, window);
  });
  ds.close();
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sc-points-run-'));
  cloud = synthPointCloud({ preset: 'lyngen', width: 36, height: 30, nDates: 16, pixelSize: 40 }, 21);
  zip = join(dir, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.zip');
  writeFileSync(zip, zipArchive([{ name: 'EGMS_L2b_022_0845_IW2_VV_2020_2024_1.csv', data: Buffer.from(egmsL2bCsv(cloud)) }]));
  const cols = cloud.points.map((p) => p.col), rows = cloud.points.map((p) => p.row);
  const col0 = Math.min(...cols), row0 = Math.min(...rows);
  box = { col0, row0, width: Math.max(...cols) - col0 + 1, height: Math.max(...rows) - row0 + 1 };
});

describe('run on a point file: regimes on the grid and back on the points', () => {
  test('labels from the points equal labels from the same scene gridded by hand; every point carries its cell label', async () => {
    const out = join(dir, 'ustica.tif');
    const r = await runCli('run', zip, '--out', out, ...ON_SCENE_GRID, ...METHOD);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(join(dir, 'ustica.points.gpkg'));
    expect(r.stdout).toContain(join(dir, 'ustica.points.qml'));
    const hand = join(dir, 'hand.tif');
    writeHandGridded(hand);
    const h = await runCli('run', hand, '--out', join(dir, 'hand-labels.tif'), ...METHOD);
    expect(h.code, h.stderr).toBe(0);
    const fromPoints = readBand(out), byHand = readBand(join(dir, 'hand-labels.tif'));
    expect(fromPoints.geoTransform).toEqual(byHand.geoTransform);
    expect(Array.from(fromPoints.data as Uint8Array)).toEqual(Array.from(byHand.data as Uint8Array));
    const labels = fromPoints.data as Uint8Array;
    expect(new Set(labels).size).toBeGreaterThan(2);

    // The GeoPackage, read back through OGR: one feature per point at its own coordinates, its cell's regime.
    const ds = gdal.open(join(dir, 'ustica.points.gpkg'));
    const layer = ds.layers.get('ustica_points');
    expect(layer.features.count()).toBe(cloud.points.length);
    expect(layer.srs?.getAuthorityCode(null)).toBe('3035');
    expect(layer.fields.getNames()).toEqual(['pid', 'regime', 'regime_name', 'cell_points', 'mean_velocity']);
    const byPid = new Map(cloud.points.map((p) => [p.pid, p]));
    const perCell = new Map<number, number>();
    for (const p of cloud.points) perCell.set(p.row * 1000 + p.col, (perCell.get(p.row * 1000 + p.col) ?? 0) + 1);
    let nulls = 0;
    layer.features.forEach((f) => {
      const p = byPid.get(f.fields.get('pid') as string)!;
      const label = labels[(p.row - box.row0) * box.width + p.col - box.col0];
      const regime = f.fields.get('regime');
      if (label === 255) {
        expect(regime).toBeNull();
        nulls++;
      } else {
        expect(regime).toBe(label);
        expect(f.fields.get('regime_name')).toMatch(new RegExp(`^${label}: `));
      }
      expect(f.fields.get('cell_points')).toBe(perCell.get(p.row * 1000 + p.col));
      expect(f.fields.get('mean_velocity')).toBe(p.velocity);
      const g = f.getGeometry() as gdal.Point;
      expect(g.x).toBeCloseTo(p.laeaX, 3);
      expect(g.y).toBeCloseTo(p.laeaY, 3);
    });
    // QGIS's default-style table inside the GeoPackage holds the same style for this layer.
    const styles = ds.layers.get('layer_styles');
    const style = styles.features.first();
    expect(style.fields.get('f_table_name')).toBe(layer.name);
    expect(style.fields.get('f_geometry_column')).toBe(layer.geomColumn);
    expect(style.fields.get('useAsDefault')).toBe(1);
    expect(style.fields.get('styleQML')).toBe(readFileSync(join(dir, 'ustica.points.qml'), 'utf8'));
    ds.close();
    expect(nulls).toBeLessThan(cloud.points.length / 2);

    // The QGIS style: a categorized renderer on `regime` in the COG's colours, one category per regime and one for NULL.
    const qml = readFileSync(join(dir, 'ustica.points.qml'), 'utf8');
    expect(qml).toMatch(/<renderer-v2 type="categorizedSymbol" attr="regime"/);
    const categories = [...qml.matchAll(/<category value="([^"]*)" symbol="(\d+)" label="([^"]*)"/g)];
    expect(categories.map((c) => c[1])).toEqual(['0', '1', '2', '3', '']);
    for (let k = 0; k < 4; k++) {
      const [rr, gg, bb] = regimeColour(k);
      expect(qml).toMatch(new RegExp(`<symbol type="marker" name="${k}"[^]*?value="${rr},${gg},${bb},255"`));
    }
    expect((qml.match(/<symbol /g) ?? []).length).toBe((qml.match(/<\/symbol>/g) ?? []).length);
    const sidecar = JSON.parse(readFileSync(join(dir, 'ustica.stats.json'), 'utf8'));
    expect(JSON.stringify(sidecar)).toContain('ustica.points.gpkg');
  });

  test('--points-out FILE.csv writes the labelled points as CSV with the file\'s coordinate columns', async () => {
    const out = join(dir, 'csv-out.tif');
    const r = await runCli('run', zip, '--out', out, ...ON_SCENE_GRID, ...METHOD, '--points-out', join(dir, 'labelled.csv'));
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(join(dir, 'labelled.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('easting,northing,pid,regime,regime_name,cell_points,mean_velocity');
    expect(lines).toHaveLength(cloud.points.length + 1);
    expect(existsSync(join(dir, 'csv-out.points.gpkg'))).toBe(false);
    const labels = readBand(out).data as Uint8Array;
    for (const line of lines.slice(1, 200)) {
      const [, , pid, regime] = line.split(',');
      const p = cloud.points.find((q) => q.pid === pid)!;
      const label = labels[(p.row - box.row0) * box.width + p.col - box.col0];
      expect(regime).toBe(label === 255 ? '' : String(label));
    }
  });

  test('a saved model records its grid: predict NEW.csv.gz --model grids onto the same cells', async () => {
    const model = join(dir, 'lyngen.model.json');
    const f = await runCli('fit', zip, '--model-out', model, ...ON_SCENE_GRID, ...METHOD);
    expect(f.code, f.stderr).toBe(0);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    expect(m.pointGrid).toMatchObject({ crs: 'EPSG:25833', cellSize: 40, cellStat: 'mean', reference: 'first' });
    // A new download: the eastern part of the points, gzipped, no grid options at all.
    const sub = join(dir, 'new');
    mkdirSync(sub);
    const east = cloud.points.filter((p) => p.col >= box.col0 + 10);
    const news = writeText(join(sub, 'EGMS_L2b_022_0845_IW2_VV_2020_2024_2.csv.gz'), egmsL2bCsv(cloud, east));
    const p = await runCli('predict', news, '--model', model, '--out', join(sub, 'new.tif'), '--quiet');
    expect(p.code, p.stderr).toBe(0);
    const got = readBand(join(sub, 'new.tif'));
    expect(got.epsg).toBe('25833');
    expect(got.geoTransform![1]).toBe(40);
    expect((got.geoTransform![0] - m.pointGrid.originX) % 40).toBe(0);
    expect((m.pointGrid.originY - got.geoTransform![3]) % 40).toBe(0);
    expect(existsSync(join(sub, 'new.points.gpkg'))).toBe(true);
    // The same points predicted with the model: the labels of `run`.
    const again = await runCli('predict', zip, '--model', model, '--out', join(dir, 'again.tif'), '--quiet');
    expect(again.code, again.stderr).toBe(0);
    expect(Array.from(readBand(join(dir, 'again.tif')).data as Uint8Array)).toEqual(Array.from(readBand(join(dir, 'ustica.tif')).data as Uint8Array));
  });

  test('info POINTS: the layout recognised, points, dates, extent, columns, spacing and the cell size it would choose', async () => {
    const r = await runCli('info', zip);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/layout\s+EGMS L2b/);
    expect(r.stdout).toMatch(new RegExp(`points\\s+${cloud.points.length}`));
    expect(r.stdout).toMatch(/dates\s+16 from 2019-01-04/);
    expect(r.stdout).toMatch(/coordinates\s+easting, northing \(EPSG:3035/);
    expect(r.stdout).toMatch(/static columns\s+height_ortho, mean_velocity, temporal_coherence, amplitude_dispersion, rmse_ts/);
    expect(r.stdout).toMatch(/cell size\s+\d+ m .*spacing/);
    expect(r.stdout).toMatch(/grid CRS\s+EPSG:32634/);
  });
});
