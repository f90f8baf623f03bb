import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../../errors.js';
import { getGdal, type Dataset } from '../gdal.js';
import { absolute } from './hdf5Products.js';
import { arrayShape, attrString, isHdf5File, openMultidim, readNumbers } from './mdim.js';
import { cfTimesToDates } from './productDates.js';
import { productStack } from './productStack.js';
import { hdf5Subdataset, netcdfSubdataset } from './stackVrt.js';
import type { Provenance, ResolvedSource, SourceReader } from './types.js';
import { isVelocityUnit, lengthUnitToMm } from './units.js';

type Group = Dataset['root'];
type MDArray = ReturnType<Group['arrays']['get']>;

const NETCDF_EXTENSIONS = ['.nc', '.nc4', '.cdf', '.netcdf'];

/** `NETCDF:"f.nc":var`, `NETCDF:f.nc:var` or a plain file: the file and the variable, if named. */
export function parseNetcdfInput(input: string): { file: string; variable: string | null } {
  const m = /^NETCDF:(?:"([^"]+)"|([^:]+)):(.+)$/i.exec(input);
  if (m) return { file: m[1] ?? m[2], variable: m[3].replace(/^"|"$/g, '') };
  return { file: input, variable: null };
}

/** True for a netCDF argument: the NETCDF: prefix or a netCDF file name of a file that exists. */
export function isNetcdfInput(input: string): boolean {
  if (/^NETCDF:/i.test(input)) return true;
  return NETCDF_EXTENSIONS.includes(extname(input).toLowerCase()) && existsSync(input);
}

/** The coordinate variable of a dimension (the 1-D array of the same name), if any. */
function coordinateOf(root: Group, dimName: string): MDArray | null {
  if (!root.arrays.names.includes(dimName)) return null;
  const a = root.arrays.get(dimName);
  return arrayShape(a).length === 1 ? a : null;
}

function dimNames(a: MDArray): string[] {
  const out: string[] = [];
  for (let i = 0; i < a.dimensions.count(); i++) out.push(a.dimensions.get(i).description.replace(/^.*\//, ''));
  return out;
}

/** A time axis: a coordinate whose units read "<unit> since <date>", or a dimension GDAL calls temporal. */
function isTimeAxis(root: Group, a: MDArray, index: number): boolean {
  const dim = a.dimensions.get(index);
  const coord = coordinateOf(root, dim.description.replace(/^.*\//, ''));
  return / since /i.test(coord?.unitType ?? '') || dim.type === 'TEMPORAL' || /^(time|date|dates|t)$/i.test(dim.description.replace(/^.*\//, ''));
}

interface Candidate {
  name: string;
  dims: string[];
  units: string;
  timeFirst: boolean;
}

function candidates(root: Group): Candidate[] {
  return root.arrays.names
    .map((name) => root.arrays.get(name))
    .filter((a) => arrayShape(a).length === 3)
    .map((a) => ({ name: a.description.replace(/^\//, ''), dims: dimNames(a), units: a.unitType ?? '', timeFirst: isTimeAxis(root, a, 0) }));
}

/** Picks the displacement variable: named by the user, or the one (time, y, x) variable in a length unit. */
function chooseVariable(file: string, root: Group, named: string | null): string {
  const all = candidates(root);
  if (named !== null) {
    if (!root.arrays.names.includes(named)) {
      throw new UserError(`netCDF file '${file}' has no variable '${named}'; its variables are ${root.arrays.names.join(', ')}. Give one as NETCDF:"${file}":VARIABLE.`);
    }
    return named;
  }
  const timed = all.filter((c) => c.timeFirst);
  const lengths = timed.filter((c) => lengthUnitToMm(c.units) !== null);
  const arg = (c: Candidate) => `NETCDF:"${file}":${c.name}`;
  if (lengths.length === 1) return lengths[0].name;
  if (lengths.length > 1) {
    throw new UserError(
      `netCDF file '${file}' has ${lengths.length} displacement-like variables (time, y, x in m, cm or mm): ` +
        `${lengths.map((c) => `${c.name} (${c.units})`).join(', ')}. Choose one: ${lengths.map((c) => `'${arg(c)}'`).join(' or ')}.`,
    );
  }
  if (timed.length === 1) return timed[0].name; // its units are checked (and refused with the fix) below
  if (timed.length > 1) {
    throw new UserError(
      `netCDF file '${file}' has ${timed.length} (time, y, x) variables and none in m, cm or mm: ${timed.map((c) => `${c.name} (${c.units || 'no units'})`).join(', ')}. ` +
        `Choose one: ${timed.map((c) => `'${arg(c)}'`).join(' or ')}.`,
    );
  }
  const listed = all.length ? ` Its 3-D variables: ${all.map((c) => `${c.name}(${c.dims.join(', ')})`).join(', ')}; none has a time coordinate ("days since ...") first.` : ' It has no 3-D variable.';
  throw new UserError(`netCDF file '${file}' has no displacement time series: expected a (time, y, x) variable with a CF time coordinate.${listed}`);
}

/** Where the CRS comes from when GDAL's netCDF driver found none: a crs/spatial_ref attribute, or lon/lat coordinates. */
function fallbackCrs(root: Group, v: MDArray): { wkt: string; from: string } | null {
  const g = getGdal();
  for (const [holder, label] of [[v, `variable attribute`], [root, 'global attribute']] as const) {
    for (const key of ['crs_wkt', 'spatial_ref', 'crs']) {
      const text = attrString(holder, key);
      if (!text) continue;
      try {
        return { wkt: g.SpatialReference.fromUserInput(text).toWKT(), from: `${label} '${key}'` };
      } catch {
        /* not a CRS */
      }
    }
  }
  for (const name of ['crs', 'spatial_ref']) {
    if (!root.arrays.names.includes(name)) continue;
    const a = root.arrays.get(name);
    for (const key of ['crs_wkt', 'spatial_ref', 'epsg_code']) {
      const text = attrString(a, key);
      if (!text) continue;
      try {
        return { wkt: g.SpatialReference.fromUserInput(text).toWKT(), from: `variable '${name}' (${key})` };
      } catch {
        /* not a CRS */
      }
    }
  }
  const dims = dimNames(v);
  const units = dims.slice(1).map((d) => (coordinateOf(root, d)?.unitType ?? '').toLowerCase());
  if (units.length === 2 && /degree/.test(units[0]) && /degree/.test(units[1])) {
    return { wkt: g.SpatialReference.fromEPSG(4326).toWKT(), from: `coordinates ${dims[1]}/${dims[2]} in degrees (lon/lat, EPSG:4326)` };
  }
  return null;
}

/**
 * The GDAL source to read the variable through. A netCDF-4 file is HDF5: GDAL's HDF5 driver
 * reads it with less than half the CPU of the netCDF driver (measured on 2048² x 128), so it is
 * used when the rows are stored north-up (y decreasing), where both drivers see the same
 * pixels; bottom-up files (y increasing, as xarray writes latitudes) stay with the netCDF driver,
 * which turns them over.
 */
function fastestSource(file: string, variable: string, root: Group, yDim: string, netcdfSource: string): string {
  if (!isHdf5File(file)) return netcdfSource;
  const y = coordinateOf(root, yDim);
  if (!y || arrayShape(y)[0] < 2) return netcdfSource;
  const [y0, y1] = readNumbers(y).slice(0, 2);
  if (!(y1 < y0)) return netcdfSource;
  const hdf5 = hdf5Subdataset(absolute(file), variable);
  try {
    const ds = getGdal().open(hdf5);
    ds.close();
    return hdf5;
  } catch {
    return netcdfSource;
  }
}

/** CF netCDF: a (time, y, x) displacement variable with units, a CF time coordinate, a grid_mapping or lon/lat coordinates. */
export const netcdfReader: SourceReader = {
  name: 'netCDF (CF)',
  claims: isNetcdfInput,
  resolve: async (input, options) => {
    const { file, variable: named } = parseNetcdfInput(input);
    if (!existsSync(file)) throw new UserError(`netCDF file '${file}' does not exist. Check the path (relative paths start from ${process.cwd()}).`);
    const md = openMultidim(file, 'netCDF file');
    let classic: Dataset | null = null;
    try {
      const root = md.root;
      const name = chooseVariable(file, root, named);
      const v = root.arrays.get(name);
      const dims = dimNames(v);
      const what = `netCDF variable '${name}' of '${file}'`;
      if (dims.length !== 3) throw new UserError(`${what} has ${dims.length} dimensions (${dims.join(', ')}); expected (time, y, x).`);
      if (!isTimeAxis(root, v, 0)) {
        throw new UserError(`${what} has dimensions (${dims.join(', ')}); expected time first, then y and x. Reorder it (e.g. ncpdq -a time,y,x, or xarray transpose).`);
      }
      const unit = v.unitType ?? '';
      if (isVelocityUnit(unit)) throw new UserError(`${what} is in ${unit}: a velocity, not a displacement time series. Give it with --static, and a displacement variable as the scene.`);
      const scale = lengthUnitToMm(unit);
      if (scale === null) {
        throw new UserError(
          `${what} has ${unit ? `units '${unit}'` : 'no units attribute'}; expected a displacement in m, cm or mm. ` +
            `Set its units (e.g. ncatted -a units,${name},o,c,mm '${file}').`,
        );
      }
      const planes = arrayShape(v)[0];
      const timeName = dims[0];
      const timeCoord = coordinateOf(root, timeName);
      let dates: string[];
      if (options.dates) {
        dates = Array.from({ length: planes }, (_v, i) => `band ${i + 1}`);
      } else {
        if (!timeCoord) throw new UserError(`${what}: its time dimension '${timeName}' has no coordinate variable, so the dates are unknown. Give them with --dates.`);
        const where = `netCDF time coordinate '${timeName}' of '${file}'`;
        dates = cfTimesToDates(readNumbers(timeCoord), timeCoord.unitType || null, attrString(timeCoord, 'calendar'), where);
        for (let i = 1; i < dates.length; i++) {
          if (dates[i] <= dates[i - 1]) {
            throw new UserError(`${where}: the dates do not increase (step ${i + 1}, ${dates[i]}, follows ${dates[i - 1]}); expected one time step per acquisition date, in time order.`);
          }
        }
      }
      const source = netcdfSubdataset(absolute(file), name);
      classic = getGdal().open(source);
      if (classic.bands.count() !== planes) throw new UserError(`${what}: GDAL reads ${classic.bands.count()} bands for ${planes} time steps. Check that time is its first dimension.`);
      const gt = classic.geoTransform;
      const srs = classic.srs;
      // GDAL's multidimensional API keeps grid_mapping to itself; the classic metadata shows it.
      const gridMapping = ((classic.getMetadata() ?? {}) as Record<string, string>)[`${name}#grid_mapping`] ?? null;
      let srsWkt: string | null = srs ? srs.toWKT() : null;
      let crsFrom = srs ? (gridMapping ? `grid_mapping variable '${gridMapping}'` : 'CRS attributes read by GDAL (crs_wkt / spatial_ref)') : 'none found (no grid_mapping, crs/spatial_ref or lon/lat coordinates)';
      if (!srsWkt) {
        const found = fallbackCrs(root, v);
        if (found) [srsWkt, crsFrom] = [found.wkt, found.from];
      }
      const band1 = classic.bands.get(1);
      const nodata = band1.noDataValue ?? null;
      // Packed variables (scale_factor / add_offset): GDAL reports them, a VRT source reads raw values.
      const packScale = band1.scale ?? 1, packOffset = band1.offset ?? 0;
      const reader = fastestSource(file, name, root, dims[1], source);
      const provenance: Provenance = {
        product: 'netCDF (CF)',
        inputs: [file],
        gridFrom: gt ? `coordinates ${dims[1]}/${dims[2]} (pixel centres, read by GDAL's netCDF driver)` : 'none found',
        crsFrom,
        datesFrom: options.dates ? '--dates' : `time coordinate '${timeName}' (${timeCoord?.unitType}${attrString(timeCoord!, 'calendar') ? `, ${attrString(timeCoord!, 'calendar')} calendar` : ''})`,
        units: scale === 1 ? `mm (units '${unit}')` : `${unit} (units attribute), multiplied by ${scale} to mm`,
        referenceDate: null,
        referencePoint: null,
        sign: 'as stored (netCDF does not state it; line-of-sight products are usually positive towards the satellite)',
        notes: [`variable ${name}`],
      };
      if (reader !== source) provenance.notes.push("read through GDAL's HDF5 driver (a netCDF-4 file stored north-up)");
      if (packScale !== 1 || packOffset !== 0) provenance.notes.push(`packed values: scale_factor ${packScale}, add_offset ${packOffset}`);
      const size = classic.rasterSize;
      classic.close();
      classic = null;
      const stack = await productStack('netcdf', reader, {
        width: size.x,
        height: size.y,
        geoTransform: gt ? [...gt] : null,
        srsWkt,
        bands: dates.map((d, i) => ({ source: reader, sourceBand: i + 1, description: d, scale: scale * packScale, offset: scale * packOffset, sourceNodata: nodata })),
        metadata: { SMOOTHCLUSTER_PRODUCT: 'netCDF (CF)', UNITS: 'mm' },
      }, what, options);
      provenance.notes.push(...stack.notes);
      const resolved: ResolvedSource = { input, path: stack.path, statics: [], provenance, dispose: stack.dispose };
      return resolved;
    } finally {
      classic?.close();
      md.close();
    }
  },
};
