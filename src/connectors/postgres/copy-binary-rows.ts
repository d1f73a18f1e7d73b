import type { BinaryForm, BinaryRows } from '../sql/binary-rows.ts';
import type { SqlColumn } from '../sql/sql-engine.ts';
import { writeNumeric } from './binary-numeric.ts';
import { daysSince2000, validDate } from './binary-time.ts';

/**
 * How a BinaryRows field becomes a field of PostgreSQL's binary COPY format, by source form and
 * target type. Only conversions whose result is the value the text path (COPY text of the
 * source's text, or of the decoded value) gives are planned; the rest leave the rows to that path.
 */
export const BinaryPlan = {
  /** The bytes as they are: text, varchar, char, json from UTF-8; bytea from bytes. */
  Raw: 0,
  /** jsonb from UTF-8: its version byte, then the text. */
  Jsonb: 1,
  Int2: 2, Int4: 3, Int8: 4, IntNumeric: 5,
  DecimalNumeric: 6,
  /** float8 from a binary64, float4 from a binary32. */
  Float8: 7, Float4: 8,
  /** float4 from a binary64 that holds a binary32 exactly (MySQL FLOAT selected as `col + 0E0`). */
  Float4OfDouble: 9,
  Date: 10, Timestamp: 11,
  /** boolean from an integer 0 or 1 (MySQL BOOLEAN); other values are left to the text path. */
  Bool: 12,
} as const;
export type BinaryPlan = (typeof BinaryPlan)[keyof typeof BinaryPlan];

const STRING_TYPE = /^(text|character varying(\(\d+\))?|character(\(\d+\))?)$/;
const TIMESTAMP_TYPE = /^timestamp(\(\d\))? with(out)? time zone$/;
/** `numeric` itself (format_type prints a domain or array under its own name: `numeric_id`, `numeric[]`). */
const NUMERIC_TYPE = /^numeric(\(\d+(,-?\d+)?\))?$/;

/** The plan of a field of `form` from `source` into `target`, or undefined when the text path must write it. */
export function binaryPlan(form: BinaryForm, source: SqlColumn | undefined, target: SqlColumn | undefined): BinaryPlan | undefined {
  if (!target || !source) return undefined;
  const type = target.type;
  switch (form.kind) {
    case 'int':
      if (type === 'smallint') return BinaryPlan.Int2;
      if (type === 'integer') return BinaryPlan.Int4;
      if (type === 'bigint') return BinaryPlan.Int8;
      if (type === 'boolean') return BinaryPlan.Bool;
      return NUMERIC_TYPE.test(type) ? BinaryPlan.IntNumeric : undefined;
    case 'decimal':
      return NUMERIC_TYPE.test(type) ? BinaryPlan.DecimalNumeric : undefined;
    case 'float':
      if (form.bytes === 8 && (source.length ?? 53) === 53) return type === 'double precision' ? BinaryPlan.Float8 : undefined;
      if (type !== 'real') return undefined;
      return form.bytes === 4 ? BinaryPlan.Float4 : BinaryPlan.Float4OfDouble;
    case 'date':
      if (!form.time) return type === 'date' ? BinaryPlan.Date : undefined;
      return TIMESTAMP_TYPE.test(type) ? BinaryPlan.Timestamp : undefined;
    case 'utf8':
      if (type === 'jsonb') return BinaryPlan.Jsonb;
      return STRING_TYPE.test(type) || type === 'json' ? BinaryPlan.Raw : undefined;
    case 'bytes':
      return type === 'bytea' ? BinaryPlan.Raw : undefined;
    default:
      return undefined;
  }
}

/** The plans of all fields, or undefined when one column has none. */
export function binaryPlans(rows: BinaryRows, targets: readonly (SqlColumn | undefined)[]): BinaryPlan[] | undefined {
  const plans: BinaryPlan[] = [];
  for (let c = 0; c < rows.width; c++) {
    const plan = binaryPlan(rows.forms[c]!, rows.columns[c], targets[c]);
    if (plan === undefined) return undefined;
    plans.push(plan);
  }
  return plans;
}

/** `PGCOPY\n\377\r\n\0`, flags 0, no header extension. */
const HEADER = Buffer.from([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);
const INT2_MIN = -32768, INT2_MAX = 32767, INT4_MIN = -2147483648, INT4_MAX = 2147483647;
const TWO_32 = 4294967296;

/** Big-endian 32-bit (signed or unsigned) at `at`: plain byte stores, cheaper than Buffer's methods in this loop. */
function put32(part: Buffer, at: number, v: number): void {
  part[at] = v >>> 24;
  part[at + 1] = v >>> 16;
  part[at + 2] = v >>> 8;
  part[at + 3] = v;
}

/** Copies bytes; a loop for the short fields most are (Buffer.copy costs more per call than it saves there). */
function copyBytes(data: Buffer, start: number, end: number, part: Buffer, at: number): number {
  const length = end - start;
  if (length < 64) for (let i = 0; i < length; i++) part[at + i] = data[start + i]!;
  else data.copy(part, at, start, end);
  return at + length;
}

/** An integer field's value as a number (exact within ±2^53; beyond, still out of int4 range). */
function intValue(data: Buffer, at: number, bytes: number, unsigned: boolean): number {
  switch (bytes) {
    case 1: return unsigned ? data[at]! : (data[at]! << 24) >> 24;
    case 2: return unsigned ? data.readUInt16LE(at) : data.readInt16LE(at);
    case 4: {
      const v = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
      return unsigned ? v >>> 0 : v;
    }
    default: {
      const hi = data[at + 4]! | (data[at + 5]! << 8) | (data[at + 6]! << 16) | (data[at + 7]! << 24);
      const lo = (data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24)) >>> 0;
      return (unsigned ? hi >>> 0 : hi) * TWO_32 + lo;
    }
  }
}

/**
 * Writes a timestamp field (length and microseconds since 2000-01-01) from a date-time of the
 * given length (4: date only, 7: with time, 11: with microseconds); -1 when it is not a valid one.
 */
function writeTimestamp(data: Buffer, start: number, length: number, part: Buffer, used: number): number {
  if (length !== 4 && length !== 7 && length !== 11) return -1;
  const y = data[start]! | (data[start + 1]! << 8), m = data[start + 2]!, d = data[start + 3]!;
  const hh = length > 4 ? data[start + 4]! : 0, mi = length > 4 ? data[start + 5]! : 0, ss = length > 4 ? data[start + 6]! : 0;
  const us = length === 11 ? (data[start + 7]! | (data[start + 8]! << 8) | (data[start + 9]! << 16) | (data[start + 10]! << 24)) >>> 0 : 0;
  if (!validDate(y, m, d) || hh > 23 || mi > 59 || ss > 59 || us > 999_999) return -1;
  // days * 86,400,000,000 + the day's microseconds in 64 bits, from exact doubles:
  // 86,400,000,000 = 10,546,875 * 2^13, so the total is high * 2^13 + the low 13 bits of the day's part.
  const ofDay = ((hh * 60 + mi) * 60 + ss) * 1_000_000 + us;
  const high = daysSince2000(y, m, d) * 10_546_875 + Math.floor(ofDay / 8192);
  const hi = Math.floor(high / 524_288);
  put32(part, used, 8);
  put32(part, used + 4, hi);
  put32(part, used + 8, (high - hi * 524_288) * 8192 + (ofDay % 8192));
  return used + 12;
}

/** Writes an integer field as int8; -1 when an unsigned 64-bit value is beyond its range. */
function writeInt8(data: Buffer, start: number, bytes: number, unsigned: boolean, part: Buffer, used: number): number {
  let hi: number, lo: number;
  if (bytes === 8) {
    lo = data[start]! | (data[start + 1]! << 8) | (data[start + 2]! << 16) | (data[start + 3]! << 24);
    hi = data[start + 4]! | (data[start + 5]! << 8) | (data[start + 6]! << 16) | (data[start + 7]! << 24);
    if (unsigned && hi < 0) return -1;
  } else {
    const v = intValue(data, start, bytes, unsigned);
    hi = v < 0 ? -1 : 0;
    lo = v >>> 0;
  }
  put32(part, used, 8);
  put32(part, used + 4, hi);
  put32(part, used + 8, lo);
  return used + 12;
}

/** Writes one field by its plan; -1 when its value cannot be written so. */
function writeField(plan: BinaryPlan, form: BinaryForm, data: Buffer, start: number, end: number, part: Buffer, used: number): number {
  switch (plan) {
    case BinaryPlan.Raw:
      put32(part, used, end - start);
      return copyBytes(data, start, end, part, used + 4);
    case BinaryPlan.Jsonb:
      put32(part, used, end - start + 1);
      part[used + 4] = 1;
      return copyBytes(data, start, end, part, used + 5);
    case BinaryPlan.Int8:
      return form.kind === 'int' ? writeInt8(data, start, form.bytes, form.unsigned, part, used) : -1;
    case BinaryPlan.Int4: {
      const v = form.kind === 'int' ? intValue(data, start, form.bytes, form.unsigned) : NaN;
      if (!(v >= INT4_MIN && v <= INT4_MAX)) return -1;
      put32(part, used, 4);
      put32(part, used + 4, v);
      return used + 8;
    }
    case BinaryPlan.Int2: {
      const v = form.kind === 'int' ? intValue(data, start, form.bytes, form.unsigned) : NaN;
      if (!(v >= INT2_MIN && v <= INT2_MAX)) return -1;
      part.writeInt32BE(2, used);
      part.writeInt16BE(v, used + 4);
      return used + 6;
    }
    case BinaryPlan.Bool: {
      const v = form.kind === 'int' ? intValue(data, start, form.bytes, form.unsigned) : NaN;
      if (v !== 0 && v !== 1) return -1;
      put32(part, used, 1);
      part[used + 4] = v;
      return used + 5;
    }
    case BinaryPlan.IntNumeric: {
      if (form.kind !== 'int') return -1;
      const v = form.bytes === 8 ? (form.unsigned ? data.readBigUInt64LE(start) : data.readBigInt64LE(start)) : intValue(data, start, form.bytes, form.unsigned);
      const text = Buffer.from(String(v), 'latin1');
      return writeNumeric(text, 0, text.length, part, used);
    }
    case BinaryPlan.DecimalNumeric:
      return writeNumeric(data, start, end, part, used);
    case BinaryPlan.Float8:
      put32(part, used, 8);
      for (let i = 0; i < 8; i++) part[used + 4 + i] = data[start + 7 - i]!;
      return used + 12;
    case BinaryPlan.Float4:
      put32(part, used, 4);
      for (let i = 0; i < 4; i++) part[used + 4 + i] = data[start + 3 - i]!;
      return used + 8;
    case BinaryPlan.Float4OfDouble:
      part.writeInt32BE(4, used);
      part.writeFloatBE(data.readDoubleLE(start), used + 4);
      return used + 8;
    case BinaryPlan.Date: {
      if (end - start !== 4) return -1;
      const y = data[start]! | (data[start + 1]! << 8), m = data[start + 2]!, d = data[start + 3]!;
      if (!validDate(y, m, d)) return -1;
      put32(part, used, 4);
      put32(part, used + 4, daysSince2000(y, m, d));
      return used + 8;
    }
    case BinaryPlan.Timestamp:
      return writeTimestamp(data, start, end - start, part, used);
    default:
      return -1;
  }
}

/**
 * The rows in PostgreSQL's binary COPY format (header, tuples, trailer), in parts of about
 * `partBytes` (whole tuples). Undefined when a value cannot be written so (an integer out of the
 * column's range, an invalid or zero date): the text path then writes the rows and reports it.
 */
export function copyBinaryRows(rows: BinaryRows, plans: readonly BinaryPlan[], partBytes = 1 << 20): Buffer[] | undefined {
  const { bounds, width, count, forms } = rows;
  const data = Buffer.from(rows.data.buffer, rows.data.byteOffset, rows.data.byteLength);
  const parts: Buffer[] = [];
  let part = Buffer.allocUnsafe(partBytes);
  HEADER.copy(part, 0);
  let used = HEADER.length;
  for (let r = 0, base = 0; r < count; r++, base += 2 * width) {
    // At most the tuple's bytes: 2 for the field count, per field 4 for its length, its bytes (a
    // numeric's digits take at most twice the decimal's) and up to 8 more (an integer widened to
    // int8, jsonb's version byte, a numeric's header), and 2 for the trailer.
    let need = 2 + 12 * width + 2;
    for (let b = base; b < base + 2 * width; b += 2) if (bounds[b]! >= 0) need += 2 * (bounds[b + 1]! - bounds[b]!) + 12;
    if (part.length - used < need) {
      if (used > 0) parts.push(part.subarray(0, used));
      part = Buffer.allocUnsafe(Math.max(partBytes, need));
      used = 0;
    }
    part[used] = width >>> 8;
    part[used + 1] = width;
    used += 2;
    for (let c = 0, b = base; c < width; c++, b += 2) {
      const start = bounds[b]!;
      if (start < 0) {
        put32(part, used, -1);
        used += 4;
        continue;
      }
      used = writeField(plans[c]!, forms[c]!, data, start, bounds[b + 1]!, part, used);
      if (used < 0) return undefined;
    }
  }
  part.writeInt16BE(-1, used);
  parts.push(part.subarray(0, used + 2));
  return parts;
}
