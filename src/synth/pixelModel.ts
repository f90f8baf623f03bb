import { DAYS_PER_YEAR } from './calendar.js';
import { smoothRandomField } from './fields.js';
import type { SceneLayout } from './layout.js';
import { featureCellPixels } from './layout.js';
import { FROST_HEAVE, LANDSLIDE, NO_COVERAGE, SUBSIDENCE, type PresetDefinition } from './presets.js';
import { gaussianFromHash, hashKeys, mix32 } from './random.js';

/**
 * Per-pixel parameters of the noise-free displacement curve, precomputed once
 * so that every date's band is one flat loop over pixels:
 * `d(t) = velocity * years + seasonalCos * cos + seasonalSin * sin + seasonRate * movingSeasons`
 * (see TimeBasis), plus per-pixel data quality.
 */
export interface PixelModel {
  /** Linear rate, mm/yr. */
  velocity: Float32Array;
  /** Seasonal term A cos(phase), mm: with seasonalSin, amplitude A peaking at the phase. */
  seasonalCos: Float32Array;
  /** Seasonal term A sin(phase), mm. */
  seasonalSin: Float32Array;
  /** Displacement per snow-free season, mm (landslides). */
  seasonRate: Float32Array;
  /** Temporal coherence, 0..1: what a processor would estimate for the pixel. */
  coherence: Float32Array;
  /** Standard deviation of the pixel's white noise, mm. */
  noiseStd: Float32Array;
}

const STREAM = { drift: 11, phase: 12, coherence: 13, jitter: 14 } as const;
/**
 * Per-pixel scatter per mm of white noise: of the linear rate (mm/yr) and of each
 * seasonal component (mm). Real velocity maps scatter by a few mm/yr between
 * neighbouring pixels; this scatter, not the white noise (which averages out over
 * a hundred dates), is what makes per-pixel classification worse than smoothed.
 */
const RATE_SCATTER = 1.5;
const SEASONAL_SCATTER = 1.25;

/** A per-pixel standard normal from (key, pixel): independent of generation order. */
export function pixelGaussian(key: number, pixel: number): number {
  return gaussianFromHash(mix32((Math.imul(pixel, 0x9e3779b1) ^ key) >>> 0));
}

function lerp(range: [number, number], t: number): number {
  return range[0] + (range[1] - range[0]) * t;
}

/**
 * Builds every pixel's curve parameters from its regime and patch intensity.
 * Amplitudes vary smoothly within a patch (strongest in its core) and, in
 * proportion to the noise level, independently per pixel: that per-pixel part
 * is what spatial smoothing is meant to remove.
 */
export function buildPixelModel(
  preset: PresetDefinition,
  layout: SceneLayout,
  width: number,
  height: number,
  seed: number,
  noise: number,
): PixelModel {
  const n = width * height;
  const cell = featureCellPixels(width, height);
  const drift = smoothRandomField(width, height, cell, hashKeys(seed, 0x90de1, STREAM.drift));
  const phaseField = smoothRandomField(width, height, cell, hashKeys(seed, 0x90de1, STREAM.phase));
  const coherenceField = smoothRandomField(width, height, cell / 2, hashKeys(seed, 0x90de1, STREAM.coherence));
  const jitterKeys = [0, 1, 2, 3, 4].map((k) => hashKeys(seed, 0x90de1, STREAM.jitter, k));

  const model: PixelModel = {
    velocity: new Float32Array(n),
    seasonalCos: new Float32Array(n),
    seasonalSin: new Float32Array(n),
    seasonRate: new Float32Array(n),
    coherence: new Float32Array(n),
    noiseStd: new Float32Array(n),
  };
  // Per-pixel imperfections all scale with the white-noise level, so noise 0 gives clean curves.
  const w = noise;
  let decorrelationSum = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    const regime = layout.truth[i];
    if (regime === NO_COVERAGE) {
      model.coherence[i] = NaN;
      model.noiseStd[i] = NaN;
      continue;
    }
    const strength = layout.intensity[i];
    // Stable ground still drifts a little (tenths of mm/yr), smoothly.
    let velocity = 0.4 * drift[i];
    let amplitude = 0;
    let rate = 0;
    let coherence = 0.92;
    if (regime === SUBSIDENCE) {
      velocity = lerp(preset.subsidenceRate, strength) + 0.5 * drift[i];
      coherence = 0.82;
    } else if (regime === FROST_HEAVE) {
      amplitude = lerp(preset.frostAmplitude, strength);
      velocity = -0.5 - 1.0 * strength + 0.3 * drift[i]; // permafrost slowly degrading
      coherence = 0.72;
    } else if (regime === LANDSLIDE) {
      rate = lerp(preset.landslideRate, strength);
      velocity = 0.06 * rate; // a little creep outside the moving season
      coherence = 0.66 - 0.12 * strength;
    }
    const peakDay = preset.frostPeakDay + 12 * phaseField[i];
    const phase = (2 * Math.PI * (peakDay - 1)) / DAYS_PER_YEAR;
    model.velocity[i] = velocity + RATE_SCATTER * w * pixelGaussian(jitterKeys[0], i);
    model.seasonalCos[i] = amplitude * Math.cos(phase) + SEASONAL_SCATTER * w * pixelGaussian(jitterKeys[1], i);
    model.seasonalSin[i] = amplitude * Math.sin(phase) + SEASONAL_SCATTER * w * pixelGaussian(jitterKeys[2], i);
    model.seasonRate[i] = rate * (1 + 0.05 * w * pixelGaussian(jitterKeys[3], i));
    coherence += -0.08 * Math.min(1.5, layout.steepness[i]) + 0.04 * coherenceField[i];
    coherence += 0.02 * w * pixelGaussian(jitterKeys[4], i);
    model.coherence[i] = Math.min(0.99, Math.max(0.1, coherence));
    decorrelationSum += 1 - model.coherence[i];
    covered++;
  }
  // Noisier where coherence is lower, scaled so the scene's mean std is the requested level.
  const meanDecorrelation = covered > 0 ? decorrelationSum / covered : 1;
  for (let i = 0; i < n; i++) {
    if (layout.truth[i] === NO_COVERAGE) continue;
    model.noiseStd[i] = w * (0.5 + (0.5 * (1 - model.coherence[i])) / meanDecorrelation);
  }
  return model;
}
