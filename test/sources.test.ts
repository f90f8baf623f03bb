import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { runPython, writeProduct } from './helpers/products.js';
import { readAllBands, readBand } from './helpers/readRaster.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

/**
 * Same data, same answer: one synth scene written in every product layout (by
 * writeProducts.py, from each product's documented conventions) gives the labels
 * of the dated GeoTIFF, on the same grid.
 */
const W = 48, H = 40, DATES = 12;
let dir: string;
let geo: { displacement: string; static: string };
let utm: { displacement: string; static: string };

beforeAll(async () => {
  dir = tempDir('sc-sources-');
  mkdirSync(join(dir, 'out'));
  geo = (await writeSynthScene(join(dir, 'geo'), { preset: 'lyngen', width: W, height: H, nDates: DATES, seed: 5, crs: 4326 }, false, silentReporter)).files;
  utm = (await writeSynthScene(join(dir, 'utm'), { preset: 'nordnes', width: W, height: H, nDates: DATES, seed: 6, crs: 25833 }, false, silentReporter)).files;
  writeProduct('mintpy', geo.displacement, geo.static, join(dir, 'mintpy'));
  writeProduct('mintpy', utm.displacement, utm.static, join(dir, 'mintpy-utm'), '--chunks', '3d');
  writeProduct('licsbas', geo.displacement, geo.static, join(dir, 'licsbas'));
  writeProduct('netcdf', geo.displacement, geo.static, join(dir, 'netcdf'));
  writeProduct('netcdf-projected', utm.displacement, utm.static, join(dir, 'netcdf-utm'));
  writeProduct('single', geo.displacement, geo.static, join(dir, 'single'));
});

async function labelsOf(scene: string, name: string, ...extra: string[]) {
  const out = join(dir, 'out', `${name}.tif`);
  const r = await runCli('run', scene, '--out', out, '--threads', 1, '--k', 4, '--quiet', '--overwrite', ...extra);
  expect(r.stderr.replace(/^warning: the files of .* state no unit.*\n/m, '')).toBe('');
  expect(r.code).toBe(0);
  return { ...readBand(out), sidecar: JSON.parse(readFileSync(join(dir, 'out', `${name}.stats.json`), 'utf8')) };
}

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

function expectSameGrid(a: { geoTransform: number[] | null; epsg: string | null; width: number; height: number }, b: typeof a) {
  expect([b.width, b.height, b.epsg]).toEqual([a.width, a.height, a.epsg]);
  if (!a.geoTransform || !b.geoTransform) throw new Error('expected georeferenced outputs');
  const gt = a.geoTransform;
  // netCDF's grid comes back from pixel-centre coordinates: equal to a few ulps, not bit for bit.
  b.geoTransform.forEach((v, i) => expect(v).toBeCloseTo(gt[i], 12));
}

describe('same data, same answer', () => {
  it('MintPy (metres, corner grid), LiCSBAS (pixel-centre corners), netCDF (CF time, lat/lon) and south-up single-date files give the GeoTIFF labels', async () => {
    const ref = await labelsOf(geo.displacement, 'tif');
    const layouts: [string, string, number][] = [
      ['mintpy', join(dir, 'mintpy', 'geo_timeseries.h5'), 0.995], // metres to mm may move a pixel
      ['licsbas', join(dir, 'licsbas', 'cum.h5'), 1],
      ['netcdf', join(dir, 'netcdf', 'disp.nc'), 1],
      ['single', join(dir, 'single', '*.tif'), 1],
    ];
    for (const [name, scene, share] of layouts) {
      const got = await labelsOf(scene, name);
      expectSameGrid(ref, got);
      expect(agreement(ref.data, got.data), name).toBeGreaterThanOrEqual(share);
      expect(got.sidecar.inputs.scene.dates).toEqual(ref.sidecar.inputs.scene.dates);
      expect(got.sidecar.inputs.scene.path).toBe(scene);
    }
  });

  it('a projected MintPy file (EPSG attribute, 3-D gzip chunks) and a netCDF with a grid_mapping variable give the GeoTIFF labels', async () => {
    const ref = await labelsOf(utm.displacement, 'utm');
    for (const [name, scene] of [['mintpy-utm', join(dir, 'mintpy-utm', 'geo_timeseries.h5')], ['netcdf-utm', join(dir, 'netcdf-utm', 'disp_utm.nc')]]) {
      const got = await labelsOf(scene, name);
      expectSameGrid(ref, got);
      expect(got.epsg).toBe('25833');
      expect(agreement(ref.data, got.data), name).toBeGreaterThanOrEqual(0.995);
    }
  });

  it('a south-up GeoTIFF stack is turned north-up on the same pixels', async () => {
    const southUp = join(dir, 'southup.tif');
    runPython(
      `from osgeo import gdal\nsrc = gdal.Open('${geo.displacement}')\ngt = src.GetGeoTransform()\n` +
        `d = gdal.GetDriverByName('GTiff').Create('${southUp}', src.RasterXSize, src.RasterYSize, src.RasterCount, gdal.GDT_Float32)\n` +
        `d.SetSpatialRef(src.GetSpatialRef())\nd.SetGeoTransform((gt[0], gt[1], 0, gt[3] + src.RasterYSize * gt[5], 0, -gt[5]))\n` +
        `for b in range(src.RasterCount):\n  o = d.GetRasterBand(b + 1)\n  o.WriteArray(src.GetRasterBand(b + 1).ReadAsArray()[::-1])\n` +
        `  o.SetDescription(src.GetRasterBand(b + 1).GetDescription())\n  o.SetNoDataValue(float('nan'))\nd = None`,
    );
    const ref = await labelsOf(geo.displacement, 'tif-again');
    const got = await labelsOf(southUp, 'southup');
    expect(got.geoTransform).toEqual(ref.geoTransform);
    expect(Array.from(got.data)).toEqual(Array.from(ref.data));
    expect(got.sidecar.inputs.scene.provenance.notes).toEqual(['south-up raster turned north-up (nearest neighbour on the same pixels)']);
  });

  it('the same variable named as NETCDF:"file":var reads as the plain file does', async () => {
    const plain = await labelsOf(join(dir, 'netcdf', 'disp.nc'), 'nc-plain');
    const named = await labelsOf(`NETCDF:"${join(dir, 'netcdf', 'disp.nc')}":displacement`, 'nc-named');
    expect(Array.from(named.data)).toEqual(Array.from(plain.data));
  });

  it('an @list of the single-date files, in any order, reads as the glob does', async () => {
    const files = readdirSync(join(dir, 'single')).filter((f) => f.endsWith('.tif')).reverse();
    writeFileSync(join(dir, 'single', 'list.txt'), `# exports\n${files.join('\n')}\n`);
    const glob = await labelsOf(join(dir, 'single', '*.tif'), 'glob');
    const list = await labelsOf(`@${join(dir, 'single', 'list.txt')}`, 'list');
    expect(Array.from(list.data)).toEqual(Array.from(glob.data));
  });
});

describe('chunk layouts', () => {
  it('a MintPy file chunked one date plane per chunk is copied once into TMPDIR, compressed, and gives the same labels; the copy is removed', async () => {
    // Chunks of a whole 600 x 520 plane are larger than a tile's window: the copy path.
    const big = (await writeSynthScene(join(dir, 'planes'), { preset: 'lyngen', width: 600, height: 520, nDates: 6, seed: 7 }, false, silentReporter)).files;
    writeProduct('mintpy', big.displacement, big.static, join(dir, 'mintpy-planes'), '--chunks', 'plane');
    const scratch = join(dir, 'scratch');
    mkdirSync(scratch);
    const before = process.env.TMPDIR;
    process.env.TMPDIR = scratch;
    try {
      const ref = await labelsOf(big.displacement, 'planes-ref', '--tile-size', '128');
      const r = await runCli('run', join(dir, 'mintpy-planes', 'geo_timeseries.h5'), '--out', join(dir, 'out', 'planes.tif'), '--threads', 1, '--tile-size', 128, '--verbose');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/chunked one date plane per chunk; copying it once into/);
      expect(r.stderr).toMatch(/copied in [\d.]+ s to [\d.]+ GB of scratch \(\d+ % of the [\d.]+ GB uncompressed\)/);
      const got = readBand(join(dir, 'out', 'planes.tif'));
      expectSameGrid(ref, got);
      expect(agreement(ref.data, got.data)).toBeGreaterThanOrEqual(0.995);
      const sidecar = JSON.parse(readFileSync(join(dir, 'out', 'planes.stats.json'), 'utf8'));
      expect(sidecar.inputs.scene.provenance.notes.join(' ')).toMatch(/chunks of 600 x 520 pixels \(a whole date plane\): copied once/);
      expect(readdirSync(scratch).filter((f) => f.startsWith('smoothcluster-transcode'))).toEqual([]);
      // info reads a few windows only: it says what a run will do instead of copying.
      const info = JSON.parse((await runCli('info', join(dir, 'mintpy-planes', 'geo_timeseries.h5'), '--json')).stdout);
      expect(info.provenance.notes.join(' ')).toMatch(/run, fit, sweep\.\.\. copy it once/);
      expect(info.dates).toHaveLength(6);
    } finally {
      if (before === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = before;
    }
  });
});

describe('info says what it detected', () => {
  it('names the product, where the grid, CRS and dates came from, the unit conversion, reference and sign', async () => {
    const mintpy = await runCli('info', join(dir, 'mintpy', 'geo_timeseries.h5'));
    expect(mintpy.code).toBe(0);
    expect(mintpy.stdout).toMatch(/product\s+MintPy/);
    expect(mintpy.stdout).toMatch(/grid from\s+root attributes X_FIRST\/Y_FIRST \(upper-left corner\)/);
    expect(mintpy.stdout).toMatch(/CRS from\s+root attribute EPSG \(4326\)/);
    expect(mintpy.stdout).toMatch(/dates from\s+'date' dataset/);
    expect(mintpy.stdout).toMatch(/units\s+m \(UNIT attribute\), multiplied by 1000 to mm/);
    expect(mintpy.stdout).toMatch(/reference\s+date 2019-01-04; point lat [\d.]+, lon [\d.]+ \(pixel x 24, y 20\)/);
    expect(mintpy.stdout).toMatch(/sign\s+line of sight, positive towards the satellite/);
    expect(mintpy.stdout).toMatch(/dates\s+12 from 2019-01-04/);

    const licsbas = JSON.parse((await runCli('info', join(dir, 'licsbas', 'cum.h5'), '--json')).stdout);
    expect(licsbas.provenance).toMatchObject({ product: 'LiCSBAS', crsFrom: expect.stringContaining('EPSG:4326'), datesFrom: "'imdates' dataset", units: expect.stringMatching(/^mm/) });
    expect(licsbas.provenance.gridFrom).toMatch(/centre of the first pixel/);
    expect(licsbas.provenance.referencePoint).toBe('refarea 24:25/20:21 (pixels x1:x2/y1:y2)');

    const nc = JSON.parse((await runCli('info', join(dir, 'netcdf', 'disp.nc'), '--json')).stdout);
    expect(nc.provenance.crsFrom).toMatch(/lat\/lon in degrees \(lon\/lat, EPSG:4326\)/);
    expect(nc.provenance.datesFrom).toMatch(/time coordinate 'time' \(days since 2019-01-04 00:00:00, standard calendar\)/);
    expect(nc.crs.epsg).toBe(4326);
    const ncUtm = JSON.parse((await runCli('info', join(dir, 'netcdf-utm', 'disp_utm.nc'), '--json')).stdout);
    expect(ncUtm.provenance.crsFrom).toBe("grid_mapping variable 'spatial_ref'");
    expect(ncUtm.provenance.units).toBe('m (units attribute), multiplied by 1000 to mm');

    const single = JSON.parse((await runCli('info', join(dir, 'single', '*.tif'), '--json')).stdout);
    expect(single.provenance.product).toBe('single-date rasters');
    expect(single.provenance.inputs).toHaveLength(DATES);
    expect(single.provenance.notes.join(' ')).toMatch(/6 south-up files turned north-up/);
  });

  it("finds MintPy's date strings wherever h5py put them (written before the time series too)", async () => {
    const first = join(dir, 'date_first.h5');
    runPython(
      `import h5py\nsrc = h5py.File('${join(dir, 'mintpy', 'geo_timeseries.h5')}', 'r')\nwith h5py.File('${first}', 'w') as f:\n` +
        `  f.create_dataset('date', data=src['date'][:])\n  f.create_dataset('bperp', data=src['bperp'][:])\n` +
        `  f.create_dataset('timeseries', data=src['timeseries'][:])\n  for k, v in src.attrs.items(): f.attrs[k] = v`,
    );
    const info = JSON.parse((await runCli('info', first, '--json')).stdout);
    expect(info.dates).toEqual(JSON.parse((await runCli('info', geo.displacement, '--json')).stdout).dates);
  });

  it('reads CF time in hours since a base time with a clock time, stored as Int64 (as xarray encodes it), as the same dates', async () => {
    const hours = join(dir, 'hours.nc');
    runPython(
      `import netCDF4, numpy as np\nsrc = netCDF4.Dataset('${join(dir, 'netcdf', 'disp.nc')}')\nd = netCDF4.Dataset('${hours}', 'w')\n` +
        `for n, dim in src.dimensions.items(): d.createDimension(n, len(dim))\n` +
        `t = d.createVariable('time', 'i8', ('time',))\nt.units = 'hours since 2019-01-03 18:00:00'\nt.calendar = 'proleptic_gregorian'\n` +
        `t[:] = (src['time'][:] * 24 + 6).astype(np.int64)\n` +
        `for n in ('lat', 'lon'):\n  v = d.createVariable(n, 'f8', (n,))\n  v.units = src[n].units\n  v[:] = src[n][:]\n` +
        `v = d.createVariable('displacement', 'f4', ('time', 'lat', 'lon'), fill_value=np.float32(np.nan))\nv.units = 'cm'\nv[:] = src['displacement'][:] / 10\nd.close()`,
    );
    const info = JSON.parse((await runCli('info', hours, '--json')).stdout);
    expect(info.dates).toEqual(JSON.parse((await runCli('info', geo.displacement, '--json')).stdout).dates);
    expect(info.provenance.units).toBe('cm (units attribute), multiplied by 10 to mm');
  });

  it('unpacks int16 values (scale_factor, add_offset, _FillValue) of a north-up netCDF-4 file', async () => {
    const packed = join(dir, 'packed.nc');
    runPython(
      `import netCDF4, numpy as np\nsrc = netCDF4.Dataset('${join(dir, 'netcdf', 'disp.nc')}')\nd = netCDF4.Dataset('${packed}', 'w')\n` +
        `for n, dim in src.dimensions.items(): d.createDimension(n, len(dim))\n` +
        `t = d.createVariable('time', 'f8', ('time',))\nt.units = src['time'].units\nt[:] = src['time'][:]\n` +
        `for n in ('lat', 'lon'):\n  v = d.createVariable(n, 'f8', (n,))\n  v.units = src[n].units\n  v[:] = src[n][:][::-1] if n == 'lat' else src[n][:]\n` +
        `v = d.createVariable('los', 'i2', ('time', 'lat', 'lon'), fill_value=np.int16(-32768))\nv.units = 'mm'\nv.scale_factor = 0.01\nv.add_offset = 5.0\n` +
        `v[:] = src['displacement'][:][:, ::-1, :]\nd.close()`,
    );
    const info = JSON.parse((await runCli('info', packed, '--json')).stdout);
    expect(info.provenance.notes).toEqual(['variable los', "read through GDAL's HDF5 driver (a netCDF-4 file stored north-up)", 'packed values: scale_factor 0.01, add_offset 5']);
    const ref = await labelsOf(geo.displacement, 'packed-ref');
    const got = await labelsOf(packed, 'packed');
    expectSameGrid(ref, got);
    expect(agreement(ref.data, got.data)).toBeGreaterThanOrEqual(0.995);
    expect(got.sidecar.validPixels).toBe(ref.sidecar.validPixels); // the fill value is missing, as NaN was
    // Labels do not see a constant offset or a common scale: the values themselves must come back in mm.
    const out = join(dir, 'out', 'packed-stack.tif');
    expect((await runCli('stack', packed, '--out', out, '--quiet')).code).toBe(0);
    const a = readAllBands(out), b = readAllBands(geo.displacement);
    for (let d = 0; d < DATES; d++) for (let i = 0; i < W * H; i++) {
      if (Number.isNaN(b[d][i])) expect(a[d][i]).toBeNaN();
      else expect(Math.abs(a[d][i] - b[d][i])).toBeLessThanOrEqual(0.0051);
    }
  });

  it('keeps the provenance in the sidecar, the report and the COG metadata', async () => {
    const got = await labelsOf(join(dir, 'licsbas', 'cum.h5'), 'prov');
    expect(got.sidecar.inputs.scene.provenance).toMatchObject({ product: 'LiCSBAS', datesFrom: "'imdates' dataset" });
    const html = readFileSync(join(dir, 'out', 'prov.report.html'), 'utf8');
    expect(html).toContain('LiCSBAS');
    expect(html).toContain('corner_lat/corner_lon');
    const gdal = (await import('gdal-async')).default;
    const ds = gdal.open(join(dir, 'out', 'prov.tif'));
    const md = ds.getMetadata() as Record<string, string>;
    ds.close();
    expect(JSON.parse(md.SMOOTHCLUSTER_PROVENANCE)).toMatchObject({ product: 'LiCSBAS' });
  });
});

describe('static layers from the same families', () => {
  it('takes MintPy velocity.h5 and geometryGeo.h5 (every 2-D dataset a layer) and FILE.h5:NAME', async () => {
    const r = await runCli('info', join(dir, 'mintpy', 'geo_timeseries.h5'), '--static', join(dir, 'mintpy', 'velocity.h5'), '--static', join(dir, 'mintpy', 'geometryGeo.h5'),
      '--static', `${join(dir, 'licsbas', 'cum.h5')}:coh_avg`, '--json');
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout);
    expect(info.statics.map((s: { layers: string[] }) => s.layers)).toEqual([['velocity', 'velocityStd'], ['height', 'incidenceAngle'], ['coh_avg']]);
    expect(info.statics.every((s: { onGrid: boolean }) => s.onGrid)).toBe(true);
    expect(info.statics[0].path).toBe(join(dir, 'mintpy', 'velocity.h5'));
  });

  it('reads MintPy velocity (m/year) as mm/yr, as the GeoTIFF layer holds it', async () => {
    const a = await labelsOf(join(dir, 'mintpy', 'geo_timeseries.h5'), 'static-mintpy', '--static', `${join(dir, 'mintpy', 'velocity.h5')}:velocity`);
    expect(a.sidecar.inputs.statics[0].layers).toEqual(['velocity']);
    const velocityBand = readAllBands(geo.static)[1];
    const meanMintpy = a.sidecar.clusters.reduce((s: number, c: { count: number; static: { velocity: { mean: number } } }) => s + c.count * c.static.velocity.mean, 0) /
      a.sidecar.clusters.reduce((s: number, c: { count: number }) => s + c.count, 0);
    let sum = 0, n = 0;
    const labels = a.data;
    for (let i = 0; i < velocityBand.length; i++) if (labels[i] !== 255 && Number.isFinite(velocityBand[i])) { sum += velocityBand[i]; n++; }
    expect(meanMintpy).toBeCloseTo(sum / n, 2); // mm/yr, as the GeoTIFF layer holds it
  });
});

describe('smoothcluster stack', () => {
  it('writes any accepted source as the dated GeoTIFF a run reads: same values in mm, dates as band names, provenance in the metadata', async () => {
    const out = join(dir, 'out', 'stacked.tif');
    const r = await runCli('stack', join(dir, 'mintpy', 'geo_timeseries.h5'), '--out', out, '--quiet');
    expect(r.code).toBe(0);
    const stacked = readBand(out);
    const original = readBand(geo.displacement);
    expect(stacked.descriptions).toEqual(original.descriptions);
    expect(stacked.geoTransform).toEqual(original.geoTransform);
    expect(Number.isNaN(stacked.nodata)).toBe(true);
    const a = readAllBands(out), b = readAllBands(geo.displacement);
    let worst = 0;
    for (let d = 0; d < DATES; d++) for (let i = 0; i < W * H; i++) {
      if (Number.isNaN(b[d][i])) expect(a[d][i]).toBeNaN();
      else worst = Math.max(worst, Math.abs(a[d][i] - b[d][i]));
    }
    expect(worst).toBeLessThan(1e-3); // mm, float32 metres and back
    const gdal = (await import('gdal-async')).default;
    const ds = gdal.open(out);
    const md = ds.getMetadata() as Record<string, string>;
    ds.close();
    expect(JSON.parse(md.SMOOTHCLUSTER_PROVENANCE).product).toBe('MintPy');
    expect(md.UNITS).toBe('mm');
    const again = await runCli('stack', join(dir, 'mintpy', 'geo_timeseries.h5'), '--out', out, '--quiet');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists/);
  });
});

describe('--crs and --dates', () => {
  it('refuses a scene with a grid but no CRS, runs with --crs, and records the override in the sidecar', async () => {
    const noCrs = join(dir, 'nocrs.tif');
    // A copy with its geotransform and dates but no CRS, as some exports come.
    runPython(`from osgeo import gdal\nm = gdal.Translate('', '${geo.displacement}', format='MEM')\nm.SetProjection('')\ngdal.GetDriverByName('GTiff').CreateCopy('${noCrs}', m)`);
    const gdal = (await import('gdal-async')).default;
    const ungeo = gdal.open(noCrs);
    expect(ungeo.srs).toBeNull();
    ungeo.close();
    const refused = await runCli('run', noCrs, '--out', join(dir, 'out', 'nocrs.tif'), '--quiet');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/has a geotransform but no CRS.*--crs EPSG:NNNN.*--allow-ungeoreferenced/);
    const info = await runCli('info', noCrs);
    expect(info.stdout).toMatch(/CRS\s+none: run, fit, sweep\.\.\. refuse this scene; give its CRS with --crs/);
    const ref = await labelsOf(geo.displacement, 'crs-ref');
    const fixed = await labelsOf(noCrs, 'crs-given', '--crs', 'EPSG:4326');
    expect(Array.from(fixed.data)).toEqual(Array.from(ref.data));
    expect(fixed.epsg).toBe('4326');
    expect(fixed.sidecar.parameters.crs).toBe('EPSG:4326');
    expect(fixed.sidecar.inputs.scene.provenance.crsFrom).toBe('--crs EPSG:4326');
  });

  it('assigns dates from a list or a file, in band order, and records them', async () => {
    const dates = Array.from({ length: DATES }, (_v, i) => new Date(Date.UTC(2020, 0, 1 + 6 * i)).toISOString().slice(0, 10));
    const file = join(dir, 'dates.txt');
    writeFileSync(file, dates.map((d) => d.replace(/-/g, '')).join('\n'));
    const fromFile = JSON.parse((await runCli('info', geo.displacement, '--dates', file, '--json')).stdout);
    expect(fromFile.dates).toEqual(dates);
    expect(fromFile.provenance.datesFrom).toBe(`--dates file '${file}'`);
    const fromList = await labelsOf(join(dir, 'mintpy', 'geo_timeseries.h5'), 'dates-list', '--dates', dates.join(','));
    expect(fromList.sidecar.inputs.scene.dates).toEqual(dates);
    expect(fromList.sidecar.parameters.dates).toBe(dates.join(','));
    const short = await runCli('info', geo.displacement, '--dates', '2020-01-01,2020-01-07');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/--dates gives 2 dates, but scene '.*' has 12 data bands/);
    const backwards = await runCli('info', geo.displacement, '--dates', [...dates].reverse().join(','));
    expect(backwards.code).toBe(2);
    expect(backwards.stderr).toMatch(/does not come after/);
    const badCrs = await runCli('info', geo.displacement, '--crs', 'EPSG:99999999');
    expect(badCrs.code).toBe(2);
    expect(badCrs.stderr).toMatch(/--crs 'EPSG:99999999' is not a CRS GDAL knows/);
  });
});
