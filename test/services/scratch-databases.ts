import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import pg from 'pg';

/**
 * Throw-away databases on the machine's shared servers (MariaDB on 3306, PostgreSQL on 5432; .ci/run
 * starts them when they are down) and SQLite files. Each gets a unique name and is dropped by `drop()`.
 */
export interface ScratchMariaDb {
  readonly database: string;
  readonly config: { type: 'mariadb'; host: string; port: number; user: string; password: string; database: string };
  readonly conn: mysql.Connection;
  drop(): Promise<void>;
}

export interface ScratchPostgres {
  readonly database: string;
  readonly config: { type: 'postgres'; host: string; port: number; user: string; password: string; database: string };
  readonly client: pg.Client;
  drop(): Promise<void>;
}

export const MARIADB = { host: process.env.SLUICE_TEST_MARIADB_HOST ?? '127.0.0.1', port: Number(process.env.SLUICE_TEST_MARIADB_PORT ?? 3306), user: 'root', password: '' };
export const POSTGRES = { host: process.env.SLUICE_TEST_PG_HOST ?? '127.0.0.1', port: Number(process.env.SLUICE_TEST_PG_PORT ?? 5432), user: 'postgres', password: '' };

const unique = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

export async function scratchMariaDb(prefix = 'sluice_t'): Promise<ScratchMariaDb> {
  const database = unique(prefix);
  const admin = await mysql.createConnection({ ...MARIADB });
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const conn = await mysql.createConnection({ ...MARIADB, database, multipleStatements: true, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true });
  return {
    database, conn, config: { type: 'mariadb', ...MARIADB, database },
    async drop() {
      await conn.query(`DROP DATABASE IF EXISTS \`${database}\``).catch(() => undefined);
      await conn.end().catch(() => undefined);
    },
  };
}

export async function scratchPostgres(prefix = 'sluice_t'): Promise<ScratchPostgres> {
  const database = unique(prefix);
  const admin = new pg.Client({ ...POSTGRES, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}" ENCODING 'UTF8' TEMPLATE template0`);
  await admin.end();
  const client = new pg.Client({ ...POSTGRES, database });
  await client.connect();
  return {
    database, client, config: { type: 'postgres', ...POSTGRES, database },
    async drop() {
      await client.end().catch(() => undefined);
      const a = new pg.Client({ ...POSTGRES, database: 'postgres' });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
      await a.end();
    },
  };
}

export async function scratchDir(prefix = 'sluice-'): Promise<{ dir: string; drop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, drop: () => rm(dir, { recursive: true, force: true }) };
}
