import { openScene, type OpenSceneOptions, type Scene } from '../scene.js';
import { openSceneSource } from './openSceneSource.js';
import { assertSceneHasCrs } from './overrides.js';
import { resolveStatics } from './statics.js';
import type { SourceOptions } from './types.js';

export interface OpenSourceSceneOptions extends Omit<OpenSceneOptions, 'input'> {
  /** `--crs`, `--dates` and the reporter's warn/info; `allowUngeoreferenced` is taken from the scene options. */
  source?: SourceOptions;
}

/**
 * Opens a SCENE argument of any accepted product: resolves it (and every `--static`)
 * through the product readers, appends the statics the product brings, and opens the
 * result with `openScene`, refusing a grid without a CRS. The scene names the user's argument in messages and outputs
 * (`path` = `input`), carries the provenance, and removes the readers' temporaries when closed.
 */
export async function openSourceScene(input: string, options: OpenSourceSceneOptions = {}): Promise<Scene> {
  const source: SourceOptions = { warn: options.warn, ...options.source, allowUngeoreferenced: options.allowUngeoreferenced };
  const resolved = await openSceneSource(input, source);
  let statics: Awaited<ReturnType<typeof resolveStatics>> = [];
  try {
    statics = await resolveStatics([...(options.statics ?? []), ...resolved.statics], source);
    const scene = openScene(resolved.path, { ...options, input, statics: statics.map((s) => s.path) });
    try {
      assertSceneHasCrs(input, resolved.provenance, scene.facts, source);
    } catch (err) {
      scene.close();
      throw err;
    }
    // Static layers the product brings (gridded point attributes...) live in scratch files: name them by the input instead.
    const given = (options.statics ?? []).length;
    scene.statics.forEach((s, i) => (s.path = i < given ? statics[i].input : `${input} (its static layers)`));
    return {
      ...scene,
      path: input,
      input,
      readPath: resolved.path,
      provenance: resolved.provenance,
      points: resolved.points,
      close() {
        scene.close(); // handles first: the temporaries go once nothing reads them
        for (const s of statics) s.dispose();
        resolved.dispose();
      },
    };
  } catch (err) {
    for (const s of statics) s.dispose();
    resolved.dispose();
    throw err;
  }
}
