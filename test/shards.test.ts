import { describe, expect, it } from 'vitest';
import { parseShard, shardTiles } from '../src/pipeline/shards.js';
import { tileGrid } from '../src/pipeline/engine/tileLayout.js';
import { UsageError } from '../src/errors.js';

describe('shards', () => {
  it('parses i/n and refuses anything else with a usage error', () => {
    expect(parseShard('2/7')).toEqual({ index: 2, count: 7 });
    for (const bad of ['7/7', '-1/3', '1', 'a/b', '0/0', '1/2/3']) expect(() => parseShard(bad)).toThrow(UsageError);
  });

  it('splits the tiles into disjoint runs that cover the raster, for any shard count', () => {
    const tiles = tileGrid(1000, 700, 128); // ragged edge tiles
    for (const n of [1, 2, 3, 7, 40, 70]) {
      const parts = Array.from({ length: n }, (_v, i) => shardTiles(tiles, { index: i, count: n }));
      const flat = parts.flat();
      expect(flat).toHaveLength(tiles.length);
      expect(new Set(flat.map((t) => `${t.x0},${t.y0}`)).size).toBe(tiles.length);
      expect(flat).toEqual(tiles); // runs in order: shard 0 first
    }
  });
});
