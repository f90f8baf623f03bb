import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSynthScene } from '../src/pipeline/writeSynthScene.js';
import { silentReporter } from '../src/reporter.js';
import { runPython, writeProduct } from './helpers/products.js';
import { runCli } from './helpers/runCli.js';
import { tempDir } from './helpers/tinyRasters.js';

/** Bad product files get one message naming the file and what to do (exit 1), never a stack trace. */
let dir: string;
let scene: { displacement: string; static: string };

beforeAll(async () => {
  dir = tempDir('sc-sources-bad-');
  scene = (await writeSynthScene(join(dir, 'scene'), { preset: 'lyngen', width: 24, height: 20, nDates: 6, seed: 2, crs: 4326 }, false, silentReporter)).files;
  writeProduct('mintpy', scene.displacement, scene.static, join(dir, 'mintpy'));
  writeProduct('licsbas', scene.displacement, scene.static, join(dir, 'licsbas'));
  writeProduct('netcdf', scene.displacement, scene.static, join(dir, 'netcdf'));
  writeProduct('single', scene.displacement, scene.static, join(dir, 'single'));
});

/** A copy of a fixture, changed by a Python snippet that gets the copy's path as `p`. */
function variant(from: string, name: string, code: string): string {
  const to = join(dir, name);
  copyFileSync(from, to);
  runPython(`p = ${JSON.stringify(to)}\n${code}`);
  return to;
}

async function refused(scene: string, pattern: RegExp, ...extra: string[]) {
  const r = await runCli('info', scene, ...extra);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.code).toBe(1);
  return r.stderr;
}

describe('HDF5 products without what they need', () => {
  it('a MintPy file in radar coordinates: geocode it first', async () => {
    const f = variant(join(dir, 'mintpy', 'geo_timeseries.h5'), 'timeseries.h5', "import h5py\nwith h5py.File(p, 'a') as f:\n  [f.attrs.__delitem__(k) for k in ('X_FIRST', 'Y_FIRST', 'X_STEP', 'Y_STEP')]");
    await refused(f, /MintPy file '.*timeseries\.h5' is in radar coordinates \(no X_FIRST\/Y_FIRST attributes\).*geocode\.py/);
  });

  it('a MintPy file missing one grid attribute, or with dates that do not increase', async () => {
    const noStep = variant(join(dir, 'mintpy', 'geo_timeseries.h5'), 'nostep.h5', "import h5py\nwith h5py.File(p, 'a') as f:\n  del f.attrs['Y_STEP']");
    await refused(noStep, /nostep\.h5' lacks the MintPy attribute Y_STEP/);
    const swapped = variant(join(dir, 'mintpy', 'geo_timeseries.h5'), 'swapped.h5', "import h5py\nwith h5py.File(p, 'a') as f:\n  d = f['date'][:]\n  d[[1, 2]] = d[[2, 1]]\n  f['date'][:] = d");
    await refused(swapped, /swapped\.h5', dataset 'date',: the dates do not increase \(entry 3, .*\)/);
  });

  it('a LiCSBAS file without its corner datasets', async () => {
    const f = variant(join(dir, 'licsbas', 'cum.h5'), 'cum_radar.h5', "import h5py\nwith h5py.File(p, 'a') as f:\n  del f['corner_lat']\n  del f['corner_lon']");
    await refused(f, /LiCSBAS file '.*cum_radar\.h5' has no corner_lat, corner_lon datasets.*geocoded/);
  });

  it('a static dataset that is not there lists the ones that are', async () => {
    await refused(join(dir, 'mintpy', 'geo_timeseries.h5'), /static file '.*velocity\.h5' has no dataset 'velocty'; its 2-D datasets are velocity, velocityStd/,
      '--static', `${join(dir, 'mintpy', 'velocity.h5')}:velocty`);
  });
});

describe('netCDF files without what they need', () => {
  const nc = () => join(dir, 'netcdf', 'disp.nc');

  it('a time axis without units, or in a calendar other than the standard one', async () => {
    const noUnits = variant(nc(), 'nounits.nc', "import netCDF4\nwith netCDF4.Dataset(p, 'a') as d:\n  d['time'].delncattr('units')");
    await refused(noUnits, /netCDF time coordinate 'time' of '.*nounits\.nc' has no units.*days since/);
    const noleap = variant(nc(), 'noleap.nc', "import netCDF4\nwith netCDF4.Dataset(p, 'a') as d:\n  d['time'].calendar = '360_day'");
    await refused(noleap, /uses the '360_day' calendar/);
  });

  it('a displacement without units, and several candidates listed with the argument to give', async () => {
    const noUnits = variant(nc(), 'nodispunits.nc', "import netCDF4\nwith netCDF4.Dataset(p, 'a') as d:\n  d['displacement'].delncattr('units')");
    await refused(noUnits, /variable 'displacement' of '.*nodispunits\.nc' has no units attribute; expected a displacement in m, cm or mm.*ncatted/);
    const two = variant(nc(), 'two.nc', "import netCDF4\nwith netCDF4.Dataset(p, 'a') as d:\n  v = d.createVariable('displacement_filt', 'f4', ('time', 'lat', 'lon'))\n  v.units = 'm'\n  v[:] = d['displacement'][:] / 1000");
    const msg = await refused(two, /has 2 displacement-like variables/);
    expect(msg).toContain(`'NETCDF:"${two}":displacement'`);
    expect(msg).toContain(`'NETCDF:"${two}":displacement_filt'`);
    const chosen = await runCli('info', `NETCDF:"${two}":displacement_filt`, '--json');
    expect(chosen.code).toBe(0);
    expect(JSON.parse(chosen.stdout).provenance.units).toBe('m (units attribute), multiplied by 1000 to mm');
  });
});

describe('single-date files that cannot make a series', () => {
  it('a glob matching nothing', async () => {
    await refused(join(dir, 'single', 'disp_*.tiff'), /disp_\*\.tiff' matches no file in '.*single'/);
  });

  it('files with different units, a velocity among displacements, an interferogram pair, a file without a date', async () => {
    const folder = (name: string) => {
      const f = join(dir, name);
      mkdirSync(f);
      for (const file of readdirSync(join(dir, 'single'))) copyFileSync(join(dir, 'single', file), join(f, file));
      return f;
    };
    const units = folder('units');
    runPython(`from osgeo import gdal\nds = gdal.Open(${JSON.stringify(join(units, 'disp_2019-01-04.tif'))}, 1)\nds.GetRasterBand(1).SetUnitType('m')\nds = None`);
    await refused(join(units, '*.tif'), /have different units \('.*disp_2019-01-04\.tif' in m, '.*' without a unit\)/);

    const vel = folder('vel');
    copyFileSync(join(vel, 'disp_2019-01-04.tif'), join(vel, 'vel_2019-01-04_2019-03-01.tif'));
    await refused(join(vel, '*.tif'), /vel_2019-01-04_2019-03-01\.tif' \(matched by .*\) is a velocity map \(by its name\).*--static/);

    const pair = folder('pair');
    copyFileSync(join(pair, 'disp_2019-01-04.tif'), join(pair, '20190104_20190116.unw.tif'));
    await refused(join(pair, '*.tif'), /20190104_20190116\.unw\.tif' .* holds two dates in its name \(2019-01-04, 2019-01-16\): an interferogram pair/);

    const undated = folder('undated');
    copyFileSync(join(undated, 'disp_2019-01-04.tif'), join(undated, 'disp_latest.tif'));
    await refused(join(undated, '*.tif'), /disp_latest\.tif' .* has no date in its name/);
  });

  it('an @list naming a file that is not there names the line', async () => {
    const list = join(dir, 'single', 'bad.txt');
    runPython(`open(${JSON.stringify(list)}, 'w').write('disp_2019-01-04.tif\\n\\nmissing.tif\\n')`);
    await refused(`@${list}`, /list file '.*bad\.txt', line 3: 'missing\.tif' does not exist/);
  });
});
