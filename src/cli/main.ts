import yargs from 'yargs';
import { isUserError, UsageError, type UserError } from '../errors.js';
import type { Command } from './command.js';
import { processIO, type CliIO } from './io.js';
import { commands } from './commands.js';
import { finalPathOfTemporary, removePendingTemporaries } from '../io/atomicOutput.js';
import { WRITE_ERRNO, writeFailure } from '../io/ioFailures.js';
import { explainUsage } from './usageMessages.js';
import { applyConfig, CONFIG_OPTION, givenOptions } from './config.js';
import { stopProgressBars } from './stderrReporter.js';

/**
 * The whole CLI, in-process: parse `argv`, run one command, return the exit code.
 * Never calls process.exit, so tests call it and check exit code, output and files.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  let chosen: { cmd: Command; args: Record<string, unknown> } | undefined;
  let config: ReturnType<typeof applyConfig>;
  try {
    config = applyConfig(argv, commands); // --config FILE: its options, overridden by the flags given
  } catch (err) {
    return reportError(err, io, argv);
  }
  argv = config.argv;
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
    .option('config', CONFIG_OPTION)
    .config(config.values ?? {})
    .fail((msg, err, usage) => {
      // yargs reports some validation failures (e.g. a missing option value) as a YError: still bad usage.
      if (err && err.name !== 'YError') throw err;
      // The option names yargs knows (getDescriptions() exists but is not in its type declarations).
      const describe: unknown = Reflect.get(usage, 'getDescriptions');
      const known = Object.keys(typeof describe === 'function' ? (describe.call(usage) ?? {}) : {});
      throw new UsageError(explainUsage(msg ?? err?.message ?? '', argv, known));
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
    return reportError(err, io, argv);
  }
  if (helpOutput) io.stdout(helpOutput.endsWith('\n') ? helpOutput : `${helpOutput}\n`);
  if (!chosen) return 0; // --help or --version
  try {
    return await chosen.cmd.run(chosen.args, io, givenOptions(chosen.cmd, argv, config.values));
  } catch (err) {
    return reportError(err, io, argv);
  }
}

/**
 * A system error (disk full, file size limit, permissions) that reached the
 * top, as a UserError naming the output it was writing, or null.
 */
function systemError(err: unknown): UserError | null {
  const e = err as { code?: string; path?: string; syscall?: string };
  if (!e || typeof e.code !== 'string' || !(e.code in WRITE_ERRNO)) return null;
  const path = e.path ? (finalPathOfTemporary(e.path) ?? e.path) : null;
  return writeFailure(path ?? 'an output', err) as UserError;
}

function reportError(err: unknown, io: CliIO, argv: string[] = []): number {
  stopProgressBars(); // the message goes on its own line, and no redraw timer keeps Node alive
  removePendingTemporaries(); // nothing partial is left at or beside an output path
  const known = isUserError(err) ? err : systemError(err);
  if (known) {
    io.stderr(`smoothcluster: ${known.message}\n`);
    if (known.exitCode === 2) {
      const cmd = commands.find((c) => c.command.split(' ')[0] === argv[0]);
      io.stderr(`Run \`smoothcluster ${cmd ? `${argv[0]} ` : ''}--help\` for usage.\n`);
    }
    return known.exitCode;
  }
  io.stderr(`smoothcluster: internal error (please report it):\n${err instanceof Error ? err.stack : String(err)}\n`);
  return 70;
}
