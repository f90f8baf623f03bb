/**
 * Acquisition dates and the few time functions the deformation regimes are
 * built from. All dates are UTC calendar days, so no time zone can shift them.
 */

const MS_PER_DAY = 86_400_000;
/** Mean tropical year in days: keeps the seasonal phase from drifting over the years. */
export const DAYS_PER_YEAR = 365.2425;

/** Parses a strict ISO `YYYY-MM-DD` into UTC milliseconds, or undefined if it is not a real day. */
export function parseIsoDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2021-02-30 over to March; a round trip catches such days.
  return formatIsoDay(ms) === text ? ms : undefined;
}

/** Formats UTC milliseconds as `YYYY-MM-DD`. */
export function formatIsoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The acquisition dates: `count` days `intervalDays` apart from `startMs`. */
export function acquisitionDates(startMs: number, count: number, intervalDays: number): string[] {
  return Array.from({ length: count }, (_, d) => formatIsoDay(startMs + d * intervalDays * MS_PER_DAY));
}

/** Day of year, 1 = 1 January. */
export function dayOfYear(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  return Math.round((ms - Date.UTC(year, 0, 1)) / MS_PER_DAY) + 1;
}

/** Position in its year as a fraction in [0, 1), using the real year length. */
function yearFraction(ms: number): number {
  const year = new Date(ms).getUTCFullYear();
  const start = Date.UTC(year, 0, 1);
  return (ms - start) / (Date.UTC(year + 1, 0, 1) - start);
}

/** Snow-free season, in days of year, during which a landslide moves. */
export interface MovingSeason {
  firstDay: number;
  lastDay: number;
}

/**
 * Years of movement accumulated by the start of `ms`: whole seasons of earlier
 * years plus the part of this year's season already elapsed. A raised-cosine
 * ramp makes the velocity peak mid-season and vanish at its ends, as a slide
 * that starts with snow melt and stops when the ground freezes.
 */
function seasonsElapsed(ms: number, season: MovingSeason): number {
  const year = new Date(ms).getUTCFullYear();
  const progress = (dayOfYear(ms) - season.firstDay) / (season.lastDay - season.firstDay);
  const clamped = Math.min(1, Math.max(0, progress));
  return year + 0.5 - 0.5 * Math.cos(Math.PI * clamped);
}

/**
 * The time functions of a scene, one value per date, each relative to the first
 * date (0 there). A pixel's noise-free displacement is a weighted sum of them:
 * `v * years + c * seasonalCos + s * seasonalSin + r * movingSeasons`.
 */
export interface TimeBasis {
  /** Years since the first date. */
  years: Float64Array;
  /** cos(2 pi yearFraction) minus its first-date value. */
  seasonalCos: Float64Array;
  /** sin(2 pi yearFraction) minus its first-date value. */
  seasonalSin: Float64Array;
  /** Moving seasons accumulated since the first date (1 per full season). */
  movingSeasons: Float64Array;
  /** Day of year of each date. */
  dayOfYear: Int32Array;
}

/** Evaluates the time functions at every date. */
export function timeBasis(dates: string[], season: MovingSeason): TimeBasis {
  const n = dates.length;
  const basis: TimeBasis = {
    years: new Float64Array(n),
    seasonalCos: new Float64Array(n),
    seasonalSin: new Float64Array(n),
    movingSeasons: new Float64Array(n),
    dayOfYear: new Int32Array(n),
  };
  const ms = dates.map((d) => parseIsoDay(d) as number);
  const angle0 = 2 * Math.PI * yearFraction(ms[0]);
  const seasons0 = seasonsElapsed(ms[0], season);
  for (let d = 0; d < n; d++) {
    const angle = 2 * Math.PI * yearFraction(ms[d]);
    basis.years[d] = (ms[d] - ms[0]) / MS_PER_DAY / DAYS_PER_YEAR;
    basis.seasonalCos[d] = Math.cos(angle) - Math.cos(angle0);
    basis.seasonalSin[d] = Math.sin(angle) - Math.sin(angle0);
    basis.movingSeasons[d] = seasonsElapsed(ms[d], season) - seasons0;
    basis.dayOfYear[d] = dayOfYear(ms[d]);
  }
  return basis;
}

/**
 * Least-squares slope of `values` against `years` (per year). A processor's
 * mean velocity is this fit, so the static layer agrees with the curve it summarises.
 */
export function leastSquaresSlope(years: Float64Array, values: Float64Array): number {
  const n = years.length;
  if (n < 2) return 0;
  let meanT = 0;
  let meanV = 0;
  for (let i = 0; i < n; i++) {
    meanT += years[i];
    meanV += values[i];
  }
  meanT /= n;
  meanV /= n;
  let cov = 0;
  let varT = 0;
  for (let i = 0; i < n; i++) {
    cov += (years[i] - meanT) * (values[i] - meanV);
    varT += (years[i] - meanT) ** 2;
  }
  return varT > 0 ? cov / varT : 0;
}
