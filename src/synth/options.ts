import { UsageError } from '../errors.js';
import { DAYS_PER_YEAR, parseIsoDay } from './calendar.js';
import { COVERAGE_PATTERNS, DEFAULT_VALID_SHARE, type CoveragePattern } from './coverage.js';
import { SYNTH_CRS, type SynthCrs } from './georef.js';
import { PRESET_NAMES, PRESETS, type PresetName } from './presets.js';

/** What to generate. Everything but the preset has a default. */
export interface SynthOptions {
  preset: PresetName;
  /** Columns, default 256. */
  width?: number;
  /** Rows, default 256. */
  height?: number;
  /** Acquisition dates, default: about four years' worth at the interval (123 at 12 days). */
  nDates?: number;
  /** Days between acquisitions (Sentinel-1 repeat cycles), default 12. */
  intervalDays?: 6 | 12;
  /** First acquisition date, ISO YYYY-MM-DD; default per preset (2019-01-04). */
  startDate?: string;
  /** Seed of every random choice, default 1. */
  seed?: number;
  /**
   * Typical white-noise std in mm per pixel and date (default 2; lower coherence
   * pixels get more, higher ones less). It also scales the per-pixel scatter of
   * rates and amplitudes, so 0 gives clean curves.
   */
  noise?: number;
  /** Std of the turbulent atmospheric delay per date, mm; default 1.5 x noise. */
  atmosphere?: number;
  /** Fraction of dates missing (NaN) per covered pixel, default 0.03 (0.01 for `fragmented`); never the first date. */
  missingFraction?: number;
  /** Which pixels have data (see COVERAGE_PATTERNS); default `preset`. */
  coverage?: CoveragePattern;
  /** Share of covered pixels for `blobby` and `fragmented`, in (0, 1]; default 0.65. */
  validShare?: number;
  /** Output CRS: 25833 (ETRS89 / UTM 33N, default) or 4326 (geographic degrees). */
  crs?: SynthCrs;
  /** Ground pixel size in metres; default per preset (40 m, Nordnes 20 m). */
  pixelSize?: number;
}

/** SynthOptions with every default filled in. */
export interface ResolvedSynthOptions {
  preset: PresetName;
  width: number;
  height: number;
  nDates: number;
  intervalDays: 6 | 12;
  startDate: string;
  startMs: number;
  seed: number;
  noise: number;
  atmosphere: number;
  missingFraction: number;
  coverage: CoveragePattern;
  /** 1 for `full`; the preset's own share is not known up front, so NaN for `preset`. */
  validShare: number;
  crs: SynthCrs;
  pixelSize: number;
}

/** Default width and height, pixels. */
export const DEFAULT_SIZE = 256;
/** Default days between acquisitions. */
export const DEFAULT_INTERVAL_DAYS = 12;
/** Default seed. */
export const DEFAULT_SEED = 1;
/** Default white-noise level, mm: a realistic, moderately noisy scene. */
export const DEFAULT_NOISE_MM = 2;
/** Default fraction of missing dates per covered pixel. */
export const DEFAULT_MISSING_FRACTION = 0.03;
/** Default fraction of missing dates per covered pixel of `fragmented` coverage: about 1 %, as real stacks have. */
export const FRAGMENTED_MISSING_FRACTION = 0.01;
/** Largest raster side and pixel count: keeps every per-pixel array addressable. */
const MAX_SIDE = 65_536;
const MAX_PIXELS = 2 ** 28;

/** Default number of dates: about four years of acquisitions. */
export function defaultDateCount(intervalDays: number): number {
  return Math.round((4 * DAYS_PER_YEAR) / intervalDays) + 1;
}

/** Fills in defaults and checks every option; a bad value throws UsageError naming the option. */
export function resolveSynthOptions(opts: SynthOptions): ResolvedSynthOptions {
  if (!PRESET_NAMES.includes(opts.preset)) {
    throw new UsageError(`synth preset must be one of ${PRESET_NAMES.join(', ')}; got '${String(opts.preset)}'.`);
  }
  const preset = PRESETS[opts.preset];
  const width = integerOption('width', opts.width ?? DEFAULT_SIZE, 1, MAX_SIDE);
  const height = integerOption('height', opts.height ?? DEFAULT_SIZE, 1, MAX_SIDE);
  if (width * height > MAX_PIXELS) {
    throw new UsageError(`synth width x height must be at most ${MAX_PIXELS} pixels; got ${width} x ${height}.`);
  }
  const intervalDays = opts.intervalDays ?? DEFAULT_INTERVAL_DAYS;
  if (intervalDays !== 6 && intervalDays !== 12) {
    throw new UsageError(`synth intervalDays must be 6 or 12 (Sentinel-1 repeat cycles); got ${String(intervalDays)}.`);
  }
  const nDates = integerOption('nDates', opts.nDates ?? defaultDateCount(intervalDays), 1, 10_000);
  const startDate = opts.startDate ?? preset.startDate;
  const startMs = parseIsoDay(startDate);
  if (startMs === undefined) {
    throw new UsageError(`synth startDate must be a real day as YYYY-MM-DD; got '${startDate}'.`);
  }
  const seed = integerOption('seed', opts.seed ?? DEFAULT_SEED, 0, Number.MAX_SAFE_INTEGER);
  const noise = numberOption('noise', opts.noise ?? DEFAULT_NOISE_MM, 0, 1000);
  const atmosphere = numberOption('atmosphere', opts.atmosphere ?? 1.5 * noise, 0, 1000);
  const coverage = opts.coverage ?? 'preset';
  if (!COVERAGE_PATTERNS.includes(coverage)) {
    throw new UsageError(`synth coverage must be one of ${COVERAGE_PATTERNS.join(', ')}; got '${String(coverage)}'.`);
  }
  if (opts.validShare !== undefined && coverage !== 'blobby' && coverage !== 'fragmented') {
    throw new UsageError(`synth validShare applies to coverage 'blobby' or 'fragmented' only; got coverage '${coverage}'. Pass coverage 'blobby' or 'fragmented' too, or drop validShare.`);
  }
  const validShare =
    coverage === 'full' ? 1 : coverage === 'preset' ? NaN : numberOption('validShare', opts.validShare ?? DEFAULT_VALID_SHARE, 0.01, 1);
  const defaultMissing = coverage === 'fragmented' ? FRAGMENTED_MISSING_FRACTION : DEFAULT_MISSING_FRACTION;
  const missingFraction = numberOption('missingFraction', opts.missingFraction ?? defaultMissing, 0, 0.9);
  const crs = opts.crs ?? 25833;
  if (!SYNTH_CRS.includes(crs)) {
    throw new UsageError(`synth crs must be one of ${SYNTH_CRS.join(', ')} (EPSG codes); got ${String(crs)}.`);
  }
  const pixelSize = numberOption('pixelSize', opts.pixelSize ?? preset.pixelSize, 0.01, 100_000);
  return {
    preset: opts.preset,
    width,
    height,
    nDates,
    intervalDays,
    startDate,
    startMs,
    seed,
    noise,
    atmosphere,
    missingFraction,
    coverage,
    validShare,
    crs,
    pixelSize,
  };
}

function integerOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`synth ${name} must be an integer from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}

function numberOption(name: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`synth ${name} must be a number from ${min} to ${max}; got ${String(value)}.`);
  }
  return value;
}
