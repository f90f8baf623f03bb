import { runSmoothCluster } from '../pipeline/runSmoothCluster.js';
import type { Command } from './command.js';
import { withSourceOptions } from './sourceOptions.js';
import { withPointsOutOption } from './pointOptions.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';
import { formatRunSummary, summaryJson } from './summary.js';

export const runCommand: Command = {
  command: 'run <scene>',
  describe: 'smooth, fit and predict: write the classified COG, its RAT and the statistics sidecar',
  builder: (y) =>
    withPointsOutOption(withSourceOptions(withMessageOptions(withExecutionOptions(withClusterOptions(withSmoothingOptions(y))))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('out', { type: 'string', demandOption: true, describe: 'classified GeoTIFF to write (OUT.tif, OUT.tif.aux.xml, OUT.stats.json)' }),
  run: async (args, io) => {
    const options = methodOptionsFrom(args);
    const summary = await runSmoothCluster(args.scene as string, args.out as string, options, reporterFor(args, io));
    io.stdout(args.json ? summaryJson('run', summary) : formatRunSummary(summary));
    return 0;
  },
};
