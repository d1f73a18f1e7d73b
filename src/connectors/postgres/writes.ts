import { sluiceError } from '../../core/errors.ts';
import { postgresDialect as d, quoteList, quoteTable } from '../sql/dialect.ts';
import { ParamList, type ParamConverter, type Statement } from '../sql/select-sql.ts';
import type { SqlRow, SqlValue, TableRef, WriteMode } from '../sql/sql-engine.ts';
import { chunkRows, deleteStatements, valuesList } from '../sql/write-sql.ts';

function keyId(value: SqlValue): string {
  return value instanceof Uint8Array ? `b:${Buffer.from(value).toString('base64')}` : `${typeof value}:${String(value)}`;
}

/**
 * The last row of each key. PostgreSQL rejects an `ON CONFLICT DO UPDATE` that meets the same key
 * twice; MySQL and SQLite apply such rows in order, so the last one wins there too.
 */
function lastPerKey(columns: readonly string[], key: readonly string[], rows: readonly SqlRow[]): readonly SqlRow[] {
  const at = key.map((k) => columns.indexOf(k));
  if (at.length === 0 || at.some((i) => i < 0)) return rows;
  const byKey = new Map<string, SqlRow>();
  for (const row of rows) {
    const id = at.map((i) => keyId(row[i]!)).join('\u0000');
    byKey.delete(id);
    byKey.set(id, row);
  }
  return byKey.size === rows.length ? rows : [...byKey.values()];
}

/** Write statements; replace = delete the keys, then insert (the caller runs them in one savepoint). */
export function postgresWriteStatements(table: TableRef, columns: readonly string[], key: readonly string[], input: readonly SqlRow[], mode: WriteMode, convert: ParamConverter): Statement[] {
  const rows = mode === 'upsert' || mode === 'replace' ? lastPerKey(columns, key, input) : input;
  const target = quoteTable(d, table);
  const head = `INSERT INTO ${target} (${quoteList(d, columns)}) VALUES `;
  const conflict = key.length > 0 ? ` ON CONFLICT (${quoteList(d, key)})` : ' ON CONFLICT';
  const keySet = new Set(key);
  const updates = columns.filter((c) => !keySet.has(c)).map((c) => `${d.quote(c)} = EXCLUDED.${d.quote(c)}`);
  let tail = '';
  if (mode === 'upsert') tail = updates.length > 0 && key.length > 0 ? `${conflict} DO UPDATE SET ${updates.join(', ')}` : `${conflict} DO NOTHING`;
  if (mode === 'insert-ignore') tail = `${conflict} DO NOTHING`;
  const statements: Statement[] = [];
  if (mode === 'replace') {
    const at = key.map((k) => columns.indexOf(k));
    if (key.length === 0 || at.some((i) => i < 0)) throw sluiceError('SLUICE_7004', `replace into ${table.name} needs the key columns (${key.join(', ')}) among the written columns`);
    statements.push(...deleteStatements(d, table, key, rows.map((r) => at.map((i) => r[i]!)), convert));
  }
  for (const chunk of chunkRows(rows, d.maxParams)) {
    const p = new ParamList(d, convert);
    statements.push({ sql: head + valuesList(p, columns, chunk) + tail, params: p.params });
  }
  return statements;
}
