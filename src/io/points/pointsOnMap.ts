import { MapPointChoice, type PointsOnMap } from '../../points/mapPoints.js';
import { RecordReader } from './binaryFiles.js';
import type { GriddedPoints } from './gridPoints.js';
import { readWhole } from './labelledPoints.js';

/**
 * The input points the quick-look map draws, each at its own coordinates (as a
 * fraction of the grid's extent) with the label of its cell: the label raster
 * read whole (one byte a cell), the points' grid coordinates and cells read back
 * from the scratch files, at most `max` points kept (see MapPointChoice).
 */
export function readPointsOnMap(gridded: GriddedPoints, request: { labels: string; max: number }): PointsOnMap {
  const { grid } = gridded;
  const labels = readWhole(request.labels, grid.width, grid.height, 'label raster');
  const choice = new MapPointChoice(gridded.scan.points, request.max);
  const x = new Float32Array(choice.chosen), y = new Float32Array(choice.chosen), regimes = new Uint8Array(choice.chosen);
  const spanX = grid.cellSize * grid.width, spanY = grid.cellSize * grid.height;
  const xy = new RecordReader(gridded.gridXyPath, 16);
  const cells = new RecordReader(gridded.cellsPath, 4);
  let n = 0;
  try {
    for (let i = 0, at = xy.next(); at >= 0; i++, at = xy.next()) {
      const cell = cells.i32[cells.next() / 4];
      if (!choice.keeps(i)) continue;
      x[n] = (xy.f64[at / 8] - grid.originX) / spanX;
      y[n] = (grid.originY - xy.f64[at / 8 + 1]) / spanY;
      regimes[n++] = labels[cell];
    }
  } finally {
    xy.close();
    cells.close();
  }
  return { x: x.subarray(0, n), y: y.subarray(0, n), labels: regimes.subarray(0, n), total: gridded.scan.points };
}
