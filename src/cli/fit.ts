import { UsageError } from '../errors.js';
import { fitToModelFile } from '../pipeline/fitToModelFile.js';
import { fitFromSampleParts } from '../pipeline/stages.js';
import type { Command } from './command.js';
import { withSourceOptions } from './sourceOptions.js';
import { toReadableJson } from '../report/json.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';

export const fitCommand: Command = {
  command: 'fit [scene]',
  describe: 'sample pass and fit only: write a model file for `predict` (or fit the parts of a sharded `sample` stage with --samples)',
  builder: (y) =>
    withSourceOptions(withMessageOptions(withExecutionOptions(withClusterOptions(withSmoothingOptions(y)))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('model-out', { type: 'string', demandOption: true, describe: 'model file to write (JSON)' })
      .option('samples', { type: 'string', array: true, describe: 'sample parts (files or a folder) from `sample --shard`: fit them instead of a scene; graph, smoothing and sample settings come from the parts' }),
  run: async (args, io, given) => {
    const samples = args.samples as string[] | undefined;
    if (!samples === !args.scene) throw new UsageError('fit needs either a SCENE or --samples (the parts of a sharded `sample` stage), not both.');
    if (samples) refuseSampleSettings(given);
    const options = methodOptionsFrom(args);
    const model = samples
      ? await fitFromSampleParts(samples, args['model-out'] as string, options.cluster, options.execution, reporterFor(args, io))
      : await fitToModelFile(args.scene as string, args['model-out'] as string, options, reporterFor(args, io));
    if (args.json) {
      const { centres: _c, counts: _n, scaler: _s, ...summary } = model;
      io.stdout(toReadableJson({ command: 'fit', outputs: { model: args['model-out'] }, ...summary }));
      return 0;
    }
    io.stdout(`model: k=${model.k}, ${model.dim} features, test inertia ${model.quality.testInertia?.toFixed(5) ?? 'n/a'}\nwrote:\n  ${args['model-out']}\n`);
    return 0;
  },
};

/**
 * Options `fit --samples` cannot honour: the parts were drawn and smoothed with the graph,
 * smoothing, feature and sample settings of the `sample` stage, and they travel in the parts.
 */
const SET_BY_THE_SAMPLE_STAGE = [
  'radius', 'connectivity', 'weights', 'sigma', 'fanout', 'max-missing', 'hops', 'alpha', 'aggregate',
  'static', 'features', 'static-weight', 'sample-size', 'sample-cells', 'test-fraction', 'seed', 'allow-ungeoreferenced',
];

function refuseSampleSettings(given: ReadonlySet<string>): void {
  const refused = SET_BY_THE_SAMPLE_STAGE.filter((o) => given.has(o));
  if (refused.length === 0) return;
  const flags = refused.map((o) => `--${o}`).join(', ');
  throw new UsageError(
    `fit --samples takes ${flags} from the sample parts (the \`sample\` stage drew and smoothed them with its settings), so ${refused.length > 1 ? 'they' : 'it'} cannot change here. ` +
      `Remove ${refused.length > 1 ? 'them' : 'it'}, or give ${refused.length > 1 ? 'them' : 'it'} to \`smoothcluster sample\` and run that stage again.`,
  );
}
