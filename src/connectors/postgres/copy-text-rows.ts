import type { SqlColumn, SqlRow } from '../sql/sql-engine.ts';
import type { TextRows } from '../sql/text-rows.ts';
import { copyField, type CopyConverter } from './copy-text.ts';

/**
 * How a field of TextRows becomes COPY text: `text` = the source's text with COPY's special bytes
 * escaped (a column of the same family reads it as the same value), `hex` = the source's bytes as
 * bytea hex, `value` = the decoded value through the converter and copyField, as for rows.
 */
export type CopyFieldPlan = 'text' | 'hex' | 'value';

/**
 * True when PostgreSQL reads a `text` field of the source column into the target column as the
 * value the SqlValue path (postgresParam, copyField) writes there. DECIMAL and DATE values are the
 * source's text itself; integers (ZEROFILL ones too) read as the same number into number columns;
 * text and JSON are themselves but in a `timestamp` column (postgresParam turns zoned text into
 * UTC wall clock there); date-times and times only differ by trailing zeros and the `Z` of the UTC
 * session; a double reads back as itself only as a double.
 */
export function takesSourceText(source: SqlColumn, target: SqlColumn): boolean {
  const from = source.family;
  const to = target.family;
  switch (from) {
    case 'decimal': case 'date': return true;
    case 'integer': case 'boolean': return from === to || to === 'integer' || to === 'decimal' || to === 'float';
    case 'string': case 'json': return to !== 'datetime';
    case 'datetime': case 'timestamp': return to === 'datetime' || to === 'timestamp';
    case 'time': return to === 'time';
    case 'float': return to === 'float' && (source.length ?? 53) === (target.length ?? 53);
    default: return false;
  }
}

/**
 * The plan of each field for the target columns, or undefined when bytes would reach a column
 * that is not bytea (a pg parameter sends bytes in binary format, which COPY text cannot express).
 */
export function copyFieldPlans(rows: TextRows, targets: readonly (SqlColumn | undefined)[]): CopyFieldPlan[] | undefined {
  const plans: CopyFieldPlan[] = [];
  for (let c = 0; c < rows.width; c++) {
    const source = rows.columns[c];
    const target = targets[c];
    const form = rows.forms[c];
    if (form === 'bytes') {
      if (target?.family !== 'binary') return undefined;
      plans.push('hex');
    } else {
      plans.push(form === 'text' && source && target && takesSourceText(source, target) ? 'text' : 'value');
    }
  }
  return plans;
}

const TEXT = 0, HEX_BYTES = 1, VALUE = 2;
const BACKSLASH = 0x5c, TAB = 0x09, LF = 0x0a, N = 0x4e, X = 0x78;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** The letter after the backslash for the bytes COPY text escapes (backslash, tab, newline, carriage return); 0 for the others. */
const ESCAPE = new Uint8Array(256);
ESCAPE[BACKSLASH] = BACKSLASH;
ESCAPE[TAB] = 0x74;
ESCAPE[LF] = 0x6e;
ESCAPE[0x0d] = 0x72;

/**
 * The rows as COPY text in UTF-8, in parts of about `partBytes` (whole lines), the same bytes
 * copyText makes of the decoded rows. Undefined when a `value` field turns out to be bytes for a
 * column that is not bytea (see copyFieldPlans); `binary[c]` tells which columns are bytea.
 */
export function copyTextRows(rows: TextRows, plans: readonly CopyFieldPlan[], convert: CopyConverter, binary: readonly boolean[], partBytes = 1 << 18): Buffer[] | undefined {
  const { data, bounds, width, count } = rows;
  const codes = Uint8Array.from(plans, (p) => (p === 'text' ? TEXT : p === 'hex' ? HEX_BYTES : VALUE));
  const anyValue = codes.includes(VALUE);
  const parts: Buffer[] = [];
  const values = new Array<string>(width);
  let part = Buffer.allocUnsafe(partBytes);
  let used = 0;
  for (let r = 0, base = 0; r < count; r++, base += 2 * width) {
    // At most the line's bytes: escaping doubles a byte, hex takes two per byte (and 3 for `\\x`),
    // UTF-8 three per UTF-16 unit; a separator or `\N` takes 2.
    let need = 3 * width;
    for (let c = 0, b = base; c < width; c++, b += 2) {
      const start = bounds[b]!;
      if (start >= 0) need += 2 * (bounds[b + 1]! - start);
    }
    let decoded: SqlRow | undefined;
    if (anyValue) {
      for (let c = 0, b = base; c < width; c++, b += 2) {
        if (codes[c] !== VALUE || bounds[b]! < 0) continue;
        decoded ??= rows.row(r);
        const value = convert(c, decoded[c]!);
        if (value instanceof Uint8Array && !binary[c]) return undefined;
        const text = copyField(value);
        values[c] = text;
        need += 3 * text.length;
      }
    }
    if (part.length - used < need) {
      if (used > 0) parts.push(part.subarray(0, used));
      part = Buffer.allocUnsafe(Math.max(partBytes, need));
      used = 0;
    }
    for (let c = 0, b = base; c < width; c++, b += 2) {
      if (c > 0) part[used++] = TAB;
      const start = bounds[b]!;
      if (start < 0) {
        part[used++] = BACKSLASH;
        part[used++] = N;
        continue;
      }
      const end = bounds[b + 1]!;
      const code = codes[c];
      if (code === TEXT) {
        for (let i = start; i < end; i++) {
          const byte = data[i]!;
          const escape = ESCAPE[byte]!;
          if (escape === 0) {
            part[used++] = byte;
          } else {
            part[used++] = BACKSLASH;
            part[used++] = escape;
          }
        }
      } else if (code === HEX_BYTES) {
        part[used++] = BACKSLASH;
        part[used++] = BACKSLASH;
        part[used++] = X;
        for (let i = start; i < end; i++) {
          const byte = data[i]!;
          part[used++] = HEX[byte >> 4]!;
          part[used++] = HEX[byte & 15]!;
        }
      } else {
        used += part.write(values[c]!, used, 'utf8');
      }
    }
    part[used++] = LF;
  }
  if (used > 0) parts.push(part.subarray(0, used));
  return parts;
}
