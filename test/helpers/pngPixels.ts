import gdal from 'gdal-async';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './tinyRasters.js';

/** An image as RGB(A) pixels, decoded by GDAL's PNG driver (not by the code under test). */
export interface Pixels {
  width: number;
  height: number;
  /** Packed 0xRRGGBB per pixel, row by row. */
  rgb: Uint32Array;
}

/** Width and height straight from a PNG's IHDR chunk (bytes 16..23), after checking the signature. */
export function pngHeaderSize(png: Buffer): { width: number; height: number } {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG signature');
  if (png.toString('latin1', 12, 16) !== 'IHDR') throw new Error('first PNG chunk is not IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export function decodePng(pathOrBytes: string | Buffer): Pixels {
  let path = pathOrBytes as string;
  if (Buffer.isBuffer(pathOrBytes)) {
    path = join(tempDir('sc-png-'), 'image.png');
    writeFileSync(path, pathOrBytes);
  }
  const header = pngHeaderSize(readFileSync(path));
  const ds = gdal.open(path);
  const { x: width, y: height } = ds.rasterSize;
  if (width !== header.width || height !== header.height) throw new Error(`GDAL reads ${width}x${height}, the header says ${header.width}x${header.height}`);
  const bands = [1, 2, 3].map((b) => ds.bands.get(Math.min(b, ds.bands.count())).pixels.read(0, 0, width, height) as Uint8Array);
  ds.close();
  const rgb = new Uint32Array(width * height);
  for (let p = 0; p < rgb.length; p++) rgb[p] = (bands[0][p] << 16) | (bands[1][p] << 8) | bands[2][p];
  return { width, height, rgb };
}

export const hexOf = (v: number) => `#${v.toString(16).padStart(6, '0')}`;
export const rgbOfHex = (hex: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];

/** How many pixels have each colour. */
export function colourCounts(pixels: Pixels): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of pixels.rgb) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}
