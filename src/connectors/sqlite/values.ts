import type { SqlColumn, SqlValue } from '../sql/sql-engine.ts';
import { integerValue, trimFraction, utcTimestamp, utcWallClock, wallClock } from '../sql/values.ts';

/** What node:sqlite returns with `readBigInts`. */
export type SqliteResult = null | bigint | number | string | Uint8Array;
export type SqliteParam = null | bigint | number | string | Uint8Array;

const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

/**
 * A stored value as SqlValue for its column. SQLite keeps what it was given (by affinity), so the
 * declared type decides: integers exact (number when safe), DECIMAL/JSON text even when SQLite
 * made a number of it, date-times in the canonical text, BOOLEAN as 0/1 like MySQL's TINYINT(1).
 */
export function sqliteValue(column: SqlColumn | undefined, value: SqliteResult): SqlValue {
  if (value === null) return null;
  const family = column?.family;
  if (typeof value === 'bigint') return family === 'decimal' || family === 'json' || family === 'string' ? String(value) : integerValue(value);
  if (typeof value === 'number') return family === 'decimal' || family === 'json' ? String(value) : value;
  if (typeof value === 'string') {
    switch (family) {
      case 'timestamp': return utcTimestamp(value);
      case 'datetime': return wallClock(value);
      case 'time': return trimFraction(value);
      default: return value;
    }
  }
  return value;
}

/** An integer text as a bound INTEGER when it fits 64 bits. */
function exactInteger(text: string): bigint | string {
  const n = BigInt(text);
  return n >= int64.min && n <= int64.max ? n : text;
}

/**
 * A value as a node:sqlite parameter for `column`: integers bound as INTEGER (a JS number binds as
 * REAL, which a TEXT column would store as `12.0`), booleans as 1/0, date-times as the UTC wall
 * clock `YYYY-MM-DD HH:MM:SS[.ffffff]` without a zone and trailing zeros — text that sorts in time
 * order (a `Z` after a fraction of varying length would not); TIMESTAMP columns read back with `Z`.
 */
export function sqliteParam(column: SqlColumn | undefined, value: SqlValue): SqliteParam {
  if (value === null) return null;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value !== 'string') return value;
  switch (column?.family) {
    case 'integer': return /^-?\d+$/.test(value) ? exactInteger(value) : value;
    case 'timestamp':
    case 'datetime': return trimFraction(utcWallClock(value));
    default: return value;
  }
}
