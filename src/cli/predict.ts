import { UsageError } from '../errors.js';
import { predictWithModelFile } from '../pipeline/predictWithModelFile.js';
import { parseShard } from '../pipeline/shards.js';
import { predictShard } from '../pipeline/stages.js';
import { toReadableJson } from '../report/json.js';
import type { Command } from './command.js';
import { sourceOptionsFrom, withSourceOptions } from './sourceOptions.js';
import { withPointsOutOption } from './pointOptions.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { executionOptionsFrom, withExecutionOptions } from './methodOptions.js';
import { formatRunSummary, summaryJson } from './summary.js';

export const predictCommand: Command = {
  command: 'predict <scene>',
  describe: "apply a saved model (its graph and smoothing settings) to a scene with the same feature layout",
  builder: (y) =>
    withPointsOutOption(withSourceOptions(withMessageOptions(withExecutionOptions(y))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('model', { type: 'string', demandOption: true, describe: 'model file written by `fit --model-out`' })
      .option('static', { type: 'string', array: true, default: [], describe: 'static raster(s), as the model was fitted with' })
      .option('out', { type: 'string', demandOption: true, describe: 'classified GeoTIFF to write (with --shard: the shard\'s label part)' })
      .option('shard', { type: 'string', describe: 'i/N: label only shard i of N (disjoint runs of whole tiles) into a part for `merge`' }),
  run: async (args, io) => {
    if (args.shard !== undefined) {
      if (args['points-out'] !== undefined) {
        throw new UsageError('--points-out: with --shard the labelled points are written by `merge`, which puts the merged regimes back on the points; give --points-out to merge.');
      }
      const part = await predictShard(
        args.scene as string, args.model as string, parseShard(String(args.shard)), args.out as string, executionOptionsFrom(args), args.static as string[], reporterFor(args, io), sourceOptionsFrom(args),
      );
      io.stdout(args.json ? toReadableJson({ command: 'predict', shard: args.shard, ...part }) : `shard ${args.shard}: ${part.tiles} tiles, ${part.validPixels} labelled pixels\nwrote:\n  ${part.out}\n  ${part.out}.part.json\n`);
      return 0;
    }
    const summary = await predictWithModelFile(
      args.scene as string, args.model as string, args.out as string, executionOptionsFrom(args), args.static as string[], reporterFor(args, io), sourceOptionsFrom(args),
    );
    io.stdout(args.json ? summaryJson('predict', summary) : formatRunSummary(summary));
    return 0;
  },
};
