import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import yargs from 'yargs';
import { Parser } from 'yargs/helpers';
import { UsageError, UserError } from '../errors.js';
import { SIDECAR_SCHEMA } from '../report/statsSidecar.js';
import type { Command } from './command.js';

/**
 * `--config FILE`: options from a JSON or YAML file, or from a run's statistics sidecar
 * (`OUT.stats.json`, recognised by its schema, whose `parameters` are named like the
 * options), so `smoothcluster run --config OUT.stats.json --out NEW.tif` repeats that run.
 * Flags on the command line override the file. Keys are option names, kebab-case
 * (`max-missing`) or camelCase (`maxMissing`); a key the command does not take is an
 * error naming the key and the file. Paths in the file are taken relative to the current
 * folder, as on the command line.
 */
export interface ConfigFile {
  path: string;
  kind: 'json' | 'yaml' | 'sidecar';
  /** Option values by the names used in the file; nulls (a default was used) already dropped. */
  values: Record<string, unknown>;
  /** For a sidecar, the command that wrote it. */
  writtenBy?: string;
}

export const CONFIG_OPTION = {
  type: 'string',
  describe: 'read options from a JSON or YAML file, or from OUT.stats.json to repeat that run; flags given here override it',
  global: true,
} as const;

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The value of `--config` in argv (`--config x` or `--config=x`), or null. */
export function configPathInArgv(argv: string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') break;
    if (argv[i] === '--config') {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('-')) throw new UsageError('--config needs a file: --config run.json (or .yaml, or a run\'s OUT.stats.json).');
      return next;
    }
    if (argv[i].startsWith('--config=')) return argv[i].slice('--config='.length);
  }
  return null;
}

/** YAML's parser, loaded for a YAML config only (loading it costs every command a tenth of a second). */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text);
}

/** Reads a config file; errors name the file and say what was expected. */
export function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) throw new UserError(`--config: '${path}' does not exist. Give a JSON or YAML file of options, or a run's OUT.stats.json.`);
  if (statSync(path).isDirectory()) throw new UserError(`--config: '${path}' is a folder; expected a JSON or YAML file of options.`);
  const text = readFileSync(path, 'utf8');
  const ext = extname(path).toLowerCase();
  const yamlFile = ext === '.yaml' || ext === '.yml';
  let data: unknown;
  try {
    data = yamlFile ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`--config: '${path}' is not valid ${yamlFile ? 'YAML' : 'JSON'} (${reason}). ${yamlFile ? '' : 'Files named .yaml or .yml are read as YAML. '}Fix the file or give another.`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UserError(`--config: '${path}' must hold one object of options such as {"k": 5, "hops": 2}; found ${Array.isArray(data) ? 'a list' : data === null ? 'nothing' : `a ${typeof data}`}.`);
  }
  const record = data as Record<string, unknown>;
  if (record.schema === SIDECAR_SCHEMA) {
    const parameters = record.parameters;
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
      throw new UserError(`--config: '${path}' is a smoothcluster sidecar without a 'parameters' object; it cannot be repeated. Write the options into a JSON or YAML file instead.`);
    }
    return { path, kind: 'sidecar', values: withoutNulls(parameters as Record<string, unknown>), writtenBy: typeof record.command === 'string' ? record.command : undefined };
  }
  return { path, kind: yamlFile ? 'yaml' : 'json', values: withoutNulls(record) };
}

function withoutNulls(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== undefined));
}

/** The part of yargs' (untyped) `getOptions()` used here: declared names and their parse types. */
interface DeclaredOptions {
  key: Record<string, unknown>;
  boolean: string[];
  array: string[];
  string: string[];
  number: string[];
}

/** What a command accepts: its option names (kebab-case), positional names in order, and how yargs parses them. */
function commandShape(cmd: Command) {
  // yargs has getOptions() on every parser but leaves it out of its type declarations.
  const parser: object = cmd.builder(yargs([]));
  const getOptions: unknown = Reflect.get(parser, 'getOptions');
  if (typeof getOptions !== 'function') throw new Error('yargs: a parser without getOptions()');
  const options = getOptions.call(parser) as DeclaredOptions;
  const positionals = [...cmd.command.matchAll(/[<[](\w+)[>\]]/g)].map((m) => m[1]);
  const names = new Set(Object.keys(options.key).filter((k) => k !== 'help' && k !== 'version'));
  return { options, positionals, names };
}

/**
 * The options given to `cmd` on the command line (`argv` after the command's name) or in its
 * `--config` file (`configValues`), kebab-case: what the user set, as opposed to defaults.
 */
export function givenOptions(cmd: Command, argv: string[], configValues: Record<string, unknown> | null): Set<string> {
  const shape = commandShape(cmd);
  const at = argv.findIndex((a) => a === cmd.command.split(' ')[0]);
  const parsed = Parser(argv.slice(at + 1), {
    boolean: shape.options.boolean,
    array: shape.options.array,
    string: shape.options.string,
    number: shape.options.number,
    configuration: { 'camel-case-expansion': false },
  });
  const given = new Set(Object.keys(parsed).filter((k) => k !== '_' && k !== '--'));
  for (const key of Object.keys(configValues ?? {})) given.add(kebab(key));
  return given;
}

/**
 * Applies `--config` to a command line: returns the argv to parse (the file's positional
 * values, such as the scene, inserted where the command line has none) and the option values
 * to hand yargs as config (command-line flags win over them); `values` is null without --config.
 */
export function applyConfig(argv: string[], commands: Command[]): { argv: string[]; values: Record<string, unknown> | null; file: ConfigFile | null } {
  const path = configPathInArgv(argv);
  if (path === null) return { argv, values: null, file: null };
  const file = readConfigFile(path);
  const at = argv.findIndex((a) => commands.some((c) => c.command.split(' ')[0] === a));
  if (at < 0) return { argv, values: file.values, file };
  const name = argv[at];
  const cmd = commands.find((c) => c.command.split(' ')[0] === name)!;
  if (file.kind === 'sidecar' && file.writtenBy === 'predict' && name !== 'predict') {
    throw new UserError(`--config: '${path}' was written by \`predict\`, which applied a model file; its parameters cannot refit. Repeat it with \`smoothcluster predict --model ...\`.`);
  }
  const shape = commandShape(cmd);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.values)) {
    const option = kebab(key);
    if (!shape.names.has(option)) {
      // A sidecar describes a whole run; a command that does part of it takes the part it knows.
      if (file.kind === 'sidecar' && name !== 'run') continue;
      throw new UsageError(
        `--config: '${path}' sets '${key}', which \`smoothcluster ${name}\` does not take. ` +
          `Keys are option names (max-missing or maxMissing); see \`smoothcluster ${name} --help\`, and remove or rename the key.`,
      );
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      throw new UsageError(`--config: '${path}' sets '${key}' to an object; expected a number, a string, true/false or a list.`);
    }
    values[option] = value;
  }
  const given = Parser(argv.slice(at + 1), {
    boolean: shape.options.boolean,
    array: shape.options.array,
    string: shape.options.string,
    number: shape.options.number,
    configuration: { 'camel-case-expansion': false },
  })._;
  // Every command takes at most one positional (SCENE or OUTDIR): the file gives it only when the command line does not.
  const inserted: string[] = [];
  shape.positionals.forEach((positional) => {
    const value = values[positional];
    delete values[positional];
    if (given.length > 0 || value === undefined) return;
    if (positional === 'scene' && !existsSync(String(value))) {
      throw new UserError(
        `--config: the scene '${String(value)}' named in '${path}' does not exist (paths in a config file are relative to the current folder). ` +
          `Give the scene on the command line: smoothcluster ${name} SCENE --config ${path}.`,
      );
    }
    inserted.push(String(value));
  });
  return { argv: [...argv.slice(0, at + 1), ...inserted, ...argv.slice(at + 1)], values, file };
}
