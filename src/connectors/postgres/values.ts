import type { SqlColumn, SqlValue } from '../sql/sql-engine.ts';
import { integerValue, toBuffer, utcTimestamp, utcWallClock } from '../sql/values.ts';

// Built-in type OIDs (pg_type.oid).
const BOOL = 16, BYTEA = 17, INT8 = 20, INT2 = 21, INT4 = 23, OID = 26, FLOAT4 = 700, FLOAT8 = 701, TIMESTAMPTZ = 1184;

const text = (value: string) => value;

/**
 * Result parsers of one pool (never the global `pg.types`): values as SqlValue. int8 exact (number
 * when safe), numeric/date/time/timestamp/json/jsonb as PostgreSQL prints them, timestamptz in UTC
 * with `Z`, bytea as Buffer; every other type as its text.
 */
export function postgresTypeParser(byteaParser: (value: string) => unknown): (oid: number) => (value: string) => unknown {
  return (oid) => {
    switch (oid) {
      case BOOL: return (v) => v === 't';
      case BYTEA: return byteaParser;
      case INT8: return integerValue;
      case INT2: case INT4: case OID: return Number;
      case FLOAT4: case FLOAT8: return Number.parseFloat;
      case TIMESTAMPTZ: return utcTimestamp;
      default: return text;
    }
  };
}

/** A value as a pg parameter for `column`: bytes as Buffer, a zoned date-time in a `timestamp` column as UTC wall clock. */
export function postgresParam(column: SqlColumn | undefined, value: SqlValue): unknown {
  if (value === null) return null;
  if (value instanceof Uint8Array) return toBuffer(value);
  if (typeof value === 'boolean') return column && column.family !== 'boolean' && column.family !== 'string' ? Number(value) : value;
  if (typeof value === 'string' && column?.family === 'datetime') return utcWallClock(value);
  return value;
}
