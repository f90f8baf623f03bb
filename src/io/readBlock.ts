import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { getGdal, type Dataset } from './gdal.js';
import type { RasterFacts } from './rasterFacts.js';

const xmlText = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/**
 * The blocks the reads of a scene meet: its own, or for a VRT (whose blocks are its own
 * 128 x 128 unless it says otherwise) the blocks of its first band's first source when that
 * is a local file of the VRT's size stored in strips as wide as the raster: a
 * `gdalbuildvrt -separate` stack of GDAL's default GeoTIFFs, which the tile layout cuts into
 * full-width cells (src/pipeline/engine/tileLayout.ts, cellShape).
 *
 * @param path - the scene's path (a source named relative to the VRT is found from it)
 */
export function readBlockOf(ds: Dataset, facts: RasterFacts, path: string): { width: number; height: number } {
  const own = { width: facts.blockWidth, height: facts.blockHeight };
  if (ds.driver.description !== 'VRT' || own.width >= facts.width) return own;
  try {
    const sources = ds.bands.get(facts.dataBands[0]).getMetadata('vrt_sources') as Record<string, string> | null;
    const name = /<SourceFilename[^>]*>([^<]+)<\/SourceFilename>/.exec(sources?.source_0 ?? '')?.[1];
    if (!name) return own;
    const text = xmlText(name);
    const file = isAbsolute(text) || text.startsWith('/vsi') ? text : resolve(path.startsWith('/vsi') ? '.' : dirname(path), text);
    if (file.startsWith('/vsi') || !existsSync(file)) return own;
    const src = getGdal().open(file, 'r');
    try {
      const block = src.bands.get(1).blockSize;
      return src.rasterSize.x === facts.width && src.rasterSize.y === facts.height && block.x >= facts.width ? { width: block.x, height: block.y } : own;
    } finally {
      src.close();
    }
  } catch {
    return own; // a source we cannot look into: the VRT's own blocks
  }
}
