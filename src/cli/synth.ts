import { writeSynthScene } from '../pipeline/writeSynthScene.js';
import { COVERAGE_PATTERNS, DEFAULT_NOISE_MM, DEFAULT_SIZE, DEFAULT_VALID_SHARE, PRESET_NAMES, SYNTH_CRS, type CoveragePattern, type PresetName, type SynthCrs } from '../synth/index.js';
import type { Command } from './command.js';
import { toReadableJson } from '../report/json.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';

export const synthCommand: Command = {
  command: 'synth <outdir>',
  describe: 'write a deterministic synthetic scene with ground truth (displacement.tif, static.tif, truth.tif)',
  builder: (y) =>
    withMessageOptions(y)
      .positional('outdir', { type: 'string', describe: 'folder to write into (created if missing)' })
      .option('preset', { choices: PRESET_NAMES, demandOption: true, describe: 'site: location, CRS, static layers' })
      .option('width', { type: 'number', default: DEFAULT_SIZE, describe: 'columns' })
      .option('height', { type: 'number', default: DEFAULT_SIZE, describe: 'rows' })
      .option('dates', { type: 'number', describe: 'number of acquisitions [default: about four years at the interval]' })
      .option('interval', { type: 'number', choices: [6, 12], default: 12, describe: 'days between acquisitions' })
      .option('seed', { type: 'number', default: 1, describe: 'seed of every random choice' })
      .option('noise', { type: 'number', default: DEFAULT_NOISE_MM, describe: 'white-noise std in mm' })
      .option('crs', { type: 'number', choices: [...SYNTH_CRS], default: 25833, describe: 'EPSG code: 25833 (UTM 33N) or 4326 (lon/lat)' })
      .option('coverage', { choices: COVERAGE_PATTERNS, default: 'preset', describe: "which pixels have data: the preset's own, every pixel, smooth blobs, or blobs with ragged pixel noise and 1 % missing dates" })
      .option('valid-share', { type: 'number', describe: `share of covered pixels for blobby and fragmented coverage [default: ${DEFAULT_VALID_SHARE}]` })
      .option('pixel-size', { type: 'number', describe: 'ground pixel size in metres [default: per preset]' })
      .option('overwrite', { type: 'boolean', default: false, describe: 'replace existing files' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress or info messages' }),
  run: async (args, io) => {
    const { files, scene } = await writeSynthScene(
      args.outdir as string,
      {
        preset: args.preset as PresetName,
        width: args.width as number,
        height: args.height as number,
        nDates: args.dates as number | undefined,
        intervalDays: args.interval as 6 | 12,
        seed: args.seed as number,
        noise: args.noise as number,
        crs: args.crs as SynthCrs,
        pixelSize: args['pixel-size'] as number | undefined,
        coverage: args.coverage as CoveragePattern,
        validShare: args['valid-share'] as number | undefined,
      },
      Boolean(args.overwrite),
      reporterFor(args, io),
    );
    if (args.json) {
      const { width, height, dates, epsg } = scene;
      io.stdout(toReadableJson({ command: 'synth', outputs: files, width, height, dates: dates.length, firstDate: dates[0], lastDate: dates[dates.length - 1], epsg, parameters: scene.parameters }));
      return 0;
    }
    io.stdout(`${scene.width} x ${scene.height} pixels, ${scene.dates.length} dates (${scene.dates[0]} .. ${scene.dates[scene.dates.length - 1]}), EPSG:${scene.epsg}\nwrote:\n  ${files.displacement}\n  ${files.static}\n  ${files.truth}\n`);
    return 0;
  },
};
