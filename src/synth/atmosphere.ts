import { axisInterpolation, interpolateGridRow, randomCoarseGrid, type AxisInterpolation } from './fields.js';
import { hashKeys, SeededRandom } from './random.js';

/**
 * Atmospheric delay differs per acquisition and is smooth in space: a
 * turbulent part (kilometre-scale blobs) and a stratified part proportional
 * to height. Smoothing cannot remove it, so it tests that regimes are
 * recognised by shape rather than by exact values.
 */
export class AtmosphereModel {
  private readonly xs: AxisInterpolation;
  private readonly ys: AxisInterpolation;
  private readonly cellPixels: number;
  private readonly heightKmAboveMean: Float32Array;
  private readonly row: Float64Array;

  /**
   * @param std        std of the turbulent delay at its grid nodes, mm (0: no atmosphere)
   * @param pixelSize  ground pixel size, metres: turbulence has a physical scale (~2 km)
   */
  constructor(
    private readonly width: number,
    private readonly height: number,
    pixelSize: number,
    heightMetres: Float32Array,
    private readonly std: number,
    private readonly seed: number,
  ) {
    this.cellPixels = Math.max(2, TURBULENCE_CELL_METRES / pixelSize);
    this.xs = axisInterpolation(width, this.cellPixels, false);
    this.ys = axisInterpolation(height, this.cellPixels, false);
    this.row = new Float64Array(Math.ceil(width / this.cellPixels) + 1);
    let mean = 0;
    for (let i = 0; i < heightMetres.length; i++) mean += heightMetres[i];
    mean /= Math.max(1, heightMetres.length);
    this.heightKmAboveMean = new Float32Array(heightMetres.length);
    for (let i = 0; i < heightMetres.length; i++) this.heightKmAboveMean[i] = (heightMetres[i] - mean) / 1000;
  }

  /**
   * Writes the delay of date `d` in mm into `out` (overwriting it). The first
   * date is the reference, so its delay is zero.
   */
  fill(d: number, out: Float32Array): void {
    if (d === 0 || this.std === 0) {
      out.fill(0);
      return;
    }
    const key = hashKeys(this.seed, 0xa7305, d);
    const grid = randomCoarseGrid(this.width, this.height, this.cellPixels, key);
    // Stratified delay, mm per km of height; varies with the weather of the date.
    const perKm = 0.5 * this.std * new SeededRandom(hashKeys(key, 1)).gaussian();
    const { xs, ys, row, width, std, heightKmAboveMean } = this;
    for (let y = 0; y < this.height; y++) {
      interpolateGridRow(grid, ys.lower[y], ys.weight[y], row);
      const base = y * width;
      for (let x = 0; x < width; x++) {
        const i = xs.lower[x];
        const turbulent = row[i] + xs.weight[x] * (row[i + 1] - row[i]);
        out[base + x] = std * turbulent + perKm * heightKmAboveMean[base + x];
      }
    }
  }
}

/** Typical size of turbulent delay blobs in the troposphere. */
const TURBULENCE_CELL_METRES = 2000;
