import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDataError } from '../sql/data-errors.ts';
import { engineConformance } from '../sql/engine-conformance.ts';
import type { SqlEngine } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';
import { openPostgresEngine } from './sql-engine.ts';

engineConformance('postgres', openPostgresEngine);

describe('postgres engine specifics', () => {
  let db: TestDatabase;
  let engine: SqlEngine;
  before(async () => {
    db = await createTestDatabase('postgres');
    engine = await openPostgresEngine(db.config);
    await db.exec(`CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id bigint PRIMARY KEY, at timestamptz, local_at timestamp, code char(3), tags text[], u uuid, amount numeric);
      CREATE TABLE shop.uniq (a int NOT NULL, b int NOT NULL, c int, UNIQUE (a, b));
      CREATE TABLE public.other (id int PRIMARY KEY)`);
  });
  after(async () => {
    await engine?.close();
    await db?.drop();
  });

  test('an unreachable server is a backoff error naming the database, never the password', async () => {
    await assert.rejects(openPostgresEngine({ ...db.config, port: 1, password: 'secret-pw' }), (err: Error & { code?: string; kind?: string }) =>
      err.code === 'SLUICE_7001' && err.kind === 'backoff' && err.message.includes(':1/') && !err.message.includes('secret-pw'));
  });

  test('a schema other than public: describe, listTables, reads and writes', async () => {
    assert.deepEqual((await engine.listTables('shop')).map((t) => t.name), ['orders', 'uniq']);
    assert.deepEqual((await engine.listTables()).map((t) => t.name), ['other']);
    const info = await engine.describe({ schema: 'shop', name: 'orders' });
    assert.deepEqual(info?.columns.map((c) => [c.name, c.family, c.length]), [
      ['id', 'integer', 19], ['at', 'timestamp', 6], ['local_at', 'datetime', 6], ['code', 'string', 3],
      ['tags', 'other', undefined], ['u', 'string', 36], ['amount', 'decimal', undefined],
    ]);
    assert.deepEqual((await engine.describe({ schema: 'shop', name: 'uniq' }))?.primaryKey, ['a', 'b']);
    assert.equal(await engine.describe({ name: 'orders' }), undefined);
  });

  test('int8 past 2^53, timestamptz in UTC, arrays and uuids as text, an offset written as UTC', async () => {
    const t = { schema: 'shop', name: 'orders' };
    const cols = ['id', 'at', 'local_at', 'code', 'tags', 'u', 'amount'];
    await engine.transaction((w) => w.write(t, cols, ['id'], [
      ['9223372036854775807', '2024-02-29 23:30:00+05:30', '2024-02-29 12:00:00Z', 'ab', '{x,y}', '00000000-0000-0000-0000-000000000001', '0.1000'],
    ], 'insert'));
    const [row] = await engine.readRange(t, cols, ['id'], {});
    assert.deepEqual(row, ['9223372036854775807', '2024-02-29 18:00:00Z', '2024-02-29 12:00:00', 'ab ', '{x,y}', '00000000-0000-0000-0000-000000000001', '0.1000']);
  });

  test('a value too long for its column is a data error naming the table', async () => {
    await assert.rejects(engine.transaction((w) => w.write({ schema: 'shop', name: 'orders' }, ['id', 'code'], ['id'], [[1, 'toolong']], 'upsert')),
      (err: Error) => isDataError(err) && /shop\.orders/.test(err.message));
  });
});
