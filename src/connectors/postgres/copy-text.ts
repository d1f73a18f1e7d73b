import type { SqlRow, SqlValue } from '../sql/sql-engine.ts';

/**
 * PostgreSQL's COPY text format (tab-separated, one row a line, `\N` for NULL). A field is the
 * text a query parameter would carry, with `\`, tab, newline and carriage return backslash-escaped,
 * so the column's input function sees exactly what it sees for an INSERT parameter.
 */

const special = /[\\\t\n\r]/;
const specials = /[\\\t\n\r]/g;
const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const escape = (c: string) => escapes[c]!;

/** Text with the characters COPY reads specially escaped. */
export function copyEscape(text: string): string {
  return special.test(text) ? text.replace(specials, escape) : text;
}

/**
 * One field for a value as `postgresParam` makes it: NULL `\N`; strings (JSON and date-time text
 * included) escaped; numbers as JavaScript prints them, which is how PostgreSQL spells them too
 * (`1e+21`, `NaN`, `Infinity`, `-Infinity`) and `-0` kept; booleans `true`/`false` (what a pg
 * parameter sends, so a text column gets the same text); bytes `\\x<hex>` (bytea hex input with
 * its backslash escaped).
 */
export function copyField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string': return copyEscape(value);
    case 'number': return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint': return String(value);
    case 'boolean': return value ? 'true' : 'false';
  }
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  throw new TypeError(`no COPY text for a value of type ${Object.prototype.toString.call(value)}`);
}

/** Converts the value of the column at `index` to what goes on the wire (see postgresParam). */
export type CopyConverter = (index: number, value: SqlValue) => unknown;

/**
 * The rows as COPY text in UTF-8, in parts of about `partBytes` (whole lines; one CopyData message
 * each). Every row must have one value per column. Lines are encoded one by one into the part:
 * cheaper than one long string converted at the end.
 */
export function copyText(rows: readonly SqlRow[], width: number, convert: CopyConverter, partBytes = 1 << 18): Buffer[] {
  const parts: Buffer[] = [];
  let part = Buffer.allocUnsafe(partBytes);
  let used = 0;
  for (const row of rows) {
    if (row.length !== width) throw new RangeError(`a row has ${row.length} values for ${width} columns`);
    let line = '';
    for (let i = 0; i < width; i++) line += (i === 0 ? '' : '\t') + copyField(convert(i, row[i]!));
    line += '\n';
    // A UTF-16 code unit is at most 3 bytes of UTF-8.
    if (part.length - used < line.length * 3) {
      if (used > 0) parts.push(part.subarray(0, used));
      part = Buffer.allocUnsafe(Math.max(partBytes, line.length * 3));
      used = 0;
    }
    used += part.write(line, used);
  }
  if (used > 0) parts.push(part.subarray(0, used));
  return parts;
}
