import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { SqlDriver, SqlParam } from './sql-driver.ts';

/** Embedded metadata store: one SQLite file (WAL mode), no server to run. */
export function openSqlite(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
  let queue: Promise<unknown> = Promise.resolve();
  const driver: SqlDriver = {
    dialect: 'sqlite',
    async run(sql, params = []) {
      db.prepare(sql).run(...(params as SqlParam[]));
    },
    async all<T>(sql: string, params: readonly SqlParam[] = []) {
      return db.prepare(sql).all(...(params as SqlParam[])) as T[];
    },
    transaction<T>(work: (tx: SqlDriver) => Promise<T>): Promise<T> {
      // One connection: serialize transactions so two callers never interleave.
      const next = queue.then(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await work(driver);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
      });
      queue = next.catch(() => undefined);
      return next;
    },
    async close() {
      await queue;
      db.close();
    },
  };
  return driver;
}
