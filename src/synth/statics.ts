import { leastSquaresSlope, type TimeBasis } from './calendar.js';
import { smoothRandomField } from './fields.js';
import { featureCellPixels, type SceneLayout } from './layout.js';
import type { PixelModel } from './pixelModel.js';
import { pixelGaussian } from './pixelModel.js';
import { NO_COVERAGE, type PresetDefinition } from './presets.js';
import { hashKeys } from './random.js';

/**
 * Static layers as the two real products ship them. Each is derived from the
 * pixel's own model, so a layer agrees with the displacement curve it
 * summarises (mean velocity, max displacement) or with the regime's physics
 * (coherence drops on a moving slide, dispersion rises where coherence drops).
 */

/** Static layers of the mainland products (InSAR Norway style). */
export const MAINLAND_STATIC_NAMES = ['height', 'mean_velocity', 'temporal_coherence', 'amplitude_dispersion'];
/** Static layers of the Svalbard product. */
export const SVALBARD_STATIC_NAMES = ['elevation', 'max_displacement', 'coherence', 'dem_error', 'slope', 'max_displacement_doy'];

/** Static layer names of a preset, in band order. */
export function staticLayerNames(preset: PresetDefinition): string[] {
  return [...(preset.staticLayers === 'svalbard' ? SVALBARD_STATIC_NAMES : MAINLAND_STATIC_NAMES)];
}

/** Everything a static layer is derived from. */
export interface StaticSources {
  width: number;
  height: number;
  seed: number;
  /** White-noise level, mm: scales the estimation noise of derived layers. */
  noise: number;
  layout: SceneLayout;
  model: PixelModel;
  basis: TimeBasis;
}

/** The signed largest excursion of every pixel's noise-free curve and its day of year. */
interface Extremes {
  value: Float32Array;
  dayOfYear: Float32Array;
}

/**
 * Computes static layers on demand; the curve extremes (a pass over all dates)
 * are computed once and shared by the two layers that need them.
 */
export class StaticLayers {
  private extremes?: Extremes;

  constructor(private readonly sources: StaticSources) {}

  /** A fresh band of the named layer, NaN where there is no coverage. */
  band(name: string): Float32Array {
    const { layout, model, noise } = this.sources;
    switch (name) {
      case 'height':
      case 'elevation':
        return this.perPixel((i) => layout.heightMetres[i]);
      case 'mean_velocity':
        return this.meanVelocity();
      case 'temporal_coherence':
      case 'coherence':
        return this.perPixel((i) => model.coherence[i]);
      case 'amplitude_dispersion': {
        const key = this.key(1);
        // Dispersion of the amplitude is the classic proxy for phase noise: it rises as coherence falls.
        return this.perPixel((i) =>
          Math.min(1.5, Math.max(0.02, 0.08 + 0.5 * (1 - model.coherence[i]) + 0.015 * noise * pixelGaussian(key, i))),
        );
      }
      case 'slope':
        return this.perPixel((i) => layout.slopeDegrees[i]);
      case 'dem_error':
        return this.demError();
      case 'max_displacement':
        return this.copyCovered(this.curveExtremes().value);
      case 'max_displacement_doy':
        return this.copyCovered(this.curveExtremes().dayOfYear);
      default:
        throw new Error(`unknown static layer '${name}'`);
    }
  }

  private key(layer: number): number {
    return hashKeys(this.sources.seed, 0x57a71c, layer);
  }

  private perPixel(value: (i: number) => number): Float32Array {
    const { truth } = this.sources.layout;
    const out = new Float32Array(truth.length);
    for (let i = 0; i < out.length; i++) out[i] = truth[i] === NO_COVERAGE ? NaN : value(i);
    return out;
  }

  private copyCovered(values: Float32Array): Float32Array {
    return this.perPixel((i) => values[i]);
  }

  /** The least-squares rate of the pixel's curve over the acquisition dates, mm/yr. */
  private meanVelocity(): Float32Array {
    const { basis, model } = this.sources;
    const { years } = basis;
    // The fit is linear in the curve, so fit each time function once and combine per pixel.
    const perYear = years.length >= 2 ? 1 : 0;
    const perCos = leastSquaresSlope(years, basis.seasonalCos);
    const perSin = leastSquaresSlope(years, basis.seasonalSin);
    const perSeason = leastSquaresSlope(years, basis.movingSeasons);
    return this.perPixel(
      (i) =>
        model.velocity[i] * perYear +
        model.seasonalCos[i] * perCos +
        model.seasonalSin[i] * perSin +
        model.seasonRate[i] * perSeason,
    );
  }

  /** Residual DEM error, metres: larger and more uncertain on steep ground. */
  private demError(): Float32Array {
    const { width, height, layout, noise } = this.sources;
    const field = smoothRandomField(width, height, featureCellPixels(width, height) / 2, this.key(2));
    const key = this.key(3);
    return this.perPixel(
      (i) => field[i] * (1.5 + 4 * Math.min(1.5, layout.steepness[i])) + 0.75 * noise * pixelGaussian(key, i),
    );
  }

  private curveExtremes(): Extremes {
    if (this.extremes) return this.extremes;
    const { model, basis, layout } = this.sources;
    const n = layout.truth.length;
    const value = new Float32Array(n);
    const dayOfYear = new Float32Array(n).fill(basis.dayOfYear[0] ?? NaN);
    const magnitude = new Float32Array(n);
    for (let d = 1; d < basis.years.length; d++) {
      const t = basis.years[d];
      const c = basis.seasonalCos[d];
      const s = basis.seasonalSin[d];
      const m = basis.movingSeasons[d];
      const doy = basis.dayOfYear[d];
      for (let i = 0; i < n; i++) {
        const v = model.velocity[i] * t + model.seasonalCos[i] * c + model.seasonalSin[i] * s + model.seasonRate[i] * m;
        const abs = Math.abs(v);
        if (abs > magnitude[i]) {
          magnitude[i] = abs;
          value[i] = v;
          dayOfYear[i] = doy;
        }
      }
    }
    this.extremes = { value, dayOfYear };
    return this.extremes;
  }
}
