import type { EngineKind, SqlColumn } from './sql-engine.ts';
import { typeArgs } from './type-families.ts';

/**
 * The DDL type for a column described by another engine (docs/sync-types.md has the table). The
 * mapping is lossless for every value the source type can hold, except where the doc says not.
 */
export function ddlType(kind: EngineKind, column: SqlColumn, inKey: boolean): string {
  switch (kind) {
    case 'mysql': return mysqlType(column, inKey);
    case 'postgres': return postgresType(column);
    case 'sqlite': return sqliteType(column, inKey);
  }
}

/** Bytes of the narrowest integer type that holds the column (1, 2, 3, 4, 8), or 0 if none does. */
export function integerBytes(column: SqlColumn): number {
  const digits = column.length ?? digitsFromType(column.type);
  if (digits <= 3) return 1;
  if (digits <= 5) return 2;
  if (digits <= 8) return 3;
  if (digits <= 10) return 4;
  if (digits <= (column.unsigned ? 20 : 19)) return 8;
  return 0;
}

function digitsFromType(type: string): number {
  const t = type.toLowerCase();
  if (/^(tinyint|int1)\b/.test(t)) return 3;
  if (/^(smallint|int2|smallserial)\b/.test(t)) return 5;
  if (/^mediumint\b/.test(t)) return 8;
  if (/^(int|integer|int4|serial)\b/.test(t) && !/big/.test(t)) return 10;
  return 19;
}

/** Fractional-second digits for DDL: the column's, else 6 (the most any engine keeps). */
function fsp(column: SqlColumn): number {
  const n = column.length ?? typeArgs(column.type)[0] ?? 6;
  return Math.min(Math.max(n, 0), 6);
}

function decimalArgs(column: SqlColumn, maxPrecision: number, maxScale: number): string | undefined {
  if (column.length === undefined) return undefined;
  const p = Math.min(column.length, maxPrecision);
  const s = Math.min(column.scale ?? 0, maxScale, p);
  return `${p},${s}`;
}

function mysqlType(c: SqlColumn, inKey: boolean): string {
  switch (c.family) {
    case 'integer': {
      const names: Record<number, string> = { 1: 'TINYINT', 2: 'SMALLINT', 3: 'MEDIUMINT', 4: 'INT', 8: 'BIGINT' };
      const bytes = integerBytes(c);
      if (bytes === 0) return `DECIMAL(${Math.min(c.length ?? 65, 65)},0)`;
      return `${names[bytes]}${c.unsigned ? ' UNSIGNED' : ''}`;
    }
    case 'decimal': return `DECIMAL(${decimalArgs(c, 65, 30) ?? '65,30'})`;
    case 'float': return (c.length ?? 53) <= 24 ? 'FLOAT' : 'DOUBLE';
    case 'boolean': return 'TINYINT(1)';
    case 'string':
      if (c.length !== undefined && c.length <= 16383) return `VARCHAR(${c.length})`;
      return inKey ? 'VARCHAR(255)' : 'LONGTEXT';
    case 'binary':
      if (c.length !== undefined && c.length <= 255) return `VARBINARY(${c.length})`;
      return inKey ? 'VARBINARY(255)' : 'LONGBLOB';
    case 'date': return 'DATE';
    case 'datetime': return `DATETIME(${fsp(c)})`;
    // MySQL's TIMESTAMP holds 1970..2038 only: kept for MySQL's own TIMESTAMP columns, DATETIME (in UTC) otherwise.
    case 'timestamp': return /^timestamp(\(\d\))?$/i.test(c.type.trim()) ? `TIMESTAMP(${fsp(c)})` : `DATETIME(${fsp(c)})`;
    case 'time': return `TIME(${fsp(c)})`;
    case 'json': return 'JSON';
    case 'other': return inKey ? 'VARCHAR(255)' : 'LONGTEXT';
  }
}

function postgresType(c: SqlColumn): string {
  switch (c.family) {
    case 'integer': {
      // No unsigned types: an unsigned column takes the next wider one.
      const bytes = integerBytes(c);
      const wide = c.unsigned ? bytes + 1 : bytes;
      if (bytes === 0 || wide > 8) return `numeric(${c.length ?? 20},0)`;
      return wide <= 2 ? 'smallint' : wide <= 4 ? 'integer' : 'bigint';
    }
    case 'decimal': {
      const args = decimalArgs(c, 1000, 1000);
      return args ? `numeric(${args})` : 'numeric';
    }
    case 'float': return (c.length ?? 53) <= 24 ? 'real' : 'double precision';
    case 'boolean': return 'boolean';
    case 'string': return c.length !== undefined ? `varchar(${c.length})` : 'text';
    case 'binary': return 'bytea';
    case 'date': return 'date';
    case 'datetime': return `timestamp(${fsp(c)})`;
    case 'timestamp': return `timestamptz(${fsp(c)})`;
    case 'time': return `time(${fsp(c)})`;
    case 'json': return 'jsonb';
    case 'other': return 'text';
  }
}

/** True for integer columns whose values may not fit SQLite's 64-bit signed INTEGER (BIGINT UNSIGNED). */
export function beyondInt64(c: SqlColumn): boolean {
  const bytes = integerBytes(c);
  return c.family === 'integer' && (bytes === 0 || (bytes === 8 && c.unsigned === true));
}

function sqliteType(c: SqlColumn, inKey: boolean): string {
  switch (c.family) {
    // Values past 2^63-1 would turn into REAL: such a column is exact text, or, in a key (which must
    // order as numbers), INTEGER with a CHECK that refuses them (see the SQLite createTable).
    case 'integer': return beyondInt64(c) && !inKey ? `DECIMAL_TEXT(${c.length ?? 20},0)` : 'INTEGER';
    // TEXT affinity keeps every digit; the name keeps the family.
    case 'decimal': return c.length !== undefined ? `DECIMAL_TEXT(${c.length},${c.scale ?? 0})` : 'DECIMAL_TEXT';
    case 'float': return (c.length ?? 53) <= 24 ? 'FLOAT' : 'DOUBLE';
    case 'boolean': return 'BOOLEAN';
    case 'string': return c.length !== undefined ? `VARCHAR(${c.length})` : 'TEXT';
    case 'binary': return 'BLOB';
    case 'date': return 'DATE';
    case 'datetime': return `DATETIME(${fsp(c)})`;
    case 'timestamp': return `TIMESTAMP(${fsp(c)})`;
    case 'time': return `TIME(${fsp(c)})`;
    case 'json': return 'JSON_TEXT';
    case 'other': return 'TEXT';
  }
}
