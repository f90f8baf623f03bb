import { AtmosphereModel } from './atmosphere.js';
import { acquisitionDates, timeBasis, type TimeBasis } from './calendar.js';
import { centredGeoTransform } from './georef.js';
import { buildLayout, type SceneLayout } from './layout.js';
import { buildPixelModel, type PixelModel } from './pixelModel.js';
import { NO_COVERAGE, PRESETS, REGIME_NAMES, type PresetDefinition } from './presets.js';
import { gaussianFromHash, hashKeys, mix32 } from './random.js';
import { StaticLayers, staticLayerNames } from './statics.js';
import { resolveSynthOptions, type ResolvedSynthOptions, type SynthOptions } from './options.js';

/** A generated scene: grid, dates, truth, and bands produced on demand (never all held at once). */
export interface SynthScene {
  width: number;
  height: number;
  /** 25833 (ETRS89 / UTM 33N) or 4326 (geographic). */
  epsg: number;
  /** GDAL order, north-up. */
  geoTransform: number[];
  /** Acquisition dates, ISO YYYY-MM-DD. */
  dates: string[];
  /** Band names of the static layers. */
  staticNames: string[];
  /** Regime names; index = truth value. */
  regimeNames: string[];
  /** Regime per pixel, row-major; 255 where there is no coverage (NaN at every date). */
  truth: Uint8Array;
  /** Displacement in mm relative to the first date at date `d`, row-major; NaN where missing. A fresh array. */
  displacementBand(d: number): Float32Array;
  /** Static layer `s` (order of staticNames), NaN where there is no coverage. A fresh array. */
  staticBand(s: number): Float32Array;
  /** Everything that made the scene (preset, size, seed, noise, ...), to record in metadata. */
  parameters: Record<string, unknown>;
}

/** Bumped whenever the same options would produce different pixels. */
export const SYNTH_GENERATOR_VERSION = 2;

/**
 * Generates a synthetic InSAR scene with known deformation regimes.
 * Pure and deterministic: the same options give the same pixels. Per-pixel
 * parameters are computed here once (a few W*H arrays); each displacement band
 * is then one pass over the pixels, so a 2048 x 2048 scene costs well under a
 * second per band. Throws UsageError for impossible options.
 */
export function makeSynthScene(opts: SynthOptions): SynthScene {
  return new GeneratedScene(resolveSynthOptions(opts));
}

/** Stream keys of per-date randomness. */
const MISSING_STREAM = 0x3155;
const NOISE_STREAM = 0x7015e;

class GeneratedScene implements SynthScene {
  readonly width: number;
  readonly height: number;
  readonly epsg: number;
  readonly geoTransform: number[];
  readonly dates: string[];
  readonly staticNames: string[];
  readonly regimeNames: string[];
  readonly truth: Uint8Array;
  readonly parameters: Record<string, unknown>;

  private readonly options: ResolvedSynthOptions;
  private readonly layout: SceneLayout;
  private readonly model: PixelModel;
  private readonly basis: TimeBasis;
  private readonly atmosphere: AtmosphereModel;
  private readonly statics: StaticLayers;
  private readonly missingThreshold: number;

  constructor(options: ResolvedSynthOptions) {
    const preset: PresetDefinition = PRESETS[options.preset];
    const { width, height, seed, noise, pixelSize } = options;
    this.options = options;
    this.width = width;
    this.height = height;
    this.epsg = options.crs;
    this.geoTransform = centredGeoTransform(options.crs, preset.centreLon, preset.centreLat, width, height, pixelSize);
    this.dates = acquisitionDates(options.startMs, options.nDates, options.intervalDays);
    this.staticNames = staticLayerNames(preset);
    this.regimeNames = [...REGIME_NAMES];

    this.layout = buildLayout(preset, width, height, pixelSize, seed, { pattern: options.coverage, validShare: options.validShare });
    this.truth = this.layout.truth;
    this.model = buildPixelModel(preset, this.layout, width, height, seed, noise);
    this.basis = timeBasis(this.dates, preset.movingSeason);
    this.atmosphere = new AtmosphereModel(width, height, pixelSize, this.layout.heightMetres, options.atmosphere, seed);
    this.statics = new StaticLayers({ width, height, seed, noise, layout: this.layout, model: this.model, basis: this.basis });
    this.missingThreshold = Math.floor(options.missingFraction * 0x100000000);
    this.parameters = recordedParameters(options, preset, this.truth);
  }

  displacementBand(d: number): Float32Array {
    if (!Number.isInteger(d) || d < 0 || d >= this.dates.length) {
      throw new RangeError(`date index ${d} is outside 0..${this.dates.length - 1}`);
    }
    const out = new Float32Array(this.width * this.height);
    const { truth } = this;
    if (d === 0) {
      // The reference date: zero by definition, and never missing, so every covered pixel has data.
      for (let i = 0; i < out.length; i++) out[i] = truth[i] === NO_COVERAGE ? NaN : 0;
      return out;
    }
    this.atmosphere.fill(d, out);
    const { velocity, seasonalCos, seasonalSin, seasonRate, noiseStd } = this.model;
    const t = this.basis.years[d];
    const c = this.basis.seasonalCos[d];
    const s = this.basis.seasonalSin[d];
    const m = this.basis.movingSeasons[d];
    const seed = this.options.seed;
    const missingKey = hashKeys(seed, MISSING_STREAM, d);
    const noiseKey = hashKeys(seed, NOISE_STREAM, d);
    const missingThreshold = this.missingThreshold;
    for (let i = 0; i < out.length; i++) {
      if (truth[i] === NO_COVERAGE) {
        out[i] = NaN;
        continue;
      }
      const scrambled = Math.imul(i, 0x9e3779b1);
      // A hash of (seed, pixel, date) decides missing dates: order-free and reproducible.
      if (mix32((scrambled ^ missingKey) >>> 0) < missingThreshold) {
        out[i] = NaN;
        continue;
      }
      const gaussian = gaussianFromHash(mix32((scrambled ^ noiseKey) >>> 0));
      out[i] +=
        velocity[i] * t + seasonalCos[i] * c + seasonalSin[i] * s + seasonRate[i] * m + noiseStd[i] * gaussian;
    }
    return out;
  }

  staticBand(s: number): Float32Array {
    const name = this.staticNames[s];
    if (!Number.isInteger(s) || name === undefined) {
      throw new RangeError(`static band index ${s} is outside 0..${this.staticNames.length - 1}`);
    }
    return this.statics.band(name);
  }
}

function recordedParameters(options: ResolvedSynthOptions, preset: PresetDefinition, truth: Uint8Array): Record<string, unknown> {
  const counts = new Array<number>(REGIME_NAMES.length).fill(0);
  let noCoverage = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] === NO_COVERAGE) noCoverage++;
    else counts[truth[i]]++;
  }
  // startMs is startDate in another form; record the readable one only.
  const recorded: Record<string, unknown> = { ...options };
  delete recorded.startMs;
  // The preset's coverage is recorded as it was before coverage patterns existed, so its metadata is unchanged.
  if (options.coverage === 'preset') {
    delete recorded.coverage;
    delete recorded.validShare;
  }
  return {
    generator: 'smoothcluster synth',
    generatorVersion: SYNTH_GENERATOR_VERSION,
    ...recorded,
    presetDescription: preset.description,
    centreLon: preset.centreLon,
    centreLat: preset.centreLat,
    regimePixels: Object.fromEntries(REGIME_NAMES.map((name, r) => [name, counts[r]])),
    noCoveragePixels: noCoverage,
    movingSeason: { ...preset.movingSeason },
  };
}

