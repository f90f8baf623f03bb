import { runSmoothCluster } from '../pipeline/commands.js';
import type { Command } from './command.js';
import { stderrReporter } from './io.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';
import { formatRunSummary, summaryJson } from './summary.js';

export const runCommand: Command = {
  command: 'run <scene>',
  describe: 'smooth, fit and predict: write the classified COG, its RAT and the statistics sidecar',
  builder: (y) =>
    withExecutionOptions(withClusterOptions(withSmoothingOptions(y)))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('out', { type: 'string', demandOption: true, describe: 'classified GeoTIFF to write (OUT.tif, OUT.tif.aux.xml, OUT.stats.json)' })
      .option('json', { type: 'boolean', default: false, describe: 'print a JSON summary on stdout' }),
  run: async (args, io) => {
    const options = methodOptionsFrom(args);
    const summary = await runSmoothCluster(args.scene as string, args.out as string, options, stderrReporter(io, Boolean(args.quiet)));
    io.stdout(args.json ? summaryJson(summary) : formatRunSummary(summary));
    return 0;
  },
};
