import { UsageError } from '../errors.js';
import type { Window } from '../io/readWindow.js';

/** Shard i of n (0-based), as given by `--shard i/n`. */
export interface Shard {
  index: number;
  count: number;
}

/** Parses `i/n` (0 <= i < n); a usage error names the option otherwise. */
export function parseShard(text: string, option = '--shard'): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new UsageError(`${option} must be i/n with 0 <= i < n (e.g. 0/4 ... 3/4 for four shards); got '${text}'.`);
  }
  return { index, count };
}

/**
 * The tiles of one shard: shards are disjoint runs of whole tiles in row-major
 * order that together cover the raster, balanced by pixels. A run of tiles keeps
 * each shard's reads to a compact band of the raster, so halos overlap little.
 */
export function shardTiles(tiles: Window[], shard: Shard): Window[] {
  const weights = tiles.map((t) => t.width * t.height);
  const total = weights.reduce((a, b) => a + b, 0);
  // Tile i goes to the shard whose share of the cumulative weight its midpoint falls in.
  const out: Window[] = [];
  let before = 0;
  for (let i = 0; i < tiles.length; i++) {
    const mid = before + weights[i] / 2;
    const owner = total > 0 ? Math.min(shard.count - 1, Math.floor((mid / total) * shard.count)) : i % shard.count;
    if (owner === shard.index) out.push(tiles[i]);
    before += weights[i];
  }
  return out;
}
