import { PRODUCT_STATIC_READERS } from './staticProducts.js';
import type { SourceOptions } from './types.js';

/** A `--static` argument turned into GDAL-openable rasters (one named band per layer). */
export interface ResolvedStatic {
  /** The user's argument. */
  input: string;
  /** What `openStaticSource` opens. */
  path: string;
  dispose(): void;
}

/** One family of static layers (HDF5 datasets, netCDF variables...); the first that claims an argument resolves it. */
export interface StaticReader {
  name: string;
  claims(input: string): boolean;
  resolve(input: string, options: SourceOptions): Promise<ResolvedStatic>;
}

/** Ordered like `SCENE_READERS`: product families first; a plain raster passes through. */
export const STATIC_READERS: readonly StaticReader[] = [
  ...PRODUCT_STATIC_READERS,
  { name: 'raster', claims: () => true, resolve: async (input) => ({ input, path: input, dispose: () => {} }) },
];

/** Resolves every static argument; on failure the ones already resolved are disposed. */
export async function resolveStatics(inputs: string[], options: SourceOptions, readers: readonly StaticReader[] = STATIC_READERS): Promise<ResolvedStatic[]> {
  const out: ResolvedStatic[] = [];
  try {
    for (const input of inputs) out.push(await readers.find((r) => r.claims(input))!.resolve(input, options));
    return out;
  } catch (err) {
    for (const s of out) s.dispose();
    throw err;
  }
}
