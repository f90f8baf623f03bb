import { writeSmoothedFeatures } from '../pipeline/commands.js';
import type { Command } from './command.js';
import { withSourceOptions } from './sourceOptions.js';
import { toReadableJson } from '../report/json.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';

export const smoothCommand: Command = {
  command: 'smooth <scene>',
  describe: 'write the smoothed (unscaled) feature stack, one named band per feature, for inspection in QGIS',
  builder: (y) =>
    withSourceOptions(withMessageOptions(withExecutionOptions(withSmoothingOptions(y))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('out', { type: 'string', demandOption: true, describe: 'Float32 GeoTIFF to write' }),
  run: async (args, io) => {
    const result = await writeSmoothedFeatures(args.scene as string, args.out as string, methodOptionsFrom(args), reporterFor(args, io));
    if (args.json) {
      io.stdout(toReadableJson({ command: 'smooth', outputs: { features: result.out }, featureNames: result.featureNames }));
      return 0;
    }
    io.stdout(`${result.featureNames.length} smoothed features\nwrote:\n  ${result.out}\n`);
    return 0;
  },
};
