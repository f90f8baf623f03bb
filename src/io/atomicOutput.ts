import { accessSync, constants, existsSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { isVirtualPath, uploadFile, vsiSize } from './vsiBytes.js';

/**
 * Outputs are written under temporary names in their destination folder and
 * renamed into place only when complete, so a failed or interrupted run never
 * leaves a partial file at an output path nor damages an earlier output.
 *
 * A temporary is named `.<output name>.<pid>.<n>.tmp<suffix>`; GDAL may add
 * files of its own beside it (`<temporary>.aux.xml`, the COG driver's
 * `<temporary>.ovr.tmp`), which share its name as a prefix and go with it.
 *
 * An output at a GDAL virtual path (/vsis3/, /vsigs/, /vsiaz/ ...) is written to
 * a local temporary and uploaded when committed: an object appears only once its
 * upload is complete, which is object storage's form of an atomic rename.
 */
const pending = new Set<string>();
let counter = 0;
let interrupted = false;

const TEMPORARY = /^\.(.+)\.(\d+)\.(\d+)\.tmp/;

/** A temporary path beside `finalPath` (same folder, so the rename is atomic); local for a virtual path. */
export function temporaryPathFor(finalPath: string, suffix = ''): string {
  const dir = isVirtualPath(finalPath) ? tmpdir() : dirname(resolve(finalPath));
  const tmp = join(dir, `.${basename(finalPath)}.${process.pid}.${counter++}.tmp${suffix}`);
  pending.add(tmp);
  return tmp;
}

/** The output a temporary stands for (`/d/.x.tif.12.0.tmp.tif` -> `/d/x.tif`), or null for other paths. */
export function finalPathOfTemporary(path: string): string | null {
  const m = TEMPORARY.exec(basename(path));
  return m ? join(dirname(path), m[1]) : null;
}

/** Removes a temporary and every file GDAL put beside it under its name. */
function removeWithCompanions(tmp: string): void {
  rmSync(tmp, { force: true });
  const dir = dirname(tmp);
  const stem = basename(tmp).replace(/\.tmp.*$/, '.tmp');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (n.startsWith(stem)) rmSync(join(dir, n), { force: true });
}

/** Removes every temporary file not yet committed (on failure or interruption). */
export function removePendingTemporaries(): void {
  for (const tmp of pending) removeWithCompanions(tmp);
  pending.clear();
}

/**
 * Called on SIGINT/SIGTERM: from now on nothing is renamed into place, so an
 * interrupted run can never publish an output, then the temporaries are removed.
 */
export function abandonOutputs(): void {
  interrupted = true;
  removePendingTemporaries();
}

/**
 * Removes temporaries that a killed run (SIGKILL, power loss) left beside
 * `finalPath`: those whose process no longer exists. A live process's
 * temporaries (another run writing the same output right now) are kept.
 */
export function removeStaleTemporaries(finalPath: string): string[] {
  const dir = dirname(resolve(finalPath));
  const base = basename(finalPath);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const m = TEMPORARY.exec(n);
    if (!m || m[1] !== base || Number(m[2]) === process.pid || processAlive(Number(m[2]))) continue;
    rmSync(join(dir, n), { force: true });
    removed.push(join(dir, n));
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM'; // exists, owned by someone else
  }
}

/** Renames finished temporaries into place, in the order given. */
export function commitOutputs(pairs: { tmp: string; final: string }[]): void {
  if (interrupted) throw new UserError('interrupted: outputs were not written; earlier outputs are unchanged.');
  for (const { tmp, final } of pairs) {
    if (isVirtualPath(final)) {
      uploadFile(tmp, final);
      removeWithCompanions(tmp);
    } else {
      renameSync(tmp, final);
    }
    pending.delete(tmp);
  }
}

/** Forgets a temporary that was consumed (e.g. an intermediate removed after use). */
export function discardTemporary(tmp: string): void {
  removeWithCompanions(tmp);
  pending.delete(tmp);
}

/**
 * Refuses an output that is one of the inputs (`run scene.tif --out scene.tif
 * --overwrite` would replace the scene with labels). Compares real paths, so a
 * symlink or a `./` prefix does not hide it.
 */
export function checkOutputsAreNotInputs(outputs: string[], inputs: string[], option = '--out'): void {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  const inputSet = new Map(inputs.filter((p) => !p.startsWith('/vsi')).map((p) => [real(p), p]));
  for (const o of outputs) {
    const input = inputSet.get(real(o));
    if (input !== undefined) {
      throw new UserError(`${option}: '${o}' is also an input ('${input}'); writing it would destroy that input. Choose another output name.`);
    }
  }
}

/**
 * Checks before any work starts that every output can be written: the folder
 * exists and is writable, and no existing file would be replaced without --overwrite.
 * Also removes temporaries of these outputs left by a run that was killed.
 */
export function checkOutputsWritable(paths: string[], overwrite: boolean, option = '--out'): void {
  for (const p of paths) {
    if (p.trim() === '' || p.endsWith('/')) {
      throw new UserError(`${option} needs a file name such as regimes.tif; got '${p}'.`);
    }
    if (isVirtualPath(p)) {
      // Object storage has no folders to check; an existing object is kept unless --overwrite.
      if (!overwrite && vsiSize(p) !== null) {
        throw new UserError(`${option}: '${p}' already exists; it is kept. Pass --overwrite to replace it, or choose another name.`);
      }
      continue;
    }
    const dir = dirname(resolve(p));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UserError(`${option}: the folder '${dir}' for '${p}' does not exist. Create it first (mkdir -p '${dir}').`);
    }
    try {
      accessSync(dir, constants.W_OK);
    } catch (err) {
      const why = (err as { code?: string }).code === 'EROFS' ? 'it is on a read-only file system' : 'permission denied';
      throw new UserError(`${option}: the folder '${dir}' is not writable (${why}). Choose another output folder or fix its permissions.`);
    }
    if (existsSync(p) && !overwrite) {
      throw new UserError(`${option}: '${p}' already exists; it is kept. Pass --overwrite to replace it, or choose another name.`);
    }
    if (existsSync(p) && statSync(p).isDirectory()) {
      throw new UserError(`${option}: '${p}' is a directory; expected a file name such as regimes.tif.`);
    }
  }
  for (const p of paths) if (!isVirtualPath(p)) removeStaleTemporaries(p);
}
