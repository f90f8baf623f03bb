import { fitToModelFile } from '../pipeline/commands.js';
import type { Command } from './command.js';
import { toReadableJson } from '../report/json.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';

export const fitCommand: Command = {
  command: 'fit <scene>',
  describe: 'sample pass and fit only: write a model file for `predict`',
  builder: (y) =>
    withMessageOptions(withExecutionOptions(withClusterOptions(withSmoothingOptions(y))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('model-out', { type: 'string', demandOption: true, describe: 'model file to write (JSON)' }),
  run: async (args, io) => {
    const model = await fitToModelFile(args.scene as string, args['model-out'] as string, methodOptionsFrom(args), reporterFor(args, io));
    if (args.json) {
      const { centres: _c, counts: _n, scaler: _s, ...summary } = model;
      io.stdout(toReadableJson({ command: 'fit', outputs: { model: args['model-out'] }, ...summary }));
      return 0;
    }
    io.stdout(`model: k=${model.k}, ${model.dim} features, test inertia ${model.quality.testInertia?.toFixed(5) ?? 'n/a'}\nwrote:\n  ${args['model-out']}\n`);
    return 0;
  },
};
