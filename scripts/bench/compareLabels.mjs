#!/usr/bin/env node
// Compares two label rasters pixel by pixel (and optionally a truth raster):
//   node scripts/bench/compareLabels.mjs A.tif B.tif [TRUTH.tif]
// Prints JSON: identical, differing pixels, and each one's ARI against the truth.
import gdal from 'gdal-async';
import { adjustedRandIndex, spatialCoherence } from '../../dist/cluster/metrics.js';

const read = (p) => {
  const ds = gdal.open(p);
  const { x, y } = ds.rasterSize;
  const a = ds.bands.get(1).pixels.read(0, 0, x, y);
  ds.close();
  return { a, x, y };
};
const [pa, pb, pt] = process.argv.slice(2);
const a = read(pa), b = read(pb);
let differ = 0;
for (let i = 0; i < a.a.length; i++) if (a.a[i] !== b.a[i]) differ++;
const out = { identical: differ === 0, differingPixels: differ, pixels: a.a.length };
if (pt) {
  const t = read(pt).a;
  out.ariA = adjustedRandIndex(t, a.a, 255);
  out.ariB = adjustedRandIndex(t, b.a, 255);
  out.coherenceA = spatialCoherence(a.a, a.x, a.y, 255);
  out.coherenceB = spatialCoherence(b.a, b.x, b.y, 255);
}
console.log(JSON.stringify(out));
