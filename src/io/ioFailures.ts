import { UserError } from '../errors.js';

/**
 * Failures inside GDAL while reading or writing pixels, as UserErrors that
 * name the file and say what to do. gdal-async reports GDAL failures as plain
 * Errors; anything else (TypeError, RangeError) is a bug and keeps its stack.
 */
const isGdalFailure = (err: unknown): err is Error => err instanceof Error && err.constructor === Error;

/** Node's codes for a write the system refused, in words. */
export const WRITE_ERRNO: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file grew beyond the largest file size allowed (ulimit -f or the file system)',
  EROFS: 'the file system is read-only',
  EACCES: 'permission was denied',
  EPERM: 'the operation is not permitted',
  EIO: 'the disk reported an input/output error',
};

/**
 * A read that failed inside GDAL (a block that cannot be decoded, a file cut
 * short after it was opened) as a UserError naming the file and the pixels.
 * Other errors pass through unchanged.
 */
export function readFailure(path: string, role: string, w: { x0: number; y0: number; width: number; height: number }, err: unknown): Error {
  if (!isGdalFailure(err)) return err as Error;
  const reason = err instanceof Error ? err.message.trim() : String(err);
  return new UserError(
    `${role} '${path}' could not be read at columns ${w.x0}..${w.x0 + w.width - 1}, rows ${w.y0}..${w.y0 + w.height - 1} ` +
      `(GDAL says: ${reason || 'read failed'}). Expected readable pixel data: the file is damaged or incomplete; copy or export it again.`,
  );
}

/**
 * A write that failed (disk full, file size limit, I/O error) as a UserError
 * naming the output. The temporaries are removed by the caller; earlier outputs are untouched.
 */
export function writeFailure(finalPath: string, err: unknown): Error {
  const code = (err as { code?: string })?.code;
  if (!isGdalFailure(err) && !(code && code in WRITE_ERRNO)) return err as Error;
  const reason = code && code in WRITE_ERRNO ? WRITE_ERRNO[code] : `GDAL says: ${(err as Error).message.trim() || 'write failed'}`;
  return new UserError(
    `could not write '${finalPath}' (${reason}). Expected to write it completely: free disk space, raise the file size limit, ` +
      'or choose another output folder. Nothing partial was left at the output path; earlier outputs are unchanged.',
  );
}
