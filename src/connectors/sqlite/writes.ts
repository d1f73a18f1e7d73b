import { sqliteDialect as d, quoteList, quoteTable } from '../sql/dialect.ts';
import { ParamList, type ParamConverter, type Statement } from '../sql/select-sql.ts';
import type { SqlRow, TableRef, WriteMode } from '../sql/sql-engine.ts';
import { chunkRows, valuesList } from '../sql/write-sql.ts';

/** Multi-row write statements: upsert `ON CONFLICT (key) DO UPDATE`, replace `INSERT OR REPLACE`, insert-ignore `ON CONFLICT DO NOTHING`. */
export function sqliteWriteStatements(table: TableRef, columns: readonly string[], key: readonly string[], rows: readonly SqlRow[], mode: WriteMode, convert: ParamConverter): Statement[] {
  const target = quoteTable(d, table);
  const head = `${mode === 'replace' ? 'INSERT OR REPLACE' : 'INSERT'} INTO ${target} (${quoteList(d, columns)}) VALUES `;
  const keySet = new Set(key);
  const updates = columns.filter((c) => !keySet.has(c)).map((c) => `${d.quote(c)} = excluded.${d.quote(c)}`);
  let tail = '';
  if (mode === 'upsert') tail = updates.length > 0 && key.length > 0 ? ` ON CONFLICT (${quoteList(d, key)}) DO UPDATE SET ${updates.join(', ')}` : ' ON CONFLICT DO NOTHING';
  if (mode === 'insert-ignore') tail = ' ON CONFLICT DO NOTHING';
  return chunkRows(rows, d.maxParams).map((chunk) => {
    const p = new ParamList(d, convert);
    return { sql: head + valuesList(p, columns, chunk) + tail, params: p.params };
  });
}
