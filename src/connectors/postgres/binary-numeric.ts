/** PostgreSQL's binary `numeric` from a decimal literal's ASCII bytes. */

const NUMERIC_NEG = 0x4000;
const ZERO = 0x30, MINUS = 0x2d, PLUS = 0x2b, DOT = 0x2e;
/** Base-10000 digits of one value (a MySQL DECIMAL has at most 65 decimal digits: 17 + 8 groups). */
const groups = new Int16Array(64);

/** Big-endian 16 bits (a negative weight as two's complement). */
function put16(part: Buffer, at: number, v: number): void {
  part[at] = v >>> 8;
  part[at + 1] = v;
}

/** The value of `length` decimal digits at `at`, or -1 when one is not a digit. */
function digitsValue(src: Uint8Array, at: number, length: number): number {
  let v = 0;
  for (let i = at; i < at + length; i++) {
    const d = src[i]! - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Writes the field (length, then ndigits, weight, sign, dscale and the base-10000 digits) of the
 * decimal literal `src[start..end)` (`-123.4500`: sign, digits, an optional point and fraction; no
 * exponent) at `used` of `part`; returns the offset after it, or -1 when the literal is malformed.
 * The display scale is the literal's fraction digits, as numeric_in takes it; PostgreSQL then
 * rounds to the column's typmod the same way for both.
 */
export function writeNumeric(src: Uint8Array, start: number, end: number, part: Buffer, used: number): number {
  let i = start;
  const negative = src[i] === MINUS;
  if (negative || src[i] === PLUS) i++;
  let dot = i;
  while (dot < end && src[dot] !== DOT) dot++;
  const fracStart = dot < end ? dot + 1 : end;
  const fracLength = end - fracStart;
  if (dot === i && fracLength === 0) return -1;
  while (i < dot && src[i] === ZERO) i++;
  const intLength = dot - i;
  let n = 0;
  // Integer part: a first group of 1-4 digits, then groups of 4; the fraction in groups of 4, the last padded with zeros.
  for (let at = i, size = intLength % 4 || 4; at < dot; at += size, size = 4) {
    if (n === groups.length) return -1;
    const v = digitsValue(src, at, size);
    if (v < 0) return -1;
    groups[n++] = v;
  }
  let weight = Math.ceil(intLength / 4) - 1;
  for (let at = fracStart; at < end; at += 4) {
    if (n === groups.length) return -1;
    const size = Math.min(4, end - at);
    const v = digitsValue(src, at, size);
    if (v < 0) return -1;
    groups[n++] = v * 10 ** (4 - size);
  }
  let first = 0;
  while (first < n && groups[first] === 0) {
    first++;
    weight--;
  }
  while (n > first && groups[n - 1] === 0) n--;
  const ndigits = n - first;
  if (ndigits === 0) weight = 0;
  const length = 8 + 2 * ndigits;
  part[used] = 0;
  part[used + 1] = 0;
  put16(part, used + 2, length);
  put16(part, used + 4, ndigits);
  put16(part, used + 6, weight);
  put16(part, used + 8, negative && ndigits > 0 ? NUMERIC_NEG : 0);
  put16(part, used + 10, fracLength);
  let at = used + 12;
  for (let g = first; g < n; g++, at += 2) put16(part, at, groups[g]!);
  return at;
}
