import { resolve } from 'node:path';
import { sluiceError } from '../core/errors.ts';
import { MetadataStore } from './metadata-store.ts';
import { openMysql } from './mysql-driver.ts';
import { openPostgres } from './postgres-driver.ts';
import { openSqlite } from './sqlite-driver.ts';
import type { SqlDriver } from './sql-driver.ts';

/**
 * Opens and migrates the metadata store named by `url`:
 *   sqlite:PATH (default: sqlite:<dataDir>/sluice.db) · mysql://user:pass@host:port/db · postgres://user@host/db
 */
export async function openStore(url: string): Promise<MetadataStore> {
  let driver: SqlDriver;
  try {
    if (url.startsWith('sqlite:')) driver = openSqlite(url === 'sqlite::memory:' ? ':memory:' : resolve(url.slice('sqlite:'.length)));
    else if (/^(mysql|mariadb):\/\//.test(url)) driver = await openMysql(url.replace(/^mariadb:/, 'mysql:'));
    else if (/^postgres(ql)?:\/\//.test(url)) driver = await openPostgres(url);
    else throw new Error(`unsupported metadata store url "${url}" (use sqlite:PATH, mysql://... or postgres://...)`);
  } catch (err) {
    throw sluiceError('SLUICE_5001', (err as Error).message, { cause: err });
  }
  const store = new MetadataStore(driver);
  try {
    await store.migrate();
  } catch (err) {
    await driver.close().catch(() => undefined);
    if ((err as { code?: string }).code === 'SLUICE_5002') throw err;
    throw sluiceError('SLUICE_5001', (err as Error).message, { cause: err });
  }
  return store;
}
