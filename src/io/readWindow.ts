import { blockCacheBytes, getGdal, GMF_ALL_VALID, GMF_NODATA, GMF_PER_DATASET, type Dataset } from './gdal.js';
import { readAlphaZeros } from './alphaMask.js';
import type { FloatPredictorView } from './floatPredictorRead.js';
import { readFailure } from './ioFailures.js';
import type { RasterFacts } from './rasterFacts.js';
import type { Scene } from './scene.js';

export interface Window {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

/** One window of the scene: every band as a Float32 plane with every missing value as NaN. */
export interface WindowData {
  window: Window;
  /** Band-sequential, dates in time order: dynamic[d * w * h + r * w + c]. */
  dynamic: Float32Array;
  /** Band-sequential static layers on the scene grid. */
  statics: Float32Array;
}

/** The core window grown by `halo` pixels on each side, clipped at the raster's edges. */
export function windowWithHalo(core: Window, halo: number, width: number, height: number): Window {
  const x0 = Math.max(0, core.x0 - halo);
  const y0 = Math.max(0, core.y0 - halo);
  const x1 = Math.min(width, core.x0 + core.width + halo);
  const y1 = Math.min(height, core.y0 + core.height + halo);
  return { x0, y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Reads `core` grown by `halo` (clipped at the edges) from every date band and
 * static layer, honouring each band's nodata value, NaN and GDAL mask band
 * (per-dataset masks and alpha bands). `handle` picks one of the scene's handles
 * so several reads can run at once.
 */
export async function readWindowWithHalo(scene: Scene, core: Window, halo: number, handle = 0): Promise<WindowData> {
  const window = windowWithHalo(core, halo, scene.width, scene.height);
  const h = scene.handles[handle % scene.handles.length];
  const plane = window.width * window.height;
  const dynamic = new Float32Array(scene.dateBands.length * plane);
  await readBands(h.dynamic, scene.facts, scene.dateBands, window, dynamic).catch((err) => {
    throw readFailure(scene.path, 'scene', window, err);
  });
  applyScaleOffset(scene.facts, scene.dateBands, plane, dynamic);
  const nStatic = scene.staticNames.length;
  const statics = new Float32Array(nStatic * plane);
  let offset = 0;
  for (let s = 0; s < scene.statics.length; s++) {
    const src = scene.statics[s];
    const facts = src.onGrid ? src.facts : null;
    const bands = src.onGrid ? src.facts.dataBands : src.facts.dataBands.map((_b, i) => i + 1);
    const out = statics.subarray(offset * plane, (offset + bands.length) * plane);
    await readBands(h.statics[s], facts, bands, window, out).catch((err) => {
      throw readFailure(src.path, 'static raster', window, err);
    });
    applyScaleOffset(src.facts, src.facts.dataBands, plane, out);
    offset += bands.length;
  }
  return { window, dynamic, statics };
}

/**
 * Applies each band's GDAL scale and offset (value = raw * scale + offset) to
 * consecutive planes of `out`, after missing values became NaN (nodata values
 * are raw values). A warped static keeps the raw values and its source's scale.
 */
function applyScaleOffset(facts: RasterFacts, bands: number[], plane: number, out: Float32Array): void {
  for (let i = 0; i < bands.length; i++) {
    const k = facts.dataBands.indexOf(bands[i]);
    const scale = facts.scales[k] ?? 1, offset = facts.offsets[k] ?? 0;
    if (scale === 1 && offset === 0) continue;
    const view = out.subarray(i * plane, (i + 1) * plane);
    for (let p = 0; p < plane; p++) view[p] = view[p] * scale + offset;
  }
}

/**
 * Reads `bands` into consecutive planes of `out`, turning every missing value into NaN.
 * `facts` is null for a warped VRT (its nodata is NaN by construction).
 */
async function readBands(ds: Dataset, facts: RasterFacts | null, bands: number[], w: Window, out: Float32Array): Promise<void> {
  if (facts?.pixelInterleaved) await readPixelInterleaved(ds, facts, bands, w, out);
  else await readBandByBand(ds, bands, w, out);
  if (facts) await markMissing(ds, facts, bands, w, out);
}

async function readBandByBand(ds: Dataset, bands: number[], w: Window, out: Float32Array): Promise<void> {
  const g = getGdal();
  const plane = w.width * w.height;
  for (let i = 0; i < bands.length; i++) {
    const view = out.subarray(i * plane, (i + 1) * plane);
    await ds.bands.get(bands[i]).pixels.readAsync(w.x0, w.y0, w.width, w.height, view, { type: g.GDT_Float32 });
  }
}

/** Decoded bytes (every band of the file) a pixel-interleaved GeoTIFF read takes at once at most, and its share of GDAL's block cache. */
const PIXEL_GROUP_BYTES = 64 << 20;
const PIXEL_GROUP_CACHE_SHARE = 1 / 4;

/**
 * In a pixel-interleaved file every block holds all bands. Reading band by band
 * over a window would decode each block once per band when the blocks do not stay
 * cached; the window is visited in groups of whole blocks instead, with all bands read
 * inside a group before the next. GDAL's GTiff driver decodes a block once for all its
 * bands and keeps them in its block cache, so a group may hold as many blocks as fit in
 * a quarter of the cache, 64 MB at most (a 256-row cell of one-row strips: a few calls
 * per band, not one per row). Other drivers (the VRTs over HDF5/netCDF chunks, whose own
 * chunk cache is small) read one block at a time.
 */
async function readPixelInterleaved(ds: Dataset, facts: RasterFacts, bands: number[], w: Window, out: Float32Array): Promise<void> {
  const g = getGdal();
  const plane = w.width * w.height;
  const bw = facts.blockWidth, bh = facts.blockHeight;
  const bx0 = Math.floor(w.x0 / bw) * bw, by0 = Math.floor(w.y0 / bh) * bh;
  const blockCols = Math.ceil((w.x0 + w.width - bx0) / bw), blockRows = Math.ceil((w.y0 + w.height - by0) / bh);
  let groupCols = 1, groupRows = 1;
  if (ds.driver.description === 'GTiff') {
    const budget = Math.min(PIXEL_GROUP_BYTES, blockCacheBytes() * PIXEL_GROUP_CACHE_SHARE);
    const blockBytes = bw * bh * ds.bands.count() * 4;
    groupCols = Math.max(1, Math.min(blockCols, Math.floor(budget / blockBytes)));
    if (groupCols === blockCols) groupRows = Math.max(1, Math.min(blockRows, Math.floor(budget / (blockBytes * blockCols))));
  }
  const gw = groupCols * bw, gh = groupRows * bh;
  const scratch = new Float32Array(Math.min(gw, w.width) * Math.min(gh, w.height));
  for (let by = by0; by < w.y0 + w.height; by += gh) {
    const y0 = Math.max(by, w.y0), y1 = Math.min(by + gh, w.y0 + w.height);
    for (let bx = bx0; bx < w.x0 + w.width; bx += gw) {
      const x0 = Math.max(bx, w.x0), x1 = Math.min(bx + gw, w.x0 + w.width);
      const sw = x1 - x0, sh = y1 - y0;
      const part = scratch.subarray(0, sw * sh);
      for (let i = 0; i < bands.length; i++) {
        await ds.bands.get(bands[i]).pixels.readAsync(x0, y0, sw, sh, part, { type: g.GDT_Float32 });
        for (let r = 0; r < sh; r++) {
          out.set(part.subarray(r * sw, (r + 1) * sw), i * plane + (y0 - w.y0 + r) * w.width + (x0 - w.x0));
        }
      }
    }
  }
}

/** Nodata values and GDAL mask bands (per-dataset masks and alpha read once per window) become NaN. */
async function markMissing(ds: Dataset, facts: RasterFacts, bands: number[], w: Window, out: Float32Array): Promise<void> {
  const g = getGdal();
  const plane = w.width * w.height;
  let datasetMask: Uint8Array | null = null;
  const alphaZero = await readAlphaZeros(ds, facts, w); // an alpha band GDAL does not apply itself
  for (let i = 0; i < bands.length; i++) {
    const band = ds.bands.get(bands[i]);
    const view = out.subarray(i * plane, (i + 1) * plane);
    const k = facts.dataBands.indexOf(bands[i]);
    const nodata = facts.nodata[k];
    const flags = facts.maskFlags[k];
    if (nodata !== null && !Number.isNaN(nodata)) {
      const nd = Math.fround(nodata);
      for (let p = 0; p < plane; p++) if (view[p] === nd) view[p] = NaN;
    }
    if (alphaZero) for (let p = 0; p < plane; p++) if (alphaZero[p]) view[p] = NaN;
    if (flags & (GMF_ALL_VALID | GMF_NODATA)) continue;
    const readMask = async () =>
      (await band.getMaskBand()!.pixels.readAsync(w.x0, w.y0, w.width, w.height, undefined, { type: g.GDT_Byte })) as Uint8Array;
    // A per-dataset mask (incl. alpha) is the same for every band: read it once per window.
    if (flags & GMF_PER_DATASET && !datasetMask) datasetMask = await readMask();
    const mask = flags & GMF_PER_DATASET && datasetMask ? datasetMask : await readMask();
    for (let p = 0; p < plane; p++) if (mask[p] === 0) view[p] = NaN;
  }
}

/**
 * Reads `rect` of every date band (time order) and static layer into `target`, whose
 * planes are laid out on `frame` (a larger window containing `rect`): plane b of the
 * frame starts at b * frame.width * frame.height. GDAL writes straight into the frame
 * (no copy), so a tile can be assembled from a block-aligned read plus halo strips kept
 * from its neighbours. Missing values become NaN and scale/offset are applied, exactly
 * as {@link readWindowWithHalo} does; pixels of the frame outside `rect` are untouched.
 */
export async function readRectInto(scene: Scene, rect: Window, target: Float32Array, frame: Window, handle = 0): Promise<void> {
  if (rect.width === 0 || rect.height === 0) return;
  if (rect.x0 < frame.x0 || rect.y0 < frame.y0 || rect.x0 + rect.width > frame.x0 + frame.width || rect.y0 + rect.height > frame.y0 + frame.height) {
    throw new RangeError(`rect ${JSON.stringify(rect)} lies outside the frame ${JSON.stringify(frame)}`);
  }
  const h = scene.handles[handle % scene.handles.length];
  const fast = scene.byteView?.covers(rect) ? { view: scene.byteView, handle } : undefined;
  await readBandsInto(h.dynamic, scene.facts, scene.dateBands, rect, target, frame, 0, fast).catch((err) => {
    throw readFailure(scene.path, 'scene', rect, err);
  });
  let first = scene.dateBands.length;
  for (let s = 0; s < scene.statics.length; s++) {
    const src = scene.statics[s];
    const facts = src.onGrid ? src.facts : null;
    const bands = src.onGrid ? src.facts.dataBands : src.facts.dataBands.map((_b, i) => i + 1);
    await readBandsInto(h.statics[s], facts, bands, rect, target, frame, first).catch((err) => {
      throw readFailure(src.path, 'static raster', rect, err);
    });
    scaleOffsetInto(src.facts, src.facts.dataBands, rect, target, frame, first);
    first += bands.length;
  }
  scaleOffsetInto(scene.facts, scene.dateBands, rect, target, frame, 0);
}

/** Index in a frame plane of the first pixel of row `r` of `rect`. */
function frameRowStart(rect: Window, frame: Window, r: number): number {
  return (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
}

async function readBandsInto(
  ds: Dataset, facts: RasterFacts | null, bands: number[], rect: Window, target: Float32Array, frame: Window, firstPlane: number,
  fast?: { view: FloatPredictorView; handle: number },
): Promise<void> {
  const g = getGdal();
  const framePlane = frame.width * frame.height;
  if (fast) {
    await fast.view.readInto(fast.handle, bands, rect, target, frame, firstPlane);
  } else if (facts?.pixelInterleaved) {
    // Block by block with all bands inside (see readPixelInterleaved), then into the frame.
    const part = new Float32Array(bands.length * rect.width * rect.height);
    await readPixelInterleaved(ds, facts, bands, rect, part);
    const plane = rect.width * rect.height;
    for (let i = 0; i < bands.length; i++) {
      for (let r = 0; r < rect.height; r++) {
        target.set(part.subarray(i * plane + r * rect.width, i * plane + (r + 1) * rect.width), (firstPlane + i) * framePlane + frameRowStart(rect, frame, r));
      }
    }
  } else {
    for (let i = 0; i < bands.length; i++) {
      await ds.bands.get(bands[i]).pixels.readAsync(rect.x0, rect.y0, rect.width, rect.height, target, {
        type: g.GDT_Float32,
        offset: (firstPlane + i) * framePlane + frameRowStart(rect, frame, 0),
        pixel_space: 4,
        line_space: frame.width * 4,
      });
    }
  }
  if (facts) await markMissingInto(ds, facts, bands, rect, target, frame, firstPlane);
}

/** {@link markMissing} for a rect of frame-laid-out planes. */
async function markMissingInto(ds: Dataset, facts: RasterFacts, bands: number[], rect: Window, target: Float32Array, frame: Window, firstPlane: number): Promise<void> {
  const g = getGdal();
  const framePlane = frame.width * frame.height;
  let datasetMask: Uint8Array | null = null;
  const alphaZero = await readAlphaZeros(ds, facts, rect); // an alpha band GDAL does not apply itself
  for (let i = 0; i < bands.length; i++) {
    const band = ds.bands.get(bands[i]);
    const base = (firstPlane + i) * framePlane;
    const k = facts.dataBands.indexOf(bands[i]);
    const nodata = facts.nodata[k];
    const flags = facts.maskFlags[k];
    if (nodata !== null && !Number.isNaN(nodata)) {
      const nd = Math.fround(nodata);
      for (let r = 0; r < rect.height; r++) {
        const start = base + frameRowStart(rect, frame, r);
        for (let p = start; p < start + rect.width; p++) if (target[p] === nd) target[p] = NaN;
      }
    }
    if (alphaZero) {
      for (let r = 0; r < rect.height; r++) {
        const start = base + frameRowStart(rect, frame, r);
        for (let c = 0; c < rect.width; c++) if (alphaZero[r * rect.width + c]) target[start + c] = NaN;
      }
    }
    if (flags & (GMF_ALL_VALID | GMF_NODATA)) continue;
    const readMask = async () =>
      (await band.getMaskBand()!.pixels.readAsync(rect.x0, rect.y0, rect.width, rect.height, undefined, { type: g.GDT_Byte })) as Uint8Array;
    if (flags & GMF_PER_DATASET && !datasetMask) datasetMask = await readMask();
    const mask = flags & GMF_PER_DATASET && datasetMask ? datasetMask : await readMask();
    for (let r = 0; r < rect.height; r++) {
      const start = base + frameRowStart(rect, frame, r);
      for (let c = 0; c < rect.width; c++) if (mask[r * rect.width + c] === 0) target[start + c] = NaN;
    }
  }
}

/** {@link applyScaleOffset} for a rect of frame-laid-out planes. */
function scaleOffsetInto(facts: RasterFacts, bands: number[], rect: Window, target: Float32Array, frame: Window, firstPlane: number): void {
  const framePlane = frame.width * frame.height;
  for (let i = 0; i < bands.length; i++) {
    const k = facts.dataBands.indexOf(bands[i]);
    const scale = facts.scales[k] ?? 1, offset = facts.offsets[k] ?? 0;
    if (scale === 1 && offset === 0) continue;
    for (let r = 0; r < rect.height; r++) {
      const start = (firstPlane + i) * framePlane + frameRowStart(rect, frame, r);
      for (let p = start; p < start + rect.width; p++) target[p] = target[p] * scale + offset;
    }
  }
}
