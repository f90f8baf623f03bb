import { resolve } from 'node:path';
import type { Rect } from '../smooth/types.js';
import { KernelArena } from '../wasm/kernelArena.js';
import { bandsSideBySide, blockRowBytes, byteViewTiff, floatPredictorLayout, type FloatPredictorLayout } from './floatPredictorTiff.js';
import { getGdal, type Dataset } from './gdal.js';
import { removeVsimem, vsimemPath } from './sources/vsimem.js';

/** Bytes of file rows decompressed per call at most (a row of a cell spans every band, side by side or interleaved). */
const CHUNK_BYTES = 2 << 20;

/** Rows of the first block compared with GDAL's own read when a view opens. */
const CHECK_ROWS = 8;

const xmlText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Reads a floating-point-predictor GeoTIFF (src/io/floatPredictorTiff.ts) faster than
 * GDAL's float reads: GDAL opens a byte view of the same file (a new directory declaring
 * the same blocks as 8-bit samples without predictor, joined to the file's bytes by
 * GDAL's /vsisparse/), so it still does every read and decompression, and the predictor is
 * undone here in WebAssembly SIMD. Same bits as GDAL's own reads: checked on the first
 * block when the view opens (the file is otherwise read the ordinary way), and by
 * test/float-predictor.test.ts on files of every layout. Only reads whose columns start
 * and end on block edges (the pipeline's tile cells) go this way; the rest read as before.
 */
export class FloatPredictorView {
  /** One arena per read in flight (a read awaits GDAL; its buffers must not move meanwhile). */
  private readonly spare: KernelArena[] = [];

  private constructor(
    readonly layout: FloatPredictorLayout,
    private readonly datasets: Dataset[],
    private readonly temporaries: string[],
  ) {}

  /** The view of `path` with `handles` dataset handles, or null when the file does not qualify or the check fails. */
  static open(path: string, handles: number, check: Dataset): FloatPredictorView | null {
    const layout = floatPredictorLayout(path);
    if (!layout) return null;
    const g = getGdal();
    const { header, directory, at } = byteViewTiff(layout);
    const headerPath = vsimemPath('byteview_header', '.bin'), directoryPath = vsimemPath('byteview_directory', '.bin'), xmlPath = vsimemPath('byteview', '.xml');
    const temporaries = [headerPath, directoryPath, xmlPath];
    const region = (file: string, dst: number, src: number, length: number) =>
      `<SubfileRegion><Filename>${xmlText(file)}</Filename><DestinationOffset>${dst}</DestinationOffset><SourceOffset>${src}</SourceOffset><RegionLength>${length}</RegionLength></SubfileRegion>`;
    // Regions must follow each other without a gap: a read that runs into a gap gets zeros to its end.
    const xml = [
      `<VSISparseFile><Length>${at + directory.length}</Length>`,
      region(headerPath, 0, 0, header.length),
      region(resolve(layout.path), header.length, header.length, layout.fileSize - header.length),
      at > layout.fileSize ? `<ConstantRegion><DestinationOffset>${layout.fileSize}</DestinationOffset><RegionLength>${at - layout.fileSize}</RegionLength><Value>0</Value></ConstantRegion>` : '',
      region(directoryPath, at, 0, directory.length),
      '</VSISparseFile>',
    ].join('');
    const datasets: Dataset[] = [];
    try {
      g.vsimem.copy(header, headerPath);
      g.vsimem.copy(directory, directoryPath);
      g.vsimem.copy(Buffer.from(xml, 'utf8'), xmlPath);
      for (let i = 0; i < Math.max(1, handles); i++) datasets.push(g.open(`/vsisparse/${xmlPath}`, 'r'));
      const view = new FloatPredictorView(layout, datasets, temporaries);
      if (view.firstBlockMatches(check)) return view;
      view.close();
    } catch {
      for (const ds of datasets) ds.close();
      for (const p of temporaries) removeVsimem(p);
    }
    return null;
  }

  /** True when `rect`'s columns start on a block edge and end on one (or at the image's right edge). */
  covers(rect: Rect): boolean {
    const bw = this.layout.blockWidth;
    const x1 = rect.x0 + rect.width;
    return rect.width > 0 && rect.height > 0 && rect.x0 % bw === 0 && (x1 % bw === 0 || x1 === this.layout.width);
  }

  /**
   * Reads `rect` of the 1-based `bands` into consecutive planes of `target` laid out on
   * `frame` (plane firstPlane + i holds bands[i]), as readWindow.ts's readRectInto does. `rect`
   * must be {@link covers covered}.
   */
  async readInto(handle: number, bands: number[], rect: Rect, target: Float32Array, frame: Rect, firstPlane: number): Promise<void> {
    const { layout } = this;
    const g = getGdal();
    const bw = layout.blockWidth;
    const blocks = Math.ceil(rect.width / bw);
    const rowBytes = blockRowBytes(layout);
    // What one row of the rect spans in the view: its blocks, of every band when they sit side by side.
    const sideBySide = bandsSideBySide(layout);
    const perBlock = sideBySide ? layout.samples : 1;
    const lineBytes = blocks * perBlock * rowBytes;
    const words = layout.planar === 2 ? bw : bw * layout.samples;
    const lineWords = lineBytes / 4;
    const chunk = Math.max(1, Math.min(rect.height, Math.floor(CHUNK_BYTES / lineBytes)));
    const ds = this.datasets[handle % this.datasets.length];
    const arena = this.spare.pop() ?? new KernelArena();
    try {
      arena.reset();
      const src = arena.allocate('u8', chunk * lineBytes), dst = arena.allocate('f32', chunk * lineWords);
      const pixelInterleaved = !sideBySide && layout.planar !== 2;
      const sel = pixelInterleaved ? arena.allocate('i32', bands.length) : null;
      const planes = pixelInterleaved ? arena.allocate('f32', (chunk * lineWords * bands.length) / layout.samples) : null;
      if (sel) sel.view.set(bands.map((b) => b - 1));
      const framePlane = frame.width * frame.height;
      const at = (plane: number, y: number) => plane * framePlane + (y - frame.y0) * frame.width + (rect.x0 - frame.x0);
      const readChunk = async (band: number, y: number, rows: number) => {
        await ds.bands.get(band).pixels.readAsync((rect.x0 / bw) * perBlock * rowBytes, y, lineBytes, rows, src.view.subarray(0, rows * lineBytes), { type: g.GDT_Byte });
        arena.kernels.floatPredictorRows(src.address, dst.address, rows * blocks * perBlock, words, layout.planar === 2 ? 1 : layout.samples);
        return dst.view;
      };
      for (let y = rect.y0; y < rect.y0 + rect.height; y += chunk) {
        const rows = Math.min(chunk, rect.y0 + rect.height - y);
        if (sideBySide) {
          // Row r, block k, band s: bw values at ((r * blocks + k) * samples + s) * bw.
          const out = await readChunk(1, y, rows);
          for (let i = 0; i < bands.length; i++) {
            const s = bands[i] - 1;
            for (let r = 0; r < rows; r++) {
              const to = at(firstPlane + i, y + r);
              for (let k = 0; k < blocks; k++) {
                const from = ((r * blocks + k) * layout.samples + s) * bw;
                target.set(out.subarray(from, from + Math.min(bw, rect.width - k * bw)), to + k * bw);
              }
            }
          }
        } else if (layout.planar === 2) {
          // The chunk's rows as views, made once for all bands (a view per row and band cost more than the copies).
          const out = dst.view;
          const rowViews = Array.from({ length: rows }, (_v, r) => out.subarray(r * lineWords, r * lineWords + rect.width));
          for (let i = 0; i < bands.length; i++) {
            await readChunk(bands[i], y, rows);
            const to = at(firstPlane + i, y);
            for (let r = 0; r < rows; r++) target.set(rowViews[r], to + r * frame.width);
          }
        } else {
          // Pixel-interleaved: the chunk's words to one plane per band in the arena (a strided
          // JavaScript loop cost 5 ns a value), then each band's rows to the target.
          await readChunk(1, y, rows);
          const pixelsPerRow = lineWords / layout.samples;
          arena.kernels.deinterleave(dst.address, rows * pixelsPerRow, layout.samples, sel!.address, bands.length, planes!.address, chunk * pixelsPerRow);
          const out = planes!.view;
          for (let i = 0; i < bands.length; i++) {
            for (let r = 0; r < rows; r++) {
              const from = i * chunk * pixelsPerRow + r * pixelsPerRow;
              target.set(out.subarray(from, from + rect.width), at(firstPlane + i, y + r));
            }
          }
        }
      }
    } finally {
      this.spare.push(arena);
    }
  }

  close(): void {
    for (const ds of this.datasets.splice(0)) ds.close();
    for (const p of this.temporaries) removeVsimem(p);
  }

  /** The first rows of the first block of the first band, read both ways (blocking reads, at open): the same bits, or this view is not used. */
  private firstBlockMatches(check: Dataset): boolean {
    const { layout } = this;
    const g = getGdal();
    // A few rows are enough to catch a wrong layout, and keep the check small for pixel-interleaved blocks of many bands.
    const w = Math.min(layout.blockWidth, layout.width), h = Math.min(layout.blockHeight, layout.height, CHECK_ROWS);
    const expected = new Float32Array(w * h);
    check.bands.get(1).pixels.read(0, 0, w, h, expected, { type: g.GDT_Float32 });
    const arena = new KernelArena();
    const rowBytes = blockRowBytes(layout);
    const src = arena.allocate('u8', h * rowBytes), dst = arena.allocate('f32', (h * rowBytes) / 4);
    this.datasets[0].bands.get(1).pixels.read(0, 0, rowBytes, h, src.view, { type: g.GDT_Byte });
    const n = layout.planar === 2 ? 1 : layout.samples;
    arena.kernels.floatPredictorRows(src.address, dst.address, h, layout.blockWidth * n, n);
    const got = dst.view;
    const a = new Uint32Array(expected.buffer);
    const b = new Uint32Array(got.buffer, got.byteOffset, got.length);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (a[r * w + c] !== b[(r * layout.blockWidth + c) * n]) return false;
    return true;
  }
}
