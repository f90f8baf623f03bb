/**
 * Decimal numbers parsed straight from CSV bytes, without making a string per
 * field: the common case (at most 15 significant digits, a small exponent) is
 * one integer and one exact multiplication or division by a power of ten, which
 * IEEE rounding makes identical to `Number(text)`; anything else falls back to
 * `Number` on the field's text.
 */

/** What `parseNumber` returns for a field that is not a number (the caller names file and line). */
export const NOT_A_NUMBER = Number.NEGATIVE_INFINITY;

const POW10 = Array.from({ length: 23 }, (_v, i) => 10 ** i);
const SPACE = 0x20, TAB = 0x09, QUOTE = 0x22, PLUS = 0x2b, MINUS = 0x2d, DOT = 0x2e, ZERO = 0x30, NINE = 0x39;

/** True for the spellings of a missing value: empty, NaN, nan, NA, null (any case). */
function isMissingWord(b: Uint8Array, s: number, e: number): boolean {
  const n = e - s;
  if (n === 0) return true;
  const lower = (i: number) => b[s + i] | 0x20;
  if (n === 2) return lower(0) === 0x6e && lower(1) === 0x61; // na
  if (n === 3) return lower(0) === 0x6e && lower(1) === 0x61 && lower(2) === 0x6e; // nan
  if (n === 4) return lower(0) === 0x6e && lower(1) === 0x75 && lower(2) === 0x6c && lower(3) === 0x6c; // null
  return false;
}

/**
 * The number in bytes `b[s, e)`: NaN for a missing value (empty, NaN, NA, null),
 * `NOT_A_NUMBER` for anything else that is not a finite decimal number.
 * Surrounding spaces and double quotes are ignored.
 */
export function parseNumber(b: Uint8Array, s: number, e: number): number {
  while (s < e && (b[s] === SPACE || b[s] === TAB || b[s] === QUOTE)) s++;
  while (e > s && (b[e - 1] === SPACE || b[e - 1] === TAB || b[e - 1] === QUOTE || b[e - 1] === 0x0d)) e--;
  if (isMissingWord(b, s, e)) return NaN;
  let i = s;
  let negative = false;
  if (b[i] === MINUS) {
    negative = true;
    i++;
  } else if (b[i] === PLUS) {
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits taken into the mantissa
  let scale = 0; // power of ten applied to the mantissa
  let seen = false;
  let exact = true;
  for (; i < e; i++) {
    const c = b[i];
    if (c < ZERO || c > NINE) break;
    seen = true;
    if (mantissa === 0 && c === ZERO) continue;
    if (digits < 15) {
      mantissa = mantissa * 10 + (c - ZERO);
      digits++;
    } else {
      exact = false;
      scale++;
    }
  }
  if (i < e && b[i] === DOT) {
    for (i++; i < e; i++) {
      const c = b[i];
      if (c < ZERO || c > NINE) break;
      seen = true;
      if (mantissa === 0 && c === ZERO) {
        scale--;
        continue;
      }
      if (digits < 15) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        scale--;
      } else {
        exact = false;
      }
    }
  }
  if (!seen) return NOT_A_NUMBER;
  if (i < e && (b[i] | 0x20) === 0x65) {
    i++;
    let expNegative = false;
    if (b[i] === MINUS) {
      expNegative = true;
      i++;
    } else if (b[i] === PLUS) {
      i++;
    }
    let exp = 0;
    const start = i;
    for (; i < e; i++) {
      const c = b[i];
      if (c < ZERO || c > NINE) break;
      if (exp < 100000) exp = exp * 10 + (c - ZERO);
    }
    if (i === start) return NOT_A_NUMBER;
    scale += expNegative ? -exp : exp;
  }
  if (i !== e) return NOT_A_NUMBER;
  if (!exact || scale > 22 || scale < -22) return slowParse(b, s, e);
  const value = mantissa === 0 ? 0 : scale >= 0 ? mantissa * POW10[scale] : mantissa / POW10[-scale];
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  return negative ? -value : value;
}

function slowParse(b: Uint8Array, s: number, e: number): number {
  let text = '';
  for (let i = s; i < e; i++) text += String.fromCharCode(b[i]);
  const v = Number(text);
  return Number.isFinite(v) ? v : NOT_A_NUMBER;
}

/** The bytes of a field as text (for messages and ids; allocates, so not for values). */
export function fieldText(b: Uint8Array, s: number, e: number): string {
  while (s < e && (b[s] === QUOTE || b[s] === SPACE)) s++;
  while (e > s && (b[e - 1] === QUOTE || b[e - 1] === SPACE || b[e - 1] === 0x0d)) e--;
  let text = '';
  for (let i = s; i < e; i++) text += String.fromCharCode(b[i]);
  return text;
}
