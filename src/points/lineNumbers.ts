/**
 * One pass over a CSV line that splits it and parses the wanted fields as
 * numbers at once, with no string and no second look at the bytes: the
 * spilling pass reads hundreds of date columns per row, where splitting first
 * and parsing after costs twice the memory traffic. Unusual fields (quoted,
 * long mantissas, NaN spellings) go through `parseNumber`, so the values are
 * exactly those of `parseNumber`.
 */
import { parseNumber } from './parseNumber.js';

const QUOTE = 0x22, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30, NINE = 0x39, CR = 0x0d;
const POW10 = Array.from({ length: 23 }, (_v, i) => 10 ** i);

/**
 * Parses line b[s, e): field f goes to out[slots[f]] when slots[f] >= 0 (NaN
 * for a missing value, NOT_A_NUMBER for text that is not a number); other
 * fields are skipped. Returns the number of fields of the line.
 */
export function parseLineNumbers(b: Uint8Array, s: number, e: number, separator: number, slots: Int32Array, out: Float64Array): number {
  if (e > s && b[e - 1] === CR) e--;
  let field = 0;
  let i = s;
  const nSlots = slots.length;
  for (;;) {
    const slot = field < nSlots ? slots[field] : -1;
    if (slot < 0) {
      // Skip the field (a quoted one may hold separators).
      if (i < e && b[i] === QUOTE) {
        const close = b.indexOf(QUOTE, i + 1);
        i = close < 0 || close >= e ? e : close + 1;
      }
      const next = b.indexOf(separator, i);
      if (next < 0 || next >= e) return field + 1;
      i = next + 1;
      field++;
      continue;
    }
    const start = i;
    let negative = false;
    if (i < e && b[i] === MINUS) {
      negative = true;
      i++;
    }
    let mantissa = 0, digits = 0, scale = 0, seen = false;
    let c = 0;
    for (; i < e; i++) {
      c = b[i];
      if (c < ZERO || c > NINE) break;
      seen = true;
      mantissa = mantissa * 10 + (c - ZERO);
      if (mantissa !== 0) digits++;
    }
    if (i < e && b[i] === DOT) {
      for (i++; i < e; i++) {
        c = b[i];
        if (c < ZERO || c > NINE) break;
        seen = true;
        mantissa = mantissa * 10 + (c - ZERO);
        if (mantissa !== 0) digits++;
        scale++;
      }
    }
    if (seen && digits <= 15 && (i === e || b[i] === separator)) {
      const v = mantissa / POW10[scale > 22 ? 22 : scale];
      out[slot] = scale > 22 ? parseNumber(b, start, i) : negative ? -v : v;
    } else {
      // Anything else (empty, quoted, exponent, NaN, text): the general parser on the whole field.
      let end = i;
      if (end < e && b[end] === QUOTE) {
        const close = b.indexOf(QUOTE, end + 1);
        end = close < 0 || close >= e ? e : close + 1;
      }
      const next = b.indexOf(separator, end);
      end = next < 0 || next >= e ? e : next;
      out[slot] = parseNumber(b, start, end);
      i = end;
    }
    if (i >= e) return field + 1;
    i++; // the separator
    field++;
  }
}
