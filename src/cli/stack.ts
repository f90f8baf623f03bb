import { writeSceneStack } from '../io/sources/writeStack.js';
import { toReadableJson } from '../report/json.js';
import type { Command } from './command.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { sourceOptionsFrom, withSourceOptions } from './sourceOptions.js';

export const stackCommand: Command = {
  command: 'stack <source>',
  describe: 'write any accepted source (MintPy/LiCSBAS HDF5, netCDF, single-date files...) as a dated multiband GeoTIFF in mm',
  builder: (y) =>
    withSourceOptions(withMessageOptions(y))
      .positional('source', { type: 'string', describe: "scene in any accepted layout: FILE.h5, FILE.nc, NETCDF:\"f.nc\":var, 'folder/disp_*.tif', @list.txt, a GeoTIFF" })
      .option('out', { type: 'string', demandOption: true, describe: 'GeoTIFF to write: Float32 mm, one band per date named by its ISO date, NaN nodata, tiled, DEFLATE' })
      .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing output' })
      .option('allow-ungeoreferenced', { type: 'boolean', default: false, describe: 'accept a source without a CRS (pixel units)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress or info messages' }),
  run: async (args, io) => {
    const summary = await writeSceneStack(
      args.source as string,
      args.out as string,
      { source: sourceOptionsFrom(args), overwrite: Boolean(args.overwrite), allowUngeoreferenced: Boolean(args['allow-ungeoreferenced']) },
      reporterFor(args, io),
    );
    if (args.json) {
      io.stdout(toReadableJson({ command: 'stack', outputs: { stack: summary.out }, ...summary }));
      return 0;
    }
    const dates = summary.dates ? `${summary.dates.length} dates (${summary.dates[0]} .. ${summary.dates[summary.dates.length - 1]})` : 'no dates';
    io.stdout(`${summary.width} x ${summary.height} pixels, ${dates}${summary.provenance ? `, from ${summary.provenance.product}` : ''}\nwrote:\n  ${summary.out}\n`);
    return 0;
  },
};
