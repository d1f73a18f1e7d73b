import { quoteTable, type Dialect } from './dialect.ts';
import { ParamList, type ParamConverter, type Statement } from './select-sql.ts';
import type { SqlRow, SqlValue, TableRef } from './sql-engine.ts';

/** Rough size of a value in a statement, to keep multi-row statements under the packet limit. */
function sizeOf(value: SqlValue): number {
  if (value === null) return 4;
  if (typeof value === 'string') return value.length + 2;
  if (value instanceof Uint8Array) return value.length * 2 + 3;
  return 8;
}

/**
 * Splits rows into groups that fit one statement: at most `maxParams` parameters and about
 * `maxBytes` of values (one oversized row is a group of its own).
 */
export function chunkRows(rows: readonly SqlRow[], maxParams: number, maxBytes = Infinity): SqlRow[][] {
  const width = Math.max(rows[0]?.length ?? 1, 1);
  const perStatement = Math.max(1, Math.floor(maxParams / width));
  const chunks: SqlRow[][] = [];
  let current: SqlRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = maxBytes === Infinity ? 0 : row.reduce((n: number, v) => n + sizeOf(v), 0);
    if (current.length > 0 && (current.length >= perStatement || bytes + size > maxBytes)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** `(?, ?), (?, ?)` for the rows, binding each value for its column. */
export function valuesList(p: ParamList, columns: readonly string[], rows: readonly SqlRow[]): string {
  return rows.map((row) => {
    if (row.length !== columns.length) throw new RangeError(`a row has ${row.length} values for ${columns.length} columns`);
    return `(${row.map((v, i) => p.bind(columns[i]!, v)).join(', ')})`;
  }).join(', ');
}

/**
 * DELETE statements for the rows with these key values (`k IN (...)`, or ORs of ANDs for a
 * composite key), at most 10000 keys (1000 composite ones) per statement so every optimizer still
 * plans index lookups (MySQL's range optimizer gives up on very long OR lists).
 */
export function deleteStatements(d: Dialect, table: TableRef, key: readonly string[], keys: readonly SqlRow[], convert: ParamConverter): Statement[] {
  const statements: Statement[] = [];
  const perStatement = key.length === 1 ? 10_000 : 1_000;
  for (const chunk of chunkRows(keys, Math.min(d.maxParams, perStatement * key.length))) {
    if (chunk.some((k) => k.length !== key.length)) throw new RangeError(`a key value has the wrong number of columns for (${key.join(', ')})`);
    const p = new ParamList(d, convert);
    let cond: string;
    if (key.length === 1) {
      cond = `${d.quote(key[0]!)} IN (${chunk.map((k) => p.bind(key[0]!, k[0]!)).join(', ')})`;
    } else {
      cond = chunk.map((k) => `(${key.map((c, i) => `${d.quote(c)} = ${p.bind(c, k[i]!)}`).join(' AND ')})`).join(' OR ');
    }
    statements.push({ sql: `DELETE FROM ${quoteTable(d, table)} WHERE ${cond}`, params: p.params });
  }
  return statements;
}
