import type { Argv } from 'yargs';
import type { CliIO } from './io.js';

/**
 * One CLI command: it declares its options and, when run, checks them and
 * calls one library function. No pipeline logic lives in src/cli.
 */
export interface Command {
  command: string;
  describe: string;
  builder: (y: Argv) => Argv;
  /**
   * Returns the exit code; throws UserError for bad input. `given` names the options the user
   * set (command line or --config), for a command that must refuse options it cannot honour.
   */
  run: (args: Record<string, unknown>, io: CliIO, given: ReadonlySet<string>) => Promise<number>;
}
