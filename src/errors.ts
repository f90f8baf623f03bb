/**
 * A problem with the user's input (a file, an option, mismatched grids): not a bug.
 * The CLI prints only the message and exits 1; a usage error exits 2.
 * Messages name the file or option, say what was expected and found, and what to do.
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A bad command line (unknown option, impossible value): exit code 2. */
export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
