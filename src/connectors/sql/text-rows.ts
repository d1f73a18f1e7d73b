import type { SqlColumn, SqlRow } from './sql-engine.ts';

/**
 * How a column's field bytes in a TextRows relate to its SqlValue:
 * - `text`: UTF-8 text that denotes the value in its family, as the source prints it: integers
 *   and decimals as exact decimal literals, floats (double precision) as a literal that reads
 *   back as the same double, strings and JSON as themselves, dates and times as date/time text
 *   (fractional seconds may carry trailing zeros; a `timestamp` family value is UTC without `Z`).
 *   A column of the same family (and float width) reads this text as the same value.
 * - `bytes`: the bytes of a binary value.
 * - `value`: the bytes mean nothing outside the source; only `row()` gives the value.
 */
export type WireForm = 'text' | 'bytes' | 'value';

/**
 * Rows as a source received them, kept as bytes and decoded only on demand, so a target that
 * can take the source's text (PostgreSQL COPY) writes it without building a value per field.
 */
export interface TextRows {
  readonly count: number;
  /** Columns per row. */
  readonly width: number;
  /** The source columns in field order (undefined when the source does not know one). */
  readonly columns: readonly (SqlColumn | undefined)[];
  readonly forms: readonly WireForm[];
  /** The bytes all fields point into. */
  readonly data: Uint8Array;
  /**
   * Field `c` of row `r` is `data[bounds[i] .. bounds[i + 1])` with `i = 2 * (r * width + c)`;
   * `bounds[i] === -1` is NULL.
   */
  readonly bounds: Int32Array;
  /** Row `r` as SqlValues, exactly as the engine's `readRange` would have returned it. */
  row(r: number): SqlRow;
}

/** All rows as SqlValues. */
export function decodeTextRows(rows: TextRows): SqlRow[] {
  const out = new Array<SqlRow>(rows.count);
  for (let r = 0; r < rows.count; r++) out[r] = rows.row(r);
  return out;
}

/**
 * False when no two rows have the same bytes in the columns `at` (a key); true when two may have
 * (their 64-bit hash of those bytes repeats, so a caller that must be sure compares the values).
 * For TextRows (and BinaryRows) from one source, equal bytes in a column mean equal values and
 * different bytes different values, except for floats (`-0` and `0`).
 */
export function mayRepeatKey(rows: Pick<TextRows, 'data' | 'bounds' | 'width' | 'count'>, at: readonly number[]): boolean {
  const { data, bounds, width, count } = rows;
  let size = 16;
  while (size < 2 * count) size *= 2;
  const mask = size - 1;
  // Open addressing over pairs of 32-bit hashes; a slot whose first hash is 0 is empty.
  const table = new Int32Array(2 * size);
  for (let r = 0; r < count; r++) {
    let h1 = 0x811c9dc5 | 0;
    let h2 = 0x2545f491;
    for (const c of at) {
      const start = bounds[2 * (r * width + c)]!;
      const end = bounds[2 * (r * width + c) + 1]!;
      const length = start < 0 ? -1 : end - start;
      h1 = Math.imul(h1 ^ length, 0x01000193);
      h2 = Math.imul(h2 ^ length, 0x5bd1e995);
      for (let i = start; i < end; i++) {
        const b = data[i]!;
        h1 = Math.imul(h1 ^ b, 0x01000193);
        h2 = Math.imul(h2 ^ b, 0x5bd1e995);
        h2 ^= h2 >>> 15;
      }
    }
    if (h1 === 0) h1 = 1;
    for (let slot = (h1 ^ (h2 >>> 7)) & mask; ; slot = (slot + 1) & mask) {
      const k = table[2 * slot]!;
      if (k === 0) {
        table[2 * slot] = h1;
        table[2 * slot + 1] = h2;
        break;
      }
      if (k === h1 && table[2 * slot + 1] === h2) return true;
    }
  }
  return false;
}
