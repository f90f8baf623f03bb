import { PRODUCT_STATIC_READERS } from './staticProducts.js';
import type { ResolvedStatic, SourceOptions, StaticReader } from './types.js';

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
