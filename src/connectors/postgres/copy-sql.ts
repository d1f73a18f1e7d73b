import { postgresDialect as d, quoteList, quoteTable } from '../sql/dialect.ts';
import type { TableRef, WriteMode } from '../sql/sql-engine.ts';
import { conflictClause } from './writes.ts';

/**
 * SQL of COPY writes. `insert` copies into the target itself; the other modes copy into a staging
 * table and go on from there with one statement, the same INSERT ... ON CONFLICT a multi-row
 * INSERT would run. The staging table has the written columns with the target's types (length
 * and precision included, so a value too long fails the COPY already) and no constraints (a
 * column left out of the write keeps its default in the target); it is temporary, created once
 * per transaction and dropped at its end, and emptied before it is used again.
 */

/** Writes of fewer rows go as multi-row INSERTs (COPY's extra round trips cost more than they save there). */
export const COPY_MIN_ROWS = 50;

/** The COPY data format: tab-separated text, or PostgreSQL's binary format. */
export type CopyFormat = 'text' | 'binary';

const withFormat = (format: CopyFormat) => (format === 'binary' ? ' (FORMAT binary)' : '');

/** `COPY target (columns) FROM STDIN` in the format. */
export function copyIntoSql(table: TableRef, columns: readonly string[], format: CopyFormat = 'text'): string {
  return `COPY ${quoteTable(d, table)} (${quoteList(d, columns)}) FROM STDIN${withFormat(format)}`;
}

/** The staging table's quoted name (in the session's temporary schema). */
export function stageName(n: number): string {
  return `pg_temp.${d.quote(`sluice_stage_${n}`)}`;
}

export function createStageSql(stage: string, table: TableRef, columns: readonly string[]): string {
  return `CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${quoteList(d, columns)} FROM ${quoteTable(d, table)} WITH NO DATA`;
}

export function copyIntoStageSql(stage: string, columns: readonly string[], format: CopyFormat = 'text'): string {
  return `COPY ${stage} (${quoteList(d, columns)}) FROM STDIN${withFormat(format)}`;
}

/**
 * From the staging table into the target: replace deletes the target rows with the staged keys
 * first; upsert and insert-ignore add their ON CONFLICT clause. A fresh or emptied staging table
 * is read in the order the rows were copied.
 */
export function mergeStageSql(stage: string, table: TableRef, columns: readonly string[], key: readonly string[], mode: WriteMode): string {
  const target = quoteTable(d, table);
  const list = quoteList(d, columns);
  const insert = `INSERT INTO ${target} (${list}) SELECT ${list} FROM ${stage}${conflictClause(columns, key, mode)}`;
  if (mode !== 'replace') return insert;
  return `DELETE FROM ${target} AS t USING ${stage} AS s WHERE ${key.map((k) => `t.${d.quote(k)} = s.${d.quote(k)}`).join(' AND ')};\n${insert}`;
}

/**
 * Rows staged since a staging table's last TRUNCATE after which it is emptied with TRUNCATE again
 * rather than DELETE. TRUNCATE in a subtransaction costs a new file kept to the end of the
 * transaction and work at every later savepoint, so its cost grows with each use; DELETE leaves
 * dead rows that every later read of the table scans.
 */
export const TRUNCATE_STAGE_AFTER = 2_000;

export function emptyStageSql(stage: string, truncate: boolean): string {
  return truncate ? `TRUNCATE ${stage}` : `DELETE FROM ${stage}`;
}
