import { join } from 'node:path';
import { scratchDir, scratchMariaDb, scratchPostgres } from '../../../test/services/scratch-databases.ts';
import type { SqlConnectionConfig } from './connection-spec.ts';
import type { EngineKind } from './sql-engine.ts';

/**
 * A throw-away database for engine tests (see test/services/scratch-databases.ts): a uniquely named
 * database on the shared MariaDB or PostgreSQL server, or a SQLite file in a temp directory. `exec`
 * runs native SQL (DDL, fixtures) outside the engine under test; `drop` removes everything.
 */
export interface TestDatabase {
  readonly kind: EngineKind;
  readonly config: SqlConnectionConfig;
  exec(sql: string): Promise<void>;
  drop(): Promise<void>;
}

async function mysqlDatabase(): Promise<TestDatabase> {
  const db = await scratchMariaDb();
  await db.conn.query("SET time_zone = '+00:00'");
  return {
    kind: 'mysql',
    config: { ...db.config, type: 'mysql', pool: 4 },
    async exec(sql) {
      await db.conn.query(sql);
    },
    drop: () => db.drop(),
  };
}

async function postgresDatabase(): Promise<TestDatabase> {
  const db = await scratchPostgres();
  await db.client.query("SET TimeZone = 'UTC'");
  return {
    kind: 'postgres',
    config: { ...db.config, pool: 4 },
    async exec(sql) {
      await db.client.query(sql);
    },
    drop: () => db.drop(),
  };
}

async function sqliteDatabase(): Promise<TestDatabase> {
  const { DatabaseSync } = await import('node:sqlite');
  const dir = await scratchDir('sluice-sqlite-');
  const file = join(dir.dir, 'test.db');
  const db = new DatabaseSync(file, { timeout: 5000 });
  db.exec('PRAGMA journal_mode = WAL');
  return {
    kind: 'sqlite',
    config: { type: 'sqlite', file, host: '127.0.0.1', password: '', pool: 1 },
    async exec(sql) {
      db.exec(sql);
    },
    async drop() {
      if (db.isOpen) db.close();
      await dir.drop();
    },
  };
}

export function createTestDatabase(kind: EngineKind): Promise<TestDatabase> {
  switch (kind) {
    case 'mysql': return mysqlDatabase();
    case 'postgres': return postgresDatabase();
    case 'sqlite': return sqliteDatabase();
  }
}
