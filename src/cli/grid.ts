import { gridToFolder } from '../io/points/gridToFolder.js';
import { toReadableJson } from '../report/json.js';
import type { Command } from './command.js';
import { reporterFor, withMessageOptions } from './messageOptions.js';
import { pointOptionsFrom, withPointOptions } from './pointOptions.js';

export const gridCommand: Command = {
  command: 'grid <points>',
  describe: 'grid point CSVs (EGMS, InSAR Norway) into displacement.tif, static.tif and count.tif, for reuse and inspection in QGIS',
  builder: (y) =>
    withMessageOptions(withPointOptions(y))
      .positional('points', { type: 'string', describe: "point file(s): .csv, .csv.gz, .zip of CSVs, a quoted glob or @list.txt" })
      .option('out', { type: 'string', demandOption: true, describe: 'folder to write into (created if missing)' })
      .option('overwrite', { type: 'boolean', default: false, describe: 'replace existing files' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no progress or info messages' }),
  run: async (args, io) => {
    const result = await gridToFolder(args.points as string, args.out as string, pointOptionsFrom(args), Boolean(args.overwrite), reporterFor(args, io));
    const g = result.gridded;
    if (args.json) {
      io.stdout(toReadableJson({ command: 'grid', outputs: result.files, points: g.points, dates: g.dates, grid: g.record, occupiedCells: g.occupiedCells, missingValues: g.missingValues, provenance: result.provenance }));
      return 0;
    }
    io.stdout(
      `${g.points} points (${g.layout}), ${g.dates} dates -> ${g.grid.width} x ${g.grid.height} cells of ${g.grid.cellSize} m on ${g.grid.crs} ` +
        `(${g.occupiedCells} with points; ${g.record.cellStat} per cell)\n` +
        `cell size from ${g.cellSizeFrom}\n` +
        (g.missingValues > 0 ? `${g.missingValues} empty or NaN date values counted as missing\n` : '') +
        `wrote:\n${result.files.map((f) => `  ${f}\n`).join('')}`,
    );
    return 0;
  },
};
