/**
 * Acquisition dates from band descriptions or metadata: ISO `YYYY-MM-DD` and
 * compact `YYYYMMDD` (also inside longer names such as `S1_20200105_disp`).
 */
const ISO = /(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)/;
const COMPACT = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/;

/** The first date found in `text`, as ISO `YYYY-MM-DD`, or null. */
export function parseDate(text: string | undefined | null): string | null {
  if (!text) return null;
  for (const re of [ISO, COMPACT]) {
    const m = re.exec(text);
    if (!m) continue;
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) continue;
    const t = Date.UTC(y, mo - 1, d);
    const back = new Date(t);
    if (back.getUTCDate() !== d) continue; // e.g. 2021-02-30
    return `${m[1]}-${m[2]}-${m[3]}`;
  }
  return null;
}

/** Days between ISO dates. */
export function daysBetween(fromIso: string, toIso: string): number {
  return (Date.parse(`${toIso}T00:00:00Z`) - Date.parse(`${fromIso}T00:00:00Z`)) / 86_400_000;
}

/** Metadata keys that, when present on a band, name its acquisition date. */
const DATE_KEYS = ['DATE', 'ACQUISITION_DATE', 'ACQ_DATE', 'TIME', 'DATETIME', 'NETCDF_DIM_time'];

/** The date of one band from its description, then its metadata, then the name of its source file (VRT stacks). */
export function bandDate(description: string, metadata: Record<string, string>, sourceName = ''): string | null {
  const fromDescription = parseDate(description);
  if (fromDescription) return fromDescription;
  for (const key of DATE_KEYS) {
    const v = metadata[key] ?? metadata[key.toLowerCase()];
    const d = parseDate(v);
    if (d) return d;
  }
  return parseDate(sourceName);
}
