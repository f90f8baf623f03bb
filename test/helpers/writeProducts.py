#!/usr/bin/python3
"""Writes one scene (a dated GeoTIFF stack in mm, plus its static layers) in the layouts
InSAR processors deliver, following each product's documented conventions (see
../shared/FORMATS.md), not smoothcluster's readers:

  mintpy   geo_timeseries.h5: root dataset `timeseries` (date, row, col) float32 in METRES,
           `date` YYYYMMDD byte strings, `bperp`; root attributes (strings) X_FIRST/Y_FIRST
           = upper-left CORNER of the first pixel, X_STEP/Y_STEP, EPSG, LENGTH, WIDTH, UNIT,
           REF_DATE, REF_X/REF_Y, REF_LAT/REF_LON, FILE_TYPE; velocity.h5 (m/yr) and
           geometryGeo.h5 (height, incidenceAngle) with the same attributes.
  licsbas  cum.h5: `cum` (date, row, col) float32 in mm, `imdates` int32 YYYYMMDD, datasets
           corner_lat/corner_lon = CENTRE of the first pixel, post_lat (negative)/post_lon,
           `vel` mm/yr, `coh_avg`, `hgt`, `refarea` "x1:x2/y1:y2", `bperp`; EPSG:4326.
  netcdf   disp.nc (CF): `displacement` (time, lat, lon) with units, `time` in
           "days since ..." (standard calendar), 1-D `lat` (ascending, as xarray writes it)
           and `lon` coordinates of pixel centres in degrees, no grid_mapping.
  netcdf-projected  disp_utm.nc: (time, y, x) in metres with a `spatial_ref` grid_mapping
           variable (crs_wkt), x/y pixel-centre coordinates, y descending.
  single   one GeoTIFF per date named by its date (disp_YYYY-MM-DD.tif and LiCSBAS-style
           YYYYMMDD.geo.cum.tif), every other one south-up (positive y pixel size).

usage: writeProducts.py LAYOUT DISPLACEMENT.tif STATIC.tif OUTDIR [--chunks contiguous|3d|plane]
"""
import sys
import os
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()


def read_stack(path):
    ds = gdal.Open(path)
    data = ds.ReadAsArray().astype(np.float32)
    if data.ndim == 2:
        data = data[None]
    names = [ds.GetRasterBand(b + 1).GetDescription() for b in range(ds.RasterCount)]
    gt = ds.GetGeoTransform()
    srs = ds.GetSpatialRef()
    epsg = int(srs.GetAuthorityCode(None)) if srs and srs.GetAuthorityCode(None) else None
    return data, names, gt, srs, epsg


def compact(iso):
    return iso.replace('-', '')


def h5_kwargs(chunks, shape):
    if chunks == 'contiguous':
        return {}
    if chunks == '3d':
        return {'chunks': (min(8, shape[0]), min(64, shape[1]), min(64, shape[2])), 'compression': 'gzip', 'compression_opts': 4}
    if chunks == 'plane':
        return {'chunks': (1, shape[1], shape[2]), 'compression': 'gzip', 'compression_opts': 4}
    raise SystemExit(f'unknown --chunks {chunks}')


def mintpy_attrs(gt, epsg, shape, file_type, unit, dates=None):
    degrees = epsg == 4326
    attrs = {
        'FILE_TYPE': file_type, 'UNIT': unit, 'LENGTH': str(shape[-2]), 'WIDTH': str(shape[-1]),
        'X_FIRST': repr(gt[0]), 'Y_FIRST': repr(gt[3]), 'X_STEP': repr(gt[1]), 'Y_STEP': repr(gt[5]),
        'X_UNIT': 'degrees' if degrees else 'meters', 'Y_UNIT': 'degrees' if degrees else 'meters',
        'EPSG': str(epsg), 'PROCESSOR': 'isce', 'ORBIT_DIRECTION': 'ASCENDING',
    }
    ref_y, ref_x = shape[-2] // 2, shape[-1] // 2
    attrs.update({'REF_Y': str(ref_y), 'REF_X': str(ref_x),
                  'REF_LAT': repr(gt[3] + (ref_y + 0.5) * gt[5]), 'REF_LON': repr(gt[0] + (ref_x + 0.5) * gt[1])})
    if dates:
        attrs['REF_DATE'] = compact(dates[0])
    return attrs


def write_mintpy(disp, statics, out, chunks):
    import h5py
    data, dates, gt, _srs, epsg = disp
    sdata, snames, _sgt, _s, _e = statics
    os.makedirs(out, exist_ok=True)
    with h5py.File(os.path.join(out, 'geo_timeseries.h5'), 'w') as f:
        f.create_dataset('timeseries', data=data / np.float32(1000), dtype=np.float32, **h5_kwargs(chunks, data.shape))
        f.create_dataset('date', data=np.array([compact(d).encode() for d in dates], dtype='S8'))
        f.create_dataset('bperp', data=np.zeros(len(dates), dtype=np.float32))
        for k, v in mintpy_attrs(gt, epsg, data.shape, 'timeseries', 'm', dates).items():
            f.attrs[k] = v
    vel = sdata[snames.index('mean_velocity')]
    with h5py.File(os.path.join(out, 'velocity.h5'), 'w') as f:
        f.create_dataset('velocity', data=vel / np.float32(1000), dtype=np.float32)
        f.create_dataset('velocityStd', data=np.full(vel.shape, 0.001, dtype=np.float32))
        for k, v in mintpy_attrs(gt, epsg, vel.shape, 'velocity', 'm/year', dates).items():
            f.attrs[k] = v
    with h5py.File(os.path.join(out, 'geometryGeo.h5'), 'w') as f:
        f.create_dataset('height', data=sdata[snames.index('height')], dtype=np.float32)
        f.create_dataset('incidenceAngle', data=np.full(vel.shape, 39.5, dtype=np.float32))
        for k, v in mintpy_attrs(gt, epsg, vel.shape, 'geometry', '1').items():
            f.attrs[k] = v


def write_licsbas(disp, statics, out, chunks):
    import h5py
    data, dates, gt, _srs, epsg = disp
    if epsg != 4326:
        raise SystemExit('LiCSBAS products are on a lon/lat grid (EPSG:4326)')
    sdata, snames, _sgt, _s, _e = statics
    os.makedirs(out, exist_ok=True)
    with h5py.File(os.path.join(out, 'cum.h5'), 'w') as f:
        f.create_dataset('imdates', data=np.array([int(compact(d)) for d in dates], dtype=np.int32))
        f.create_dataset('bperp', data=np.zeros(len(dates), dtype=np.float32))
        f.create_dataset('cum', data=data, dtype=np.float32, **h5_kwargs(chunks, data.shape))
        f.create_dataset('vel', data=sdata[snames.index('mean_velocity')], dtype=np.float32)
        f.create_dataset('coh_avg', data=sdata[snames.index('temporal_coherence')], dtype=np.float32)
        f.create_dataset('hgt', data=sdata[snames.index('height')], dtype=np.float32)
        # pixel centres of the first pixel, and the steps
        f.create_dataset('corner_lat', data=np.float64(gt[3] + gt[5] / 2))
        f.create_dataset('corner_lon', data=np.float64(gt[0] + gt[1] / 2))
        f.create_dataset('post_lat', data=np.float64(gt[5]))
        f.create_dataset('post_lon', data=np.float64(gt[1]))
        ry, rx = data.shape[1] // 2, data.shape[2] // 2
        f.create_dataset('refarea', data=f'{rx}:{rx + 1}/{ry}:{ry + 1}')


def cf_time(nc, dates, name='time'):
    import datetime
    nc.createDimension(name, len(dates))
    t = nc.createVariable(name, 'f8', (name,))
    t.units = f'days since {dates[0]} 00:00:00'
    t.calendar = 'standard'
    t.standard_name = 'time'
    d0 = datetime.date.fromisoformat(dates[0])
    t[:] = [(datetime.date.fromisoformat(d) - d0).days for d in dates]


def write_netcdf(disp, out, units='mm'):
    import netCDF4
    data, dates, gt, _srs, epsg = disp
    if epsg != 4326:
        raise SystemExit('netcdf (lat/lon) needs a lon/lat scene; use netcdf-projected')
    os.makedirs(out, exist_ok=True)
    rows, cols = data.shape[1:]
    with netCDF4.Dataset(os.path.join(out, 'disp.nc'), 'w') as nc:
        nc.Conventions = 'CF-1.8'
        cf_time(nc, dates)
        nc.createDimension('lat', rows)
        nc.createDimension('lon', cols)
        lat = nc.createVariable('lat', 'f8', ('lat',))
        lat.units = 'degrees_north'
        lat.standard_name = 'latitude'
        lon = nc.createVariable('lon', 'f8', ('lon',))
        lon.units = 'degrees_east'
        lon.standard_name = 'longitude'
        centres_lat = gt[3] + (np.arange(rows) + 0.5) * gt[5]
        lat[:] = centres_lat[::-1]  # ascending: the south row first
        lon[:] = gt[0] + (np.arange(cols) + 0.5) * gt[1]
        v = nc.createVariable('displacement', 'f4', ('time', 'lat', 'lon'), fill_value=np.float32(np.nan))
        v.units = units
        v.long_name = 'cumulative line-of-sight displacement'
        scale = {'mm': 1, 'cm': 0.1, 'm': 0.001}[units]
        v[:] = (data * np.float32(scale))[:, ::-1, :]


def write_netcdf_projected(disp, out):
    import netCDF4
    data, dates, gt, srs, _epsg = disp
    os.makedirs(out, exist_ok=True)
    rows, cols = data.shape[1:]
    with netCDF4.Dataset(os.path.join(out, 'disp_utm.nc'), 'w') as nc:
        nc.Conventions = 'CF-1.8'
        cf_time(nc, dates)
        nc.createDimension('y', rows)
        nc.createDimension('x', cols)
        y = nc.createVariable('y', 'f8', ('y',))
        y.units = 'm'
        y.standard_name = 'projection_y_coordinate'
        x = nc.createVariable('x', 'f8', ('x',))
        x.units = 'm'
        x.standard_name = 'projection_x_coordinate'
        y[:] = gt[3] + (np.arange(rows) + 0.5) * gt[5]
        x[:] = gt[0] + (np.arange(cols) + 0.5) * gt[1]
        crs = nc.createVariable('spatial_ref', 'i4')
        crs.crs_wkt = srs.ExportToWkt()
        crs.spatial_ref = srs.ExportToWkt()
        v = nc.createVariable('displacement', 'f4', ('time', 'y', 'x'), fill_value=np.float32(np.nan))
        v.units = 'm'
        v.grid_mapping = 'spatial_ref'
        v[:] = data / np.float32(1000)


def write_single(disp, out):
    data, dates, gt, srs, _epsg = disp
    os.makedirs(out, exist_ok=True)
    drv = gdal.GetDriverByName('GTiff')
    rows, cols = data.shape[1:]
    for i, d in enumerate(dates):
        name = f'disp_{d}.tif' if i % 3 != 2 else f'{compact(d)}.geo.cum.tif'
        ds = drv.Create(os.path.join(out, name), cols, rows, 1, gdal.GDT_Float32)
        ds.SetSpatialRef(srs)
        band = ds.GetRasterBand(1)
        band.SetNoDataValue(float('nan'))
        if i % 2 == 0:  # south-up: origin at the bottom-left corner, positive y step
            ds.SetGeoTransform((gt[0], gt[1], 0, gt[3] + rows * gt[5], 0, -gt[5]))
            band.WriteArray(data[i][::-1, :])
        else:
            ds.SetGeoTransform(gt)
            band.WriteArray(data[i])
        ds = None


def main(argv):
    layout, disp_path, static_path, out = argv[:4]
    chunks = 'contiguous'
    if '--chunks' in argv:
        chunks = argv[argv.index('--chunks') + 1]
    disp = read_stack(disp_path)
    statics = read_stack(static_path)
    if layout == 'mintpy':
        write_mintpy(disp, statics, out, chunks)
    elif layout == 'licsbas':
        write_licsbas(disp, statics, out, chunks)
    elif layout == 'netcdf':
        write_netcdf(disp, out, argv[argv.index('--units') + 1] if '--units' in argv else 'mm')
    elif layout == 'netcdf-projected':
        write_netcdf_projected(disp, out)
    elif layout == 'single':
        write_single(disp, out)
    else:
        raise SystemExit(f'unknown layout {layout}')


if __name__ == '__main__':
    main(sys.argv[1:])
