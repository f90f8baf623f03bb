#!/usr/bin/env node
// The I/O floor: one bare read pass over a raster through the same GDAL the
// pipeline uses (gdal-async), tile by tile, every band as Float32, nothing else.
//   node scripts/bench/readFloor.mjs FILE [--tile 256] [--handles 1] [--byte-view]
// --handles N reads N tiles at once on N dataset handles (GDAL decodes one
// block at a time per handle). --byte-view reads a floating-point-predictor
// GeoTIFF as the pipeline does (dist/io/floatPredictorRead.js: GDAL decompresses,
// the predictor is undone in WebAssembly); build first (npx tsc -p tsconfig.json).
// Prints one JSON line: seconds, bytes, tiles.
import { parseArgs } from 'node:util';
import gdal from 'gdal-async';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { tile: { type: 'string', default: '256' }, handles: { type: 'string', default: '1' }, 'byte-view': { type: 'boolean', default: false } } });
const [path] = positionals;
if (!path) {
  console.error('usage: node scripts/bench/readFloor.mjs FILE [--tile 256] [--handles 1]');
  process.exit(2);
}
gdal.config.set('GDAL_CACHEMAX', process.env.GDAL_CACHEMAX ?? '256');
const tile = Number(values.tile), nHandles = Number(values.handles);
const handles = Array.from({ length: nHandles }, () => gdal.open(path));
const { x: width, y: height } = handles[0].rasterSize;
const bands = handles[0].bands.count();
const windows = [];
for (let y0 = 0; y0 < height; y0 += tile) for (let x0 = 0; x0 < width; x0 += tile) windows.push([x0, y0, Math.min(tile, width - x0), Math.min(tile, height - y0)]);

let view = null;
if (values['byte-view']) {
  const { FloatPredictorView } = await import('../../dist/io/floatPredictorRead.js');
  view = FloatPredictorView.open(path, nHandles, handles[0]);
  if (!view) {
    console.error(`${path}: not a floating-point-predictor GeoTIFF the byte view reads`);
    process.exit(2);
  }
}

const t0 = performance.now();
let next = 0, bytes = 0;
const allBands = Array.from({ length: bands }, (_v, i) => i + 1);
async function worker(ds, handle) {
  const buffer = new Float32Array(tile * tile * bands);
  for (let i = next++; i < windows.length; i = next++) {
    const [x0, y0, w, h] = windows[i];
    const plane = w * h;
    if (view) {
      const rect = { x0, y0, width: w, height: h };
      await view.readInto(handle, allBands, rect, buffer, rect, 0);
      bytes += plane * bands * 4;
      continue;
    }
    for (let b = 1; b <= bands; b++) {
      await ds.bands.get(b).pixels.readAsync(x0, y0, w, h, buffer.subarray((b - 1) * plane, b * plane), { type: gdal.GDT_Float32 });
    }
    bytes += plane * bands * 4;
  }
}
await Promise.all(handles.map((ds, i) => worker(ds, i)));
const seconds = (performance.now() - t0) / 1000;
view?.close();
for (const ds of handles) ds.close();
console.log(JSON.stringify({ file: path, width, height, bands, tile, handles: nHandles, byteView: view !== null, tiles: windows.length, bytes, seconds: Number(seconds.toFixed(3)) }));
