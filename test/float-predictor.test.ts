import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRectInto, type Window } from '../src/io/readWindow.js';
import { openScene, type Scene } from '../src/io/scene.js';
import { testRandom } from './helpers/testRandom.js';
import { tempDir, writeTinyStack } from './helpers/tinyRasters.js';

/**
 * A GeoTIFF with the floating-point predictor is read through its byte view (GDAL
 * decompresses, the predictor is undone in WebAssembly): the values must be GDAL's own,
 * bit for bit, in every layout GDAL writes, and a file that does not qualify is read as before.
 */
const dir = tempDir('sc-fpred-');
const opened: Scene[] = [];
afterAll(() => {
  for (const s of opened) s.close();
});

const datesOf = (n: number) => Array.from({ length: n }, (_v, i) => `2021-${String(1 + Math.floor(i / 28)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);

/** Values that show any misplaced byte: random bit patterns of finite floats, NaNs with payloads, infinities, -0, subnormals, the nodata value. */
function valueOf(seed: number): (b: number, c: number, r: number) => number {
  const random = testRandom(seed);
  const special = [NaN, Infinity, -Infinity, -0, 0, 1.4e-45, -1.1754942e-38, 3.4028235e38, -9999];
  const scratch = new Float32Array(1), bits = new Uint32Array(scratch.buffer);
  return () => {
    const u = random();
    if (u < 0.08) return special[Math.floor(random() * special.length)];
    if (u < 0.5) return (random() - 0.5) * 200;
    bits[0] = Math.floor(random() * 2 ** 32);
    return scratch[0];
  };
}

function writeScene(name: string, width: number, height: number, bands: number, creationOptions: string[], seed: number): string {
  const path = join(dir, name);
  writeTinyStack(path, { width, height, dates: datesOf(bands), value: valueOf(seed), nodata: -9999, creationOptions });
  return path;
}

function open(path: string, byteView: boolean): Scene {
  const scene = openScene(path, { byteView, handles: 2 });
  opened.push(scene);
  return scene;
}

/** Reads `rect` into a frame grown by `margin` on each side (as the tile pass does), both ways. */
async function readBoth(fast: Scene, plain: Scene, rect: Window, margin: number) {
  const frame = { x0: rect.x0 - margin, y0: rect.y0 - margin, width: rect.width + 2 * margin, height: rect.height + 2 * margin };
  const n = fast.dateBands.length * frame.width * frame.height;
  const a = new Float32Array(n).fill(7), b = new Float32Array(n).fill(7);
  await Promise.all([readRectInto(fast, rect, a, frame, 0), readRectInto(plain, rect, b, frame, 1)]);
  return { a: new Uint32Array(a.buffer), b: new Uint32Array(b.buffer) };
}

const layouts: { name: string; size: [number, number, number]; co: string[]; block: [number, number] }[] = [
  { name: 'DEFLATE, 32 x 32 tiles, band-interleaved, partial blocks', size: [70, 45, 5], co: ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32', 'INTERLEAVE=BAND'], block: [32, 32] },
  { name: 'ZSTD, 16 x 48 tiles, pixel-interleaved', size: [50, 37, 3], co: ['COMPRESS=ZSTD', 'PREDICTOR=3', 'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=48', 'INTERLEAVE=PIXEL'], block: [16, 48] },
  { name: 'LZW, pixel-interleaved, 20 bands (a stride of 16 and more)', size: [33, 20, 20], co: ['COMPRESS=LZW', 'PREDICTOR=3', 'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16', 'INTERLEAVE=PIXEL'], block: [16, 16] },
  { name: 'DEFLATE strips of 2 rows, pixel-interleaved, 6 bands', size: [43, 15, 6], co: ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'BLOCKYSIZE=2', 'INTERLEAVE=PIXEL'], block: [43, 2] },
  { name: 'DEFLATE strips of 7 rows, band-interleaved', size: [41, 30, 4], co: ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'BLOCKYSIZE=7', 'INTERLEAVE=BAND'], block: [41, 7] },
  { name: 'ZSTD strips of 4 rows, one band', size: [29, 11, 1], co: ['COMPRESS=ZSTD', 'PREDICTOR=3', 'BLOCKYSIZE=4'], block: [29, 4] },
  { name: 'BigTIFF, big-endian, DEFLATE, 48 x 16 tiles', size: [100, 40, 3], co: ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'TILED=YES', 'BLOCKXSIZE=48', 'BLOCKYSIZE=16', 'INTERLEAVE=BAND', 'BIGTIFF=YES', 'ENDIANNESS=BIG'], block: [48, 16] },
];

describe('floating-point predictor GeoTIFFs read through the byte view', () => {
  layouts.forEach(({ name, size: [width, height, bands], co, block: [bw, bh] }, i) => {
    it(`${name}: every block-aligned cell (in frames with halos) and every other rect gives GDAL's bits`, async () => {
      const path = writeScene(`layout${i}.tif`, width, height, bands, co, 100 + i);
      const fast = open(path, true), plain = open(path, false);
      expect(fast.byteView, 'the file qualifies').toBeDefined();
      expect(fast.byteView!.layout).toMatchObject({ width, height, blockWidth: bw, blockHeight: bh, samples: bands });
      expect(plain.byteView).toBeUndefined();
      let aligned = 0, others = 0;
      const random = testRandom(i);
      // The cells the tile passes read: whole block rows (the last cut by the image's bottom edge).
      for (let y = 0; y < height; y += bh) {
        for (let x = 0; x < width; x += bw) {
          const rect = { x0: x, y0: y, width: Math.min(2 * bw, width - x), height: Math.min(bh, height - y) };
          expect(fast.byteView!.covers(rect)).toBe(true);
          const { a, b } = await readBoth(fast, plain, rect, 3);
          expect(a, `cell ${JSON.stringify(rect)}`).toEqual(b);
          aligned++;
        }
      }
      for (const cell of [bw, 2 * bw]) {
        for (let y = 0; y < height; y += Math.max(1, Math.floor(bh / 2))) {
          for (let x = 0; x < width; x += cell) {
            const rect = { x0: x, y0: y, width: Math.min(cell, width - x), height: Math.min(1 + Math.floor(random() * bh * 1.5), height - y) };
            expect(fast.byteView!.covers(rect)).toBe(true);
            const { a, b } = await readBoth(fast, plain, rect, 3);
            expect(a, `rect ${JSON.stringify(rect)}`).toEqual(b);
            aligned++;
          }
        }
      }
      for (let k = 0; k < 12; k++) {
        const x0 = Math.floor(random() * (width - 1)), y0 = Math.floor(random() * (height - 1));
        const rect = { x0, y0, width: 1 + Math.floor(random() * (width - x0 - 1)), height: 1 + Math.floor(random() * (height - y0 - 1)) };
        const { a, b } = await readBoth(fast, plain, rect, 2);
        expect(a, `rect ${JSON.stringify(rect)}`).toEqual(b);
        if (!fast.byteView!.covers(rect)) others++;
      }
      expect(aligned).toBeGreaterThan(3);
      expect(others).toBeGreaterThan(0);
    });
  });

  // Pixel-interleaved: some of a block's bands; band-interleaved (blocks side by side in the view): some bands' blocks.
  const someBands: [string, string, Window][] = [
    ['pixel', 'a pixel-interleaved cell', { x0: 16, y0: 5, width: 29, height: 30 }],
    ['band', 'a band-interleaved cell of whole blocks', { x0: 16, y0: 16, width: 29, height: 16 }],
  ];
  someBands.forEach(([interleave, label, rect], k) => {
    it(`${label} of some bands, in any order and from any first plane, gives GDAL's bits for each`, async () => {
      const [width, height, bands] = [45, 40, 20];
      const path = writeScene(`${interleave}-some-bands.tif`, width, height, bands, ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'TILED=YES', 'BLOCKXSIZE=16', 'BLOCKYSIZE=16', `INTERLEAVE=${interleave.toUpperCase()}`], 7 + k);
      const fast = open(path, true), plain = open(path, false);
      const chosen = [17, 2, 5, 20];
      // Two blocks wide, the second cut by the right edge; the frame has a halo.
      const frame = { x0: rect.x0 - 2, y0: rect.y0 - 2, width: rect.width + 4, height: rect.height + 4 };
      const plane = frame.width * frame.height;
      const got = new Float32Array((chosen.length + 1) * plane).fill(7);
      expect(fast.byteView!.covers(rect)).toBe(true);
      await fast.byteView!.readInto(0, chosen, rect, got, frame, 1);
      const bits = new Uint32Array(got.buffer);
      const want = new Float32Array(rect.width * rect.height), wantBits = new Uint32Array(want.buffer);
      expect(Array.from(bits.subarray(0, plane)).every((v) => v === bits[0]), 'plane 0 is not written').toBe(true);
      chosen.forEach((b, i) => {
        plain.handles[0].dynamic.bands.get(b).pixels.read(rect.x0, rect.y0, rect.width, rect.height, want);
        for (let r = 0; r < rect.height; r++) {
          const at = (1 + i) * plane + (rect.y0 - frame.y0 + r) * frame.width + (rect.x0 - frame.x0);
          expect(Array.from(bits.subarray(at, at + rect.width)), `band ${b}, row ${r}`).toEqual(Array.from(wantBits.subarray(r * rect.width, (r + 1) * rect.width)));
        }
        // The halo around the rect is left as it was.
        const above = (1 + i) * plane + (rect.y0 - frame.y0 - 1) * frame.width;
        expect(Array.from(bits.subarray(above, above + frame.width)).every((v) => v === bits[0]), `band ${b}: the row above the rect is not written`).toBe(true);
      });
    });
  });

  it('is not used for files without the floating-point predictor, or with it on other types', () => {
    const cases: [string, string[], string?][] = [
      ['no predictor', ['COMPRESS=DEFLATE', 'TILED=YES']],
      ['horizontal differencing', ['COMPRESS=DEFLATE', 'PREDICTOR=2', 'TILED=YES'], 'Int16'],
      ['64-bit floats', ['COMPRESS=DEFLATE', 'PREDICTOR=3', 'TILED=YES'], 'Float64'],
    ];
    cases.forEach(([label, co, type], k) => {
      const path = join(dir, `other${k}.tif`);
      writeTinyStack(path, { width: 40, height: 20, dataType: type, creationOptions: co });
      expect(open(path, true).byteView, label).toBeUndefined();
    });
  });
});
