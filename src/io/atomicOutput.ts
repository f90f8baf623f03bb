import { accessSync, constants, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';

/**
 * Outputs are written under temporary names in their destination folder and
 * renamed into place only when complete, so a failed or interrupted run never
 * leaves a partial file at an output path nor damages an earlier output.
 */
const pending = new Set<string>();
let counter = 0;

/** A temporary path beside `finalPath` (same folder, so the rename is atomic). */
export function temporaryPathFor(finalPath: string, suffix = ''): string {
  const dir = dirname(resolve(finalPath));
  const tmp = join(dir, `.${basename(finalPath)}.${process.pid}.${counter++}.tmp${suffix}`);
  pending.add(tmp);
  return tmp;
}

/** Removes every temporary file not yet committed (on failure or interruption). */
export function removePendingTemporaries(): void {
  for (const tmp of pending) {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.aux.xml`, { force: true });
  }
  pending.clear();
}

/** Renames finished temporaries into place, in the order given. */
export function commitOutputs(pairs: { tmp: string; final: string }[]): void {
  for (const { tmp, final } of pairs) {
    renameSync(tmp, final);
    pending.delete(tmp);
  }
}

/** Forgets a temporary that was consumed (e.g. an intermediate removed after use). */
export function discardTemporary(tmp: string): void {
  rmSync(tmp, { force: true });
  rmSync(`${tmp}.aux.xml`, { force: true });
  pending.delete(tmp);
}

/**
 * Checks before any work starts that every output can be written: the folder
 * exists and is writable, and no existing file would be replaced without --overwrite.
 */
export function checkOutputsWritable(paths: string[], overwrite: boolean, option = '--out'): void {
  for (const p of paths) {
    const dir = dirname(resolve(p));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError(`${option}: the folder '${dir}' for '${p}' does not exist. Create it first (mkdir -p '${dir}').`);
    }
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      throw new UserError(`${option}: the folder '${dir}' is not writable. Choose another output folder or fix its permissions.`);
    }
    if (existsSync(p) && !overwrite) {
      throw new UserError(`${option}: '${p}' already exists; it is kept. Pass --overwrite to replace it, or choose another name.`);
    }
    if (existsSync(p) && statSync(p).isDirectory()) {
      throw new UserError(`${option}: '${p}' is a directory; expected a file name such as regimes.tif.`);
    }
  }
}
