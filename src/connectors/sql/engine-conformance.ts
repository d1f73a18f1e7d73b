import { after, before, describe } from 'node:test';
import type { SqlConnectionConfig } from './connection-spec.ts';
import { readConformance } from './conformance-reads.ts';
import { schemaConformance } from './conformance-schema.ts';
import { writeConformance } from './conformance-writes.ts';
import type { EngineKind, SqlEngine } from './sql-engine.ts';
import { createTestDatabase, type TestDatabase } from './test-databases.ts';

/** What the conformance tests share: the engine under test and its scratch database. */
export interface ConformanceFixture {
  engine: SqlEngine;
  db: TestDatabase;
}

/** The fixture's native DDL for a timestamp-with-zone column on each engine. */
export const zonedTimestamp: Record<EngineKind, string> = { mysql: 'TIMESTAMP(6)', postgres: 'timestamptz(6)', sqlite: 'TIMESTAMP(6)' };

/**
 * The SqlEngine contract, run against a real server: each engine's `sql-engine.test.ts` calls this
 * with a factory that opens its engine on a connection config (a fresh database per test file).
 */
export function engineConformance(kind: EngineKind, open: (config: SqlConnectionConfig) => Promise<SqlEngine>): void {
  describe(`${kind} SqlEngine conformance`, () => {
    const fx = {} as ConformanceFixture;
    before(async () => {
      fx.db = await createTestDatabase(kind);
      fx.engine = await open(fx.db.config);
      for (const ddl of [
        'CREATE TABLE items (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, status VARCHAR(10), qty INT)',
        'CREATE TABLE pairs (grp INT NOT NULL, code VARCHAR(10) NOT NULL, val VARCHAR(20), PRIMARY KEY (grp, code))',
        'CREATE TABLE empty_t (id INT NOT NULL PRIMARY KEY, v INT)',
        `CREATE TABLE events (id INT NOT NULL PRIMARY KEY, ts ${zonedTimestamp[kind]} NULL, v INT)`,
        'CREATE TABLE modes (id INT NOT NULL PRIMARY KEY, name VARCHAR(20) NOT NULL, qty INT)',
        'CREATE TABLE short (id INT NOT NULL PRIMARY KEY, s VARCHAR(5), n INT NOT NULL)',
        'CREATE TABLE pair_modes (grp INT NOT NULL, code VARCHAR(10) NOT NULL, val VARCHAR(20), PRIMARY KEY (grp, code))',
      ]) await fx.db.exec(ddl);
    });
    after(async () => {
      await fx.engine?.close();
      await fx.db?.drop();
    });
    schemaConformance(kind, fx);
    readConformance(fx);
    writeConformance(kind, fx);
  });
}
