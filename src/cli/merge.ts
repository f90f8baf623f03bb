import { mergeParts } from '../pipeline/stages.js';
import type { Command } from './command.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { executionOptionsFrom, withExecutionOptions } from './methodOptions.js';
import { pointsOutFrom, withPointsOutOption } from './pointOptions.js';
import { formatRunSummary, summaryJson } from './summary.js';

export const mergeCommand: Command = {
  command: 'merge <parts..>',
  describe: 'sharded last stage: assemble the label parts of `predict --shard` into the final COG, RAT, sidecar and reports',
  builder: (y) =>
    withPointsOutOption(withMessageOptions(withExecutionOptions(y)))
      .positional('parts', { type: 'string', array: true, describe: 'label parts (P_i.tif) or the folder holding them' })
      .option('out', { type: 'string', demandOption: true, describe: 'classified GeoTIFF to write (OUT.tif and its companions)' }),
  run: async (args, io, given) => {
    // The parts fix the tile size; a --tile-size the user gave is checked against them, never dropped.
    const { tileSize, ...execution } = executionOptionsFrom(args);
    const summary = await mergeParts(args.parts as string[], args.out as string, given.has('tile-size') ? { ...execution, tileSize } : execution, reporterFor(args, io), pointsOutFrom(args));
    io.stdout(args.json ? summaryJson('merge', summary) : formatRunSummary(summary));
    return 0;
  },
};
