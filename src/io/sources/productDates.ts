import { UserError } from '../../errors.js';

/** 'YYYYMMDD' (string or number) as ISO 'YYYY-MM-DD', or null when it is not a calendar date. */
export function compactToIso(value: string | number): string | null {
  const s = String(value).trim();
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  const t = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(t.getTime()) || t.toISOString().slice(0, 10) !== iso ? null : iso;
}

/**
 * Checks a product's dates: as many as the stack has planes, each a date, strictly
 * increasing; `where` names the file and dataset in the message.
 */
export function checkProductDates(raw: (string | number)[], planes: number, where: string, fix: string): string[] {
  if (raw.length !== planes) {
    throw new UserError(`${where} holds ${raw.length} dates for ${planes} displacement planes; expected one date per plane. ${fix}`);
  }
  const dates = raw.map((r, i) => {
    const d = compactToIso(r);
    if (!d) throw new UserError(`${where}: entry ${i + 1} ('${String(r)}') is not a date in YYYYMMDD. ${fix}`);
    return d;
  });
  for (let i = 1; i < dates.length; i++) {
    if (dates[i] <= dates[i - 1]) {
      throw new UserError(
        `${where}: the dates do not increase (entry ${i + 1}, ${dates[i]}, follows ${dates[i - 1]}); the planes must be in time order with one plane per date. ${fix}`,
      );
    }
  }
  return dates;
}

const UNIT_DAYS: Record<string, number> = {
  day: 1, days: 1, d: 1,
  hour: 1 / 24, hours: 1 / 24, h: 1 / 24, hr: 1 / 24, hrs: 1 / 24,
  minute: 1 / 1440, minutes: 1 / 1440, min: 1 / 1440, mins: 1 / 1440,
  second: 1 / 86400, seconds: 1 / 86400, s: 1 / 86400, sec: 1 / 86400, secs: 1 / 86400,
};

/** Calendars whose dates are the proleptic Gregorian / standard ones (JavaScript Date). */
export const CF_CALENDARS = ['standard', 'gregorian', 'proleptic_gregorian'];

/**
 * CF time values (`units = "<days|hours|minutes|seconds> since YYYY-MM-DD[ hh:mm:ss]"`) as ISO
 * dates (UTC). Refuses other units and calendars with a message naming `where`.
 */
export function cfTimesToDates(values: number[], units: string | null, calendar: string | null, where: string): string[] {
  if (!units || !units.trim()) {
    throw new UserError(
      `${where} has no units, so its values cannot be turned into dates. CF time coordinates say e.g. units = "days since 2018-11-06"; ` +
        'add the attribute (ncatted -a units,TIME,o,c,"days since YYYY-MM-DD" FILE) or give the dates with --dates.',
    );
  }
  const m = /^\s*(\w+)\s+since\s+(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|[+-]\d{1,2}(?::?\d{2})?)?\s*$/i.exec(units);
  const perUnit = m ? UNIT_DAYS[m[1].toLowerCase()] : undefined;
  if (!m || perUnit === undefined) {
    throw new UserError(`${where} has units '${units}'; expected "<days|hours|minutes|seconds> since YYYY-MM-DD[ hh:mm:ss]". Fix the attribute or give the dates with --dates.`);
  }
  const cal = (calendar ?? 'standard').trim().toLowerCase();
  if (!CF_CALENDARS.includes(cal)) {
    throw new UserError(`${where} uses the '${calendar}' calendar; smoothcluster reads ${CF_CALENDARS.join(', ')} dates only. Give the dates with --dates.`);
  }
  let tz = 0;
  const zone = m[8];
  if (zone && !/^(Z|UTC)$/i.test(zone)) {
    const z = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(zone)!;
    tz = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  }
  const base = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4]), Number(m[5] ?? 0), Number(m[6] ?? 0), 0) + Number(m[7] ?? 0) * 1000 - tz * 60_000;
  return values.map((v, i) => {
    if (!Number.isFinite(v)) throw new UserError(`${where}: value ${i + 1} is not a number (${v}); every time step needs a time.`);
    // Round to the millisecond: hours and seconds since a base are exact in practice, and this keeps 23:59:59.9999 from
    // becoming the day before through floating-point error.
    return new Date(Math.round(base + v * perUnit * 86_400_000)).toISOString().slice(0, 10);
  });
}
