import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import type { Reporter } from '../reporter.js';
import type { CliIO } from './io.js';
import { stderrReporter } from './stderrReporter.js';

/**
 * `--verbose` and `--json`, for every command that does work (`--quiet` comes with the
 * execution options). stdout carries data only: a table, or one JSON object with `--json`.
 */
export function withMessageOptions(y: Argv): Argv {
  return y
    .option('verbose', { type: 'boolean', default: false, describe: 'log each step on stderr: passes, tile counts, sample sizes, timings', group: 'Messages:' })
    .option('json', { type: 'boolean', default: false, describe: 'print a machine-readable JSON summary on stdout instead of the table', group: 'Messages:' });
}

/** The stderr reporter the options ask for: progress bars on a terminal, none with --quiet, every step with --verbose. */
export function reporterFor(args: Record<string, unknown>, io: CliIO): Reporter {
  const quiet = Boolean(args.quiet);
  const verbose = Boolean(args.verbose);
  if (quiet && verbose) throw new UsageError('--quiet and --verbose contradict each other; give one of them.');
  return stderrReporter(io, { quiet, verbose });
}
