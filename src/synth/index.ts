/**
 * Synthetic InSAR scenes with known deformation regimes, for the `synth`
 * command, the bundled samples, end-to-end tests and benchmarks. Pure compute:
 * no I/O here; writers live in src/io.
 */
export { makeSynthScene, SYNTH_GENERATOR_VERSION, type SynthScene } from './scene.js';
export {
  defaultDateCount,
  DEFAULT_INTERVAL_DAYS,
  DEFAULT_MISSING_FRACTION,
  DEFAULT_NOISE_MM,
  DEFAULT_SEED,
  DEFAULT_SIZE,
  FRAGMENTED_MISSING_FRACTION,
  resolveSynthOptions,
  type ResolvedSynthOptions,
  type SynthOptions,
} from './options.js';
export {
  FROST_HEAVE,
  LANDSLIDE,
  NO_COVERAGE,
  PRESET_NAMES,
  PRESETS,
  REGIME_NAMES,
  STABLE,
  SUBSIDENCE,
  type PresetDefinition,
  type PresetName,
} from './presets.js';
export { COVERAGE_PATTERNS, DEFAULT_VALID_SHARE, type CoveragePattern } from './coverage.js';
export { MAINLAND_STATIC_NAMES, SVALBARD_STATIC_NAMES } from './statics.js';
export { lonLatToUtm33, utm33ToLonLat, SYNTH_CRS, type SynthCrs } from './georef.js';
