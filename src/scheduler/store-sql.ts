import type { Dialect, SqlDriver, SqlParam } from '../store/sql-driver.ts';

/**
 * The few SQL spellings that differ between the store's three engines, for the scheduler's tables.
 * Every value travels as a `?` parameter; only table and column names (constants) are spliced in.
 */

/** `INSERT` of several rows that silently skips rows clashing with a unique key. */
export function insertIgnoreSql(d: Dialect, table: string, columns: readonly string[], rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const values = Array.from({ length: rows }, () => tuple).join(', ');
  const head = `INTO ${table} (${columns.join(', ')}) VALUES ${values}`;
  if (d === 'sqlite') return `INSERT OR IGNORE ${head}`;
  if (d === 'mysql') return `INSERT IGNORE ${head}`;
  return `INSERT ${head} ON CONFLICT DO NOTHING`;
}

/** A plain multi-row `INSERT`. */
export function insertSql(table: string, columns: readonly string[], rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => tuple).join(', ')}`;
}

/** A locking read on MySQL/PostgreSQL; SQLite transactions are already exclusive (BEGIN IMMEDIATE). */
export const forUpdate = (d: Dialect): string => (d === 'sqlite' ? '' : ' FOR UPDATE');

/** `?, ?, ?` for an IN list. */
export const marks = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Numbers come back as strings from MySQL BIGINT (bigNumberStrings) and PostgreSQL int8. */
export const num = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));
export const numOrUndef = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

/** Runs `rows` through `write` in chunks, so no statement carries more than ~`per` rows of parameters. */
export async function chunked<T>(rows: readonly T[], per: number, write: (chunk: readonly T[]) => Promise<void>): Promise<void> {
  for (let i = 0; i < rows.length; i += per) await write(rows.slice(i, i + per));
}

/** MySQL deadlocks and PostgreSQL serialization failures are resolved by running the transaction again. */
export function isTransientConflict(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string };
  return e.code === 'ER_LOCK_DEADLOCK' || e.code === 'ER_LOCK_WAIT_TIMEOUT' || e.code === '40P01' || e.code === '40001'
    || e.code === 'ERR_SQLITE_ERROR' && /database is locked|busy/i.test(e.message ?? '') || /SQLITE_BUSY|database is locked/.test(e.message ?? '');
}

/** A transaction retried a few times on deadlocks and lock timeouts. */
export async function withRetry<T>(db: SqlDriver, work: (tx: SqlDriver) => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await db.transaction(work);
    } catch (err) {
      if (i >= tries || !isTransientConflict(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 30));
    }
  }
}

export type { SqlParam };
