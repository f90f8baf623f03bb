import type { Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { runSweep, SWEEP_DEFAULTS, type SweepGrid } from '../pipeline/sweep.js';
import { sweepDocument } from '../report/sweepReport.js';
import { toReadableJson } from '../report/json.js';
import type { Command } from './command.js';
import { withSourceOptions } from './sourceOptions.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';
import { formatSweepTable } from './sweepTable.js';

/** A comma-separated list (`3,4,5`), each value checked by the same rule as the single-value option. */
function listOption(args: Record<string, unknown>, name: 'k' | 'hops' | 'alpha'): number[] {
  const text = String(args[name] ?? '').trim();
  const items = text.split(',').map((t) => t.trim());
  if (text === '' || items.some((t) => t === '')) throw new UsageError(`--${name} takes a comma-separated list such as ${name === 'alpha' ? '0.3,0.5,0.7' : '3,4,5'}; got '${text}'.`);
  const values = items.map((t) => {
    const v = Number(t);
    // The single-value rules (ranges, whole numbers) live in methodOptionsFrom: check each value there.
    methodOptionsFrom({ ...args, k: 4, hops: 3, alpha: 0.5, [name]: Number.isNaN(v) ? t : v });
    return v;
  });
  return [...new Set(values)];
}

/**
 * A view of `y` whose `.option()` skips `names`: the shared builders declare --k, --hops and
 * --alpha as single numbers, and sweep declares them as lists; declaring both would leave
 * yargs parsing and documenting them as numbers too.
 */
function skippingOptions(y: Argv, names: string[]): Argv {
  const view: Argv = new Proxy(y, {
    get(target, prop, receiver) {
      if (prop === 'option' || prop === 'options') {
        return (key: string, opt: object) => (names.includes(key) ? view : (target.option(key, opt), view));
      }
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = value.apply(target, args);
        return result === target ? view : result;
      };
    },
  });
  return view;
}

function positiveInt(args: Record<string, unknown>, name: string, min: number): number {
  const v = args[name];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new UsageError(`--${name} must be a whole number >= ${min}; got ${String(v)}.`);
  return v;
}

export const sweepCommand: Command = {
  command: 'sweep <scene>',
  describe: 'score every combination of k, hops and alpha on the training sample and recommend one',
  builder: (y) => {
    // The shared options (graph, features, clustering, execution) except the three swept ones.
    withSourceOptions(withMessageOptions(withExecutionOptions(withClusterOptions(withSmoothingOptions(skippingOptions(y, ['k', 'hops', 'alpha']))))));
    return y
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('k', { type: 'string', default: '3,4,5,6,8', describe: 'numbers of regimes to try (comma-separated)', group: 'Sweep:' })
      .option('hops', { type: 'string', default: '0,1,3', describe: 'smoothing hops to try (comma-separated)', group: 'Sweep:' })
      .option('alpha', { type: 'string', default: '0.3,0.5,0.7', describe: 'alpha values to try (comma-separated; ignored for hops 0)', group: 'Sweep:' })
      .option('out', { type: 'string', describe: 'write PREFIX.csv, PREFIX.json and the elbow/score chart PREFIX.svg', group: 'Sweep:' })
      .option('silhouette-rows', { type: 'number', default: SWEEP_DEFAULTS.silhouetteRows, describe: 'test pixels the silhouette is computed on (cost grows with the square)', group: 'Sweep:' })
      .option('coherence-window', { type: 'number', default: SWEEP_DEFAULTS.coherenceWindow, describe: 'edge in pixels of the centred window whose labels give the spatial coherence', group: 'Sweep:' });
  },
  run: async (args, io) => {
    const grid: SweepGrid = { k: listOption(args, 'k'), hops: listOption(args, 'hops'), alpha: listOption(args, 'alpha') };
    const options = methodOptionsFrom({ ...args, k: grid.k[0], hops: grid.hops[0], alpha: grid.alpha[0] });
    if (!(options.cluster.testFraction > 0)) throw new UsageError('--test-fraction must be above 0 for sweep: every score is measured on held-out test pixels.');
    const settings = { silhouetteRows: positiveInt(args, 'silhouette-rows', 3), coherenceWindow: positiveInt(args, 'coherence-window', 2) };
    const out = args.out === undefined ? null : String(args.out);
    const { result, outputs } = await runSweep(args.scene as string, grid, options, settings, out, reporterFor(args, io));
    io.stdout(args.json ? toReadableJson(sweepDocument(result, { outputs })) : formatSweepTable(result, outputs));
    return 0;
  },
};
