import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqlDriver, SqlParam } from './sql-driver.ts';

/** Prepared statements kept per SQL text: preparing on every call costs more than the query. */
const STATEMENT_CACHE = 256;

/**
 * Embedded metadata store: one SQLite file (WAL mode), no server to run. There is one connection,
 * so transactions are serialized, and a statement run outside a transaction waits until the open
 * one ends; otherwise it would silently become part of it (and roll back with it).
 */
export function openSqlite(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  // The busy timeout from the start: the journal-mode pragma itself waits for a lock when another
  // process holds one (closing the last connection checkpoints the WAL under an exclusive lock).
  const db = new DatabaseSync(file, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let st = statements.get(sql);
    if (st) {
      statements.delete(sql);
    } else {
      st = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, st);
    return st;
  };
  let queue: Promise<unknown> = Promise.resolve();
  let open = false;
  /** The view of the connection inside a transaction: statements run at once, nested work runs inline. */
  const tx: SqlDriver = {
    dialect: 'sqlite',
    async run(sql, params = []) {
      prepare(sql).run(...(params as SqlParam[]));
    },
    async all<T>(sql: string, params: readonly SqlParam[] = []) {
      return prepare(sql).all(...(params as SqlParam[])) as T[];
    },
    transaction: (work) => work(tx),
    async close() {
      throw new Error('close the store, not a transaction');
    },
  };
  const driver: SqlDriver = {
    dialect: 'sqlite',
    async run(sql, params = []) {
      while (open) await queue;
      prepare(sql).run(...(params as SqlParam[]));
    },
    async all<T>(sql: string, params: readonly SqlParam[] = []) {
      while (open) await queue;
      return prepare(sql).all(...(params as SqlParam[])) as T[];
    },
    transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const next = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        open = true;
        try {
          const result = await work(tx);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        } finally {
          open = false;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      statements.clear();
      db.close();
    },
  };
  return driver;
}
