import type { Window } from '../io/readWindow.js';

/** Core windows of `tileSize` covering the raster, row-major. */
export function tileGrid(width: number, height: number, tileSize: number): Window[] {
  const tiles: Window[] = [];
  for (let y0 = 0; y0 < height; y0 += tileSize) {
    for (let x0 = 0; x0 < width; x0 += tileSize) {
      tiles.push({ x0, y0, width: Math.min(tileSize, width - x0), height: Math.min(tileSize, height - y0) });
    }
  }
  return tiles;
}

/**
 * Runs `read` for every tile with one read in flight ahead of the one being
 * processed, so decoding on the libuv pool overlaps compute on the main thread.
 * Memory: at most two tiles' reads are alive at once.
 */
export async function forEachTileReadAhead<T>(
  tiles: Window[],
  read: (tile: Window, index: number) => Promise<T>,
  process: (tile: Window, data: T, index: number) => Promise<void> | void,
): Promise<void> {
  if (tiles.length === 0) return;
  let next = read(tiles[0], 0);
  for (let i = 0; i < tiles.length; i++) {
    const current = await next;
    if (i + 1 < tiles.length) next = read(tiles[i + 1], i + 1);
    await process(tiles[i], current, i);
  }
}
