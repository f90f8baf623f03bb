import yargs from 'yargs';
import { isUserError, UsageError } from '../errors.js';
import type { Command } from './command.js';
import { processIO, type CliIO } from './io.js';
import { commands } from './commands.js';
import { removePendingTemporaries } from '../io/atomicOutput.js';

/**
 * The whole CLI, in-process: parse `argv`, run one command, return the exit code.
 * Never calls process.exit, so tests call it and check exit code, output and files.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let chosen: { cmd: Command; args: Record<string, unknown> } | undefined;
  let parser = yargs(argv)
    .scriptName('smoothcluster')
    .usage('$0 <command> [options]\n\nPartition an InSAR displacement time series raster into deformation regimes.')
    .strict()
    .demandCommand(1, 'Name a command; see `smoothcluster --help`.')
    .recommendCommands()
    .exitProcess(false)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .help()
    .version()
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(msg);
    });
  for (const cmd of commands) {
    parser = parser.command(cmd.command, cmd.describe, cmd.builder, (args) => {
      chosen = { cmd, args: args as Record<string, unknown> };
    });
  }

  let helpOutput = '';
  try {
    await parser.parseAsync(argv, {}, (_err, _args, output) => {
      helpOutput = output ?? '';
    });
  } catch (err) {
    return reportError(err, io);
  }
  if (helpOutput) io.stdout(helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`);
  if (!chosen) return 0; // --help or --version
  try {
    return await chosen.cmd.run(chosen.args, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIO): number {
  removePendingTemporaries(); // nothing partial is left at or beside an output path
  if (isUserError(err)) {
    io.stderr(`smoothcluster: ${err.message}\n`);
    if (err.exitCode === 2) io.stderr('Run `smoothcluster --help` for usage.\n');
    return err.exitCode;
  }
  io.stderr(`smoothcluster: internal error (please report it):\n${err instanceof Error ? err.stack : String(err)}\n`);
  return 70;
}
