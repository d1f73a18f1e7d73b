import { mysqlDialect as d, quoteList, quoteTable } from '../sql/dialect.ts';
import { ParamList, type ParamConverter, type Statement } from '../sql/select-sql.ts';
import type { SqlRow, TableRef, WriteMode } from '../sql/sql-engine.ts';
import { chunkRows, valuesList } from '../sql/write-sql.ts';

/** Keeps a statement well under the server's max_allowed_packet (16 MiB by default on MariaDB). */
const maxStatementBytes = 4 * 1024 * 1024;

/**
 * Multi-row write statements. Insert-ignore is `ON DUPLICATE KEY UPDATE k = k`, not `INSERT
 * IGNORE`: IGNORE would also turn data errors (too long, out of range) into warnings and write
 * truncated values. Upsert uses `VALUES(c)`, which MariaDB needs (MySQL 8.0.20+ accepts it with a
 * deprecation note).
 */
export function mysqlWriteStatements(table: TableRef, columns: readonly string[], key: readonly string[], rows: readonly SqlRow[], mode: WriteMode, convert: ParamConverter): Statement[] {
  const target = quoteTable(d, table);
  const cols = quoteList(d, columns);
  const keySet = new Set(key);
  const updates = columns.filter((c) => !keySet.has(c)).map((c) => `${d.quote(c)} = VALUES(${d.quote(c)})`);
  const noop = `${d.quote(key[0] ?? columns[0]!)} = ${d.quote(key[0] ?? columns[0]!)}`;
  let head: string;
  let tail = '';
  switch (mode) {
    case 'insert': head = `INSERT INTO ${target} (${cols}) VALUES `; break;
    case 'replace': head = `REPLACE INTO ${target} (${cols}) VALUES `; break;
    case 'upsert':
      head = `INSERT INTO ${target} (${cols}) VALUES `;
      tail = ` ON DUPLICATE KEY UPDATE ${updates.length > 0 ? updates.join(', ') : noop}`;
      break;
    case 'insert-ignore':
      head = `INSERT INTO ${target} (${cols}) VALUES `;
      tail = ` ON DUPLICATE KEY UPDATE ${noop}`;
      break;
  }
  return chunkRows(rows, d.maxParams, maxStatementBytes).map((chunk) => {
    const p = new ParamList(d, convert);
    return { sql: head + valuesList(p, columns, chunk) + tail, params: p.params };
  });
}
