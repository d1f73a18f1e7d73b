import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SluiceError } from '../../core/errors.ts';
import { isDataError } from '../sql/data-errors.ts';
import type { SqlRow } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';
import { COPY_MIN_ROWS, openPostgresEngine } from './sql-engine.ts';

const rows = (from: number, v = 'v'): SqlRow[] => Array.from({ length: COPY_MIN_ROWS }, (_, i) => [from + i, v]);

/** COPY writes as a role that is not a superuser: row-level security, no right to temporary tables. */
describe('postgres COPY writes as a plain role', () => {
  let db: TestDatabase;
  const role = `sluice_role_${randomBytes(5).toString('hex')}`;
  before(async () => {
    db = await createTestDatabase('postgres');
    await db.exec(`CREATE ROLE ${role} LOGIN;
      CREATE TABLE secured (id int PRIMARY KEY, v text);
      ALTER TABLE secured ENABLE ROW LEVEL SECURITY;
      CREATE POLICY open_rows ON secured USING (true) WITH CHECK (v <> 'blocked');
      CREATE TABLE plain (id int PRIMARY KEY, v text);
      GRANT SELECT, INSERT, UPDATE, DELETE ON secured, plain TO ${role}`);
  });
  after(async () => {
    await db?.exec(`DROP OWNED BY ${role}; DROP ROLE ${role}`).catch(() => undefined);
    await db?.drop();
  });

  test('a table with row-level security is written with INSERT, under its policies', async () => {
    const engine = await openPostgresEngine({ ...db.config, user: role });
    try {
      await engine.transaction((w) => w.write({ name: 'secured' }, ['id', 'v'], ['id'], rows(0), 'insert'));
      await engine.transaction((w) => w.write({ name: 'secured' }, ['id', 'v'], ['id'], rows(0, 'again'), 'upsert'));
      await assert.rejects(engine.transaction((w) => w.write({ name: 'secured' }, ['id', 'v'], ['id'], rows(100, 'blocked'), 'insert')),
        (err: SluiceError) => err.details.code === '42501' && !isDataError(err));
      const got = await engine.readRange({ name: 'secured' }, ['id', 'v'], ['id'], {});
      assert.equal(got.length, COPY_MIN_ROWS);
      assert.ok(got.every((r) => r[1] === 'again'));
    } finally {
      await engine.close();
    }
  });

  test('without the right to create temporary tables, writes that need a staging table go as INSERTs', async () => {
    await db.exec(`REVOKE TEMPORARY ON DATABASE "${db.config.database}" FROM PUBLIC`);
    const engine = await openPostgresEngine({ ...db.config, user: role });
    try {
      await engine.transaction(async (w) => {
        await w.write({ name: 'plain' }, ['id', 'v'], ['id'], rows(0), 'insert');
        await w.write({ name: 'plain' }, ['id', 'v'], ['id'], rows(0, 'upserted'), 'upsert');
        await w.write({ name: 'plain' }, ['id', 'v'], ['id'], rows(25, 'replaced'), 'replace');
      });
      const got = await engine.readRange({ name: 'plain' }, ['v'], ['id'], {});
      assert.deepEqual(got.map((r) => r[0]), [...Array(25).fill('upserted'), ...Array(COPY_MIN_ROWS).fill('replaced')]);
    } finally {
      await engine.close();
    }
  });
});
