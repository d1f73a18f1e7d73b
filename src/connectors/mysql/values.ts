import type { TypeCast } from 'mysql2/promise';
import type { SqlColumn, SqlValue } from '../sql/sql-engine.ts';
import { integerValue, isTemporal, toBuffer, trimFraction, utcWallClock } from '../sql/values.ts';

/**
 * mysql2 result values as SqlValue (with `supportBigNumbers`, `bigNumberStrings`, `dateStrings` and
 * `jsonStrings`): BIGINT exact, TIMESTAMP as UTC with `Z` (the session time zone is UTC), DATETIME
 * and TIME as written without trailing zeros, DOUBLE exactly, BIT as an integer, JSON as its text, bytes as Buffer.
 */
export const mysqlTypeCast: TypeCast = (field, next) => {
  switch (field.type) {
    case 'LONGLONG': {
      const text = field.string('ascii');
      return text === null ? null : integerValue(text);
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP2': {
      const text = field.string('ascii');
      return text === null ? null : `${trimFraction(text)}Z`;
    }
    case 'DATETIME':
    case 'DATETIME2':
    case 'TIME':
    case 'TIME2': {
      const text = field.string('ascii');
      return text === null ? null : trimFraction(text);
    }
    case 'DOUBLE':
    case 'FLOAT': {
      // mysql2 adds up to 17 characters digit by digit, which is an ulp off for values with more
      // significant digits than a double holds exactly (635/7 would read as 90.71428571428572);
      // Number() rounds the server's shortest round-trip text to the stored double.
      const text = field.string('ascii');
      return text === null ? null : Number(text);
    }
    case 'BIT': {
      const bytes = field.buffer();
      if (bytes === null) return null;
      let n = 0n;
      for (const b of bytes) n = (n << 8n) | BigInt(b);
      return integerValue(n);
    }
    case 'JSON':
      return field.string('utf8');
    case 'GEOMETRY':
      return field.buffer();
    default:
      return next();
  }
};

/** Text mysql2 inlines as written (an exact DECIMAL literal). */
function literal(text: string): { toSqlString(): string } {
  return { toSqlString: () => text };
}

/**
 * A value as a mysql2 parameter for `column`. Integer and decimal text goes in as a numeric
 * literal (MySQL compares a number column with a string as DOUBLE, which is inexact past 2^53);
 * date-times with a zone are written as UTC wall clock (the session is UTC).
 */
export function mysqlParam(column: SqlColumn | undefined, value: SqlValue): unknown {
  if (value === null) return null;
  if (value instanceof Uint8Array) return toBuffer(value);
  if (typeof value !== 'string' || !column) return value;
  if (isTemporal(column.family)) return utcWallClock(value);
  if (column.family === 'integer' && /^-?\d+$/.test(value)) return BigInt(value);
  if (column.family === 'decimal' && /^-?\d+(\.\d+)?$/.test(value)) return literal(value);
  return value;
}
