import { closeSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../errors.js';
import { fieldText, parseNumber } from '../../points/parseNumber.js';
import { qgisCategorizedPointStyle } from '../../report/pointStyle.js';
import { commitOutputs, discardTemporary, temporaryPathFor } from '../atomicOutput.js';
import { getGdal } from '../gdal.js';
import type { PointLabelRequest } from '../sources/types.js';
import { RecordReader } from './binaryFiles.js';
import { streamCsvRows } from './csvStream.js';
import type { GriddedPoints } from './gridPoints.js';

const LABEL_NODATA = 255;

/** A raster of the points' grid read whole (one value a cell), checked to be on that grid. */
export function readWhole(path: string, width: number, height: number, what: string): Int32Array | Uint8Array {
  const g = getGdal();
  const ds = g.open(path);
  try {
    if (ds.rasterSize.x !== width || ds.rasterSize.y !== height) {
      throw new UserError(`${what} '${path}' is ${ds.rasterSize.x} x ${ds.rasterSize.y}; expected the points' grid, ${width} x ${height}.`);
    }
    return ds.bands.get(1).pixels.read(0, 0, width, height) as Int32Array | Uint8Array;
  } finally {
    ds.close();
  }
}

const csvText = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/**
 * Writes every input point with the regime of its cell: the label raster (one
 * byte a cell) and the count raster are read whole, the CSVs streamed once more
 * in the order their cells were recorded. A GeoPackage is made by OGR from a
 * CSV in the scratch folder (through an OGR VRT that names the coordinate
 * columns, CRS and field types), so its inserts run in OGR's large transactions.
 */
export async function writeLabelledPoints(gridded: GriddedPoints, request: PointLabelRequest): Promise<string[]> {
  const { grid, scan } = gridded;
  const labels = readWhole(request.labels, grid.width, grid.height, 'label raster');
  const counts = readWhole(gridded.count, grid.width, grid.height, 'count raster');
  const names = new Map(request.regimes.map((r) => [r.label, r.name]));
  const asCsv = /\.csv$/i.test(request.out);
  const csvPath = asCsv ? temporaryPathFor(request.out) : join(scan.scratch, 'labelled-points.csv');
  const head = scan.files[0].columns;
  const xName = asCsv ? head.header[head.x] : 'x', yName = asCsv ? head.header[head.y] : 'y';
  const withVelocity = scan.files.every((f) => f.columns.velocity >= 0);
  const fd = openSync(csvPath, 'w');
  let pending = '';
  const flush = () => {
    writeSync(fd, pending);
    pending = '';
  };
  try {
    pending += `${xName},${yName},pid,regime,regime_name,cell_points${withVelocity ? ',mean_velocity' : ''}\n`;
    const cells = new RecordReader(gridded.cellsPath, 4);
    for (const s of scan.files) {
      const c = s.columns;
      await streamCsvRows(s.file, () => Math.max(c.x, c.y, c.id, c.velocity) + 1, (row) => {
        const b = row.bytes;
        const cell = cells.i32[cells.next() / 4];
        const label = labels[cell];
        const regime = label === LABEL_NODATA ? '' : String(label);
        const name = label === LABEL_NODATA ? '' : csvText(names.get(label) ?? String(label));
        const pid = c.id >= 0 ? csvText(fieldText(b, row.starts[c.id], row.ends[c.id])) : String(row.line - 1);
        const x = fieldText(b, row.starts[c.x], row.ends[c.x]), y = fieldText(b, row.starts[c.y], row.ends[c.y]);
        let line = `${x},${y},${pid},${regime},${name},${counts[cell]}`;
        if (withVelocity) {
          const v = parseNumber(b, row.starts[c.velocity], row.ends[c.velocity]);
          line += `,${Number.isFinite(v) ? v : ''}`;
        }
        pending += `${line}\n`;
        if (pending.length > 1 << 20) flush();
      });
    }
    cells.close();
    flush();
  } finally {
    closeSync(fd);
  }
  if (asCsv) {
    commitOutputs([{ tmp: csvPath, final: request.out }]);
    return [request.out];
  }
  const fields = [['pid', 'String'], ['regime', 'Integer'], ['regime_name', 'String'], ['cell_points', 'Integer'], ...(withVelocity ? [['mean_velocity', 'Real']] : [])];
  // Typed columns (a .csvt beside the CSV) make an empty regime NULL, not 0.
  writeFileSync(join(scan.scratch, 'labelled-points.csvt'), ['Real', 'Real', ...fields.map(([, t]) => t)].join(',') + '\n');
  const vrtPath = join(scan.scratch, 'labelled-points.vrt');
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  writeFileSync(
    vrtPath,
    `<OGRVRTDataSource><OGRVRTLayer name="labelled-points"><SrcDataSource>${esc(csvPath)}</SrcDataSource><SrcLayer>labelled-points</SrcLayer>` +
      `<GeometryType>wkbPoint</GeometryType><LayerSRS>${esc(scan.crs.wkt)}</LayerSRS><GeometryField encoding="PointFromColumns" x="x" y="y"/>` +
      fields.map(([n, t]) => `<Field name="${n}" type="${t}"/>`).join('') +
      '</OGRVRTLayer></OGRVRTDataSource>',
  );
  const layerName = basename(request.out).replace(/\.gpkg$/i, '').replace(/[^A-Za-z0-9_]+/g, '_');
  const tmp = temporaryPathFor(request.out, '.gpkg');
  const g = getGdal();
  try {
    const src = await g.openAsync(vrtPath);
    try {
      const out = await g.vectorTranslateAsync(tmp, src, ['-f', 'GPKG', '-nln', layerName, '-gt', '65536', '-lco', 'SPATIAL_INDEX=YES']);
      out.close();
    } finally {
      src.close();
    }
  } catch (err) {
    discardTemporary(tmp);
    throw new UserError(`'${request.out}' could not be written (${(err as Error).message}). Check the disk space and the folder.`);
  } finally {
    rmSync(csvPath, { force: true });
  }
  const written = [request.out];
  const pairs = [{ tmp, final: request.out }];
  const style = qgisCategorizedPointStyle(request.regimes.map((r) => ({ value: r.label, rgb: r.rgb, label: r.name })));
  try {
    addDefaultStyle(tmp, layerName, style);
  } catch (err) {
    discardTemporary(tmp);
    throw new UserError(`'${request.out}' could not be written (${(err as Error).message}). Check the disk space and the folder.`);
  }
  if (request.qml) {
    const qmlTmp = temporaryPathFor(request.qml);
    writeFileSync(qmlTmp, style);
    pairs.push({ tmp: qmlTmp, final: request.qml });
    written.push(request.qml);
  }
  commitOutputs(pairs);
  return written;
}

/**
 * The style also goes into the GeoPackage's `layer_styles` table, QGIS's own
 * place for a layer's default style, so the points come up in the regime
 * colours even when the .qml is not beside the file (a copied or renamed GeoPackage).
 */
function addDefaultStyle(gpkg: string, layerName: string, qml: string): void {
  const g = getGdal();
  const ds = g.open(gpkg, 'r+');
  try {
    const styles = ds.layers.create('layer_styles', null, g.wkbNone);
    const text = ['f_table_catalog', 'f_table_schema', 'f_table_name', 'f_geometry_column', 'styleName', 'styleQML', 'styleSLD', 'description', 'owner', 'ui', 'update_time'];
    for (const name of text) styles.fields.add(new g.FieldDefn(name, g.OFTString));
    styles.fields.add(new g.FieldDefn('useAsDefault', g.OFTInteger));
    const f = new g.Feature(styles);
    f.fields.set({
      f_table_catalog: '', f_table_schema: '', f_table_name: layerName, f_geometry_column: ds.layers.get(layerName).geomColumn || 'geom',
      styleName: layerName, styleQML: qml, styleSLD: '', description: 'smoothcluster regimes', owner: '', ui: '', update_time: new Date().toISOString(), useAsDefault: 1,
    });
    styles.features.add(f);
  } finally {
    ds.close();
  }
}
