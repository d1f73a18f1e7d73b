import { sluiceError } from '../../core/errors.ts';
import { postgresDialect as d, quoteList, quoteTable } from '../sql/dialect.ts';
import { ParamList, type ParamConverter, type Statement } from '../sql/select-sql.ts';
import type { SqlRow, SqlValue, TableRef, WriteMode } from '../sql/sql-engine.ts';
import { chunkRows, deleteStatements, valuesList } from '../sql/write-sql.ts';

function keyId(value: SqlValue): string {
  return value instanceof Uint8Array ? `b:${Buffer.from(value).toString('base64')}` : `${typeof value}:${String(value)}`;
}

/**
 * The last row of each key, in the order of those last rows. PostgreSQL rejects an `ON CONFLICT
 * DO UPDATE` that meets the same key twice; MySQL and SQLite apply such rows in order, so the
 * last one wins there too. Keys compare as values (1 and '1' differ, bytes by content).
 */
export function lastPerKey(columns: readonly string[], key: readonly string[], rows: readonly SqlRow[]): readonly SqlRow[] {
  const at = key.map((k) => columns.indexOf(k));
  if (at.length === 0 || at.some((i) => i < 0)) return rows;
  // One key column: the value itself is the map key (SameValueZero: the same as comparing keyId texts); bytes by content.
  const single = at.length === 1 ? at[0]! : -1;
  const byValue = new Map<SqlValue, number>();
  const byText = new Map<string, number>();
  const textId = (row: SqlRow) => (single >= 0 ? keyId(row[single]!) : at.map((i) => keyId(row[i]!)).join('\u0000'));
  const plain = (row: SqlRow) => single >= 0 && !(row[single] instanceof Uint8Array);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    if (plain(row)) byValue.set(row[single]!, r);
    else byText.set(textId(row), r);
  }
  if (byValue.size + byText.size === rows.length) return rows;
  return rows.filter((row, r) => (plain(row) ? byValue.get(row[single]!) : byText.get(textId(row))) === r);
}

/** The ON CONFLICT clause of a mode (empty for insert and replace). */
export function conflictClause(columns: readonly string[], key: readonly string[], mode: WriteMode): string {
  if (mode !== 'upsert' && mode !== 'insert-ignore') return '';
  const conflict = key.length > 0 ? ` ON CONFLICT (${quoteList(d, key)})` : ' ON CONFLICT';
  const keySet = new Set(key);
  const updates = columns.filter((c) => !keySet.has(c)).map((c) => `${d.quote(c)} = EXCLUDED.${d.quote(c)}`);
  return mode === 'upsert' && updates.length > 0 && key.length > 0 ? `${conflict} DO UPDATE SET ${updates.join(', ')}` : `${conflict} DO NOTHING`;
}

/** Positions of the key columns among the written ones; replace cannot work without all of them. */
export function replaceKeyIndex(table: TableRef, columns: readonly string[], key: readonly string[]): number[] {
  const at = key.map((k) => columns.indexOf(k));
  if (key.length === 0 || at.some((i) => i < 0)) throw sluiceError('SLUICE_7004', `replace into ${table.name} needs the key columns (${key.join(', ')}) among the written columns`);
  return at;
}

/** Multi-row INSERT statements; replace = delete the keys, then insert (the caller runs them in one savepoint). */
export function postgresWriteStatements(table: TableRef, columns: readonly string[], key: readonly string[], input: readonly SqlRow[], mode: WriteMode, convert: ParamConverter): Statement[] {
  const rows = mode === 'upsert' || mode === 'replace' ? lastPerKey(columns, key, input) : input;
  const head = `INSERT INTO ${quoteTable(d, table)} (${quoteList(d, columns)}) VALUES `;
  const tail = conflictClause(columns, key, mode);
  const statements: Statement[] = [];
  if (mode === 'replace') {
    const at = replaceKeyIndex(table, columns, key);
    statements.push(...deleteStatements(d, table, key, rows.map((r) => at.map((i) => r[i]!)), convert));
  }
  for (const chunk of chunkRows(rows, d.maxParams)) {
    const p = new ParamList(d, convert);
    statements.push({ sql: head + valuesList(p, columns, chunk) + tail, params: p.params });
  }
  return statements;
}
