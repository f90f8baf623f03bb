import { fitToModelFile } from '../pipeline/commands.js';
import type { Command } from './command.js';
import { stderrReporter } from './io.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';

export const fitCommand: Command = {
  command: 'fit <scene>',
  describe: 'sample pass and fit only: write a model file for `predict`',
  builder: (y) =>
    withExecutionOptions(withClusterOptions(withSmoothingOptions(y)))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('model-out', { type: 'string', demandOption: true, describe: 'model file to write (JSON)' }),
  run: async (args, io) => {
    const model = await fitToModelFile(args.scene as string, args['model-out'] as string, methodOptionsFrom(args), stderrReporter(io, Boolean(args.quiet)));
    io.stdout(`model: k=${model.k}, ${model.dim} features, test inertia ${model.quality.testInertia?.toFixed(5) ?? 'n/a'}\nwrote:\n  ${args['model-out']}\n`);
    return 0;
  },
};
