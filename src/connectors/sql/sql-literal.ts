import type { Dialect } from './dialect.ts';
import type { ParamConverter, Statement } from './select-sql.ts';
import type { EngineKind, SqlRow, TableRef } from './sql-engine.ts';
import { deleteStatements } from './write-sql.ts';

/** A driver parameter (after the engine's conversion) as an SQL literal of `kind`. */
export function sqlLiteral(kind: EngineKind, value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return kind === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    // PostgreSQL: an untyped literal takes the column's type (a 0/1 from MySQL into a boolean column).
    if (Number.isFinite(value)) return kind === 'postgres' ? `'${String(value)}'` : String(value);
    return kind === 'postgres' ? `'${value === Infinity ? 'Infinity' : value === -Infinity ? '-Infinity' : 'NaN'}'::float8` : 'NULL';
  }
  if (typeof value === 'bigint') return value.toString();
  // mysql2 raw values (exact numbers the MySQL engine sends unquoted) carry their own SQL text.
  if (typeof value === 'object' && typeof (value as { toSqlString?: unknown }).toSqlString === 'function') return (value as { toSqlString(): string }).toSqlString();
  if (value instanceof Uint8Array) {
    const hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    return kind === 'postgres' ? `'\\x${hex}'::bytea` : `X'${hex}'`;
  }
  const text = String(value);
  // MySQL reads backslash escapes in string literals (unless NO_BACKSLASH_ESCAPES); the others do not.
  const escaped = (kind === 'mysql' ? text.replace(/\\/g, '\\\\') : text).replace(/'/g, "''");
  return `'${escaped}'`;
}

/**
 * The statement with its parameters written in as literals, for a script a DBA can read and run:
 * `?` (MySQL, SQLite) or `$n` (PostgreSQL) outside quoted names and strings are replaced.
 */
export function inlineStatement(kind: EngineKind, statement: Statement): string {
  const { sql, params } = statement;
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (c === '`' || c === '"' || c === "'") {
      const end = sql.indexOf(c, i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop - 1;
    } else if (c === '?' && kind !== 'postgres') {
      out += sqlLiteral(kind, params[next++]);
    } else if (c === '$' && kind === 'postgres' && /\d/.test(sql[i + 1] ?? '')) {
      const m = /^\$(\d+)/.exec(sql.slice(i))!;
      out += sqlLiteral(kind, params[Number(m[1]) - 1]);
      i += m[0].length - 1;
    } else {
      out += c;
    }
  }
  return `${out};`;
}

/**
 * A repair script in one engine's SQL: upserts of `rows` (made by the engine's `upserts`) and
 * deletes of `deleteKeys`, every value written in as a literal.
 */
export function repairScriptStatements(kind: EngineKind, d: Dialect, table: TableRef, key: readonly string[], rows: readonly SqlRow[], deleteKeys: readonly SqlRow[],
  upserts: (rows: readonly SqlRow[]) => Statement[], convert: ParamConverter): string[] {
  const statements = [
    ...(rows.length > 0 ? upserts(rows) : []),
    ...(deleteKeys.length > 0 ? deleteStatements(d, table, key, deleteKeys, convert) : []),
  ];
  return statements.map((st) => inlineStatement(kind, st));
}
