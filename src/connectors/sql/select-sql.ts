import { sluiceError } from '../../core/errors.ts';
import { quoteTable, type Dialect } from './dialect.ts';
import { keyAfter, keyUpTo, type Bind } from './keyset.ts';
import type { KeyRange, SqlRow, SqlValue, TableRef } from './sql-engine.ts';

/** SQL text and its parameters. */
export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/** Converts a value for the engine's driver, knowing the column it is compared with or written to. */
export type ParamConverter = (column: string, value: SqlValue) => unknown;

/** How one engine builds its reads. */
export interface SelectContext {
  readonly dialect: Dialect;
  readonly convert: ParamConverter;
  /** The select-list expression of a column (default: the quoted name). */
  readonly selectColumn?: (name: string) => string;
}

function selectList(ctx: SelectContext, columns: readonly string[]): string {
  const one = ctx.selectColumn ?? ((n: string) => ctx.dialect.quote(n));
  return columns.map(one).join(', ');
}

/** Collects parameters in order while SQL text is built. */
export class ParamList {
  readonly params: unknown[] = [];
  readonly bind: Bind;

  constructor(dialect: Dialect, convert: ParamConverter) {
    this.bind = (column, value) => {
      this.params.push(convert(column, value));
      return dialect.placeholder(this.params.length);
    };
  }
}

function whereClause(conditions: readonly (string | undefined)[]): string {
  const present = conditions.filter((c): c is string => c !== undefined && c.trim() !== '');
  return present.length === 0 ? '' : ` WHERE ${present.join(' AND ')}`;
}

function filter(where: string | undefined): string | undefined {
  return where === undefined || where.trim() === '' ? undefined : `(${where})`;
}

function orderBy(d: Dialect, columns: readonly string[]): string {
  if (columns.length === 0) throw sluiceError('SLUICE_7004', 'reading in key order needs at least one key column');
  return ` ORDER BY ${columns.map((c) => d.quote(c)).join(', ')}`;
}

function positiveInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
  return n;
}

/** `SELECT key FROM t WHERE key > after [AND (where)] ORDER BY key LIMIT 1 OFFSET count-1`. */
export function boundarySql(ctx: SelectContext, table: TableRef, key: readonly string[], after: SqlRow | undefined, count: number, where: string | undefined): Statement {
  const d = ctx.dialect;
  const p = new ParamList(d, ctx.convert);
  const cond = after ? keyAfter(d, p.bind, key, after) : undefined;
  const sql = `SELECT ${selectList(ctx, key)} FROM ${quoteTable(d, table)}${whereClause([cond, filter(where)])}${orderBy(d, key)} LIMIT 1 OFFSET ${positiveInt(count, 'count') - 1}`;
  return { sql, params: p.params };
}

/** Rows with `after < key <= upTo` in key order. */
export function rangeSql(ctx: SelectContext, table: TableRef, columns: readonly string[], key: readonly string[], range: KeyRange, where: string | undefined, limit: number | undefined): Statement {
  const d = ctx.dialect;
  const p = new ParamList(d, ctx.convert);
  const lo = range.after ? keyAfter(d, p.bind, key, range.after) : undefined;
  const hi = range.upTo ? keyUpTo(d, p.bind, key, range.upTo) : undefined;
  const cap = limit === undefined ? '' : ` LIMIT ${positiveInt(limit, 'limit')}`;
  const sql = `SELECT ${selectList(ctx, columns)} FROM ${quoteTable(d, table)}${whereClause([lo && `(${lo})`, hi && `(${hi})`, filter(where)])}${orderBy(d, key)}${cap}`;
  return { sql, params: p.params };
}

/** `SELECT <aggregates> FROM t WHERE after < key <= upTo [AND (where)]`: one row of aggregates over a key range. */
export function rangeAggregateSql(ctx: SelectContext, table: TableRef, aggregates: string, key: readonly string[], range: KeyRange, where: string | undefined): Statement {
  const d = ctx.dialect;
  const p = new ParamList(d, ctx.convert);
  const lo = range.after ? keyAfter(d, p.bind, key, range.after) : undefined;
  const hi = range.upTo ? keyUpTo(d, p.bind, key, range.upTo) : undefined;
  return { sql: `SELECT ${aggregates} FROM ${quoteTable(d, table)}${whereClause([lo && `(${lo})`, hi && `(${hi})`, filter(where)])}`, params: p.params };
}

export interface CursorPosition {
  readonly from: SqlValue;
  readonly after?: { readonly cursor: SqlValue; readonly key: SqlRow };
}

/**
 * Rows with `(cursor, key) > (after.cursor, after.key)`, or `cursor >= from` without `after`, and
 * `cursor <= upTo`, in `(cursor, key)` order. A null `from` or `upTo` leaves that side open; rows
 * whose cursor is NULL are never read.
 */
export function cursorSql(ctx: SelectContext, table: TableRef, columns: readonly string[], cursor: string, key: readonly string[], position: CursorPosition, upTo: SqlValue, limit: number, where: string | undefined): Statement {
  const d = ctx.dialect;
  const p = new ParamList(d, ctx.convert);
  const c = d.quote(cursor);
  let lo: string;
  if (position.after) lo = `(${keyAfter(d, p.bind, [cursor, ...key], [position.after.cursor, ...position.after.key])})`;
  else if (position.from !== null) lo = `${c} >= ${p.bind(cursor, position.from)}`;
  else lo = `${c} IS NOT NULL`;
  const hi = upTo === null ? undefined : `${c} <= ${p.bind(cursor, upTo)}`;
  const sql = `SELECT ${selectList(ctx, columns)} FROM ${quoteTable(d, table)}${whereClause([lo, hi, filter(where)])}${orderBy(d, [cursor, ...key])} LIMIT ${positiveInt(limit, 'limit')}`;
  return { sql, params: p.params };
}

/** Keys per presence query: SQLite allows at most 500 terms in a compound SELECT. */
export const PRESENCE_BATCH = 200;

/**
 * `SELECT 0 AS i FROM t WHERE k = ? ... UNION ALL SELECT 1 ...`: the indexes of the keys that have a
 * row. Each branch compares with the key columns, so parameters take the columns' types and the
 * comparison the columns' collation.
 */
export function presentKeysSql(ctx: SelectContext, table: TableRef, key: readonly string[], keys: readonly SqlRow[], where: string | undefined): Statement {
  return byKeySql(ctx, table, [], key, keys, where);
}

/** `SELECT 0 AS i, columns FROM t WHERE k = ? UNION ALL ...`: the row of each key, tagged with its index. */
export function rowsForKeysSql(ctx: SelectContext, table: TableRef, columns: readonly string[], key: readonly string[], keys: readonly SqlRow[]): Statement {
  return byKeySql(ctx, table, columns, key, keys, undefined);
}

function byKeySql(ctx: SelectContext, table: TableRef, columns: readonly string[], key: readonly string[], keys: readonly SqlRow[], where: string | undefined): Statement {
  const d = ctx.dialect;
  const p = new ParamList(d, ctx.convert);
  const list = columns.length > 0 ? `, ${selectList(ctx, columns)}` : '';
  const branches = keys.map((values, i) => {
    const match = key.map((column, j) => `${d.quote(column)} = ${p.bind(column, values[j] ?? null)}`).join(' AND ');
    return `SELECT ${i} AS i${list} FROM ${quoteTable(d, table)}${whereClause([match, filter(where)])}`;
  });
  return { sql: branches.join(' UNION ALL '), params: p.params };
}

/** Runs a by-key query in batches and hands each returned row to `take` with the index of its key. */
export async function byKeyBatches(keys: readonly SqlRow[], query: (slice: readonly SqlRow[]) => Promise<SqlRow[]>, take: (index: number, row: SqlRow) => void): Promise<void> {
  for (let start = 0; start < keys.length; start += PRESENCE_BATCH) {
    for (const row of await query(keys.slice(start, start + PRESENCE_BATCH))) take(start + Number(row[0]), row);
  }
}
