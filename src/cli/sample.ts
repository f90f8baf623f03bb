import { parseShard } from '../pipeline/shards.js';
import { sampleShard } from '../pipeline/stages.js';
import { toReadableJson } from '../report/json.js';
import type { Command } from './command.js';
import { withSourceOptions } from './sourceOptions.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { methodOptionsFrom, withClusterOptions, withExecutionOptions, withSmoothingOptions } from './methodOptions.js';

export const sampleCommand: Command = {
  command: 'sample <scene>',
  describe: "sharded stage 1: smooth shard i's tiles and keep its part of the training sample, for `fit --samples`",
  builder: (y) =>
    withSourceOptions(withMessageOptions(withExecutionOptions(withClusterOptions(withSmoothingOptions(y)))))
      .positional('scene', { type: 'string', describe: 'multiband displacement raster, one band per date' })
      .option('shard', { type: 'string', demandOption: true, describe: 'i/N: this shard (0-based) of N disjoint runs of whole tiles' })
      .option('out', { type: 'string', demandOption: true, describe: 'sample part to write (e.g. work/samples/S_3.sample; a GDAL virtual path works)' }),
  run: async (args, io) => {
    const shard = parseShard(String(args.shard));
    const r = await sampleShard(args.scene as string, shard, args.out as string, methodOptionsFrom(args), reporterFor(args, io));
    io.stdout(
      args.json
        ? toReadableJson({ command: 'sample', shard: args.shard, ...r })
        : `shard ${args.shard}: ${r.tiles} tiles, ${r.validPixels} valid pixels, ${r.trainRows} train + ${r.testRows} test rows kept\nwrote:\n  ${r.out}\n`,
    );
    return 0;
  },
};
