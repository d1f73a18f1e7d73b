import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDataError } from '../sql/data-errors.ts';
import { engineConformance } from '../sql/engine-conformance.ts';
import type { SqlEngine } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';
import { openSqliteEngine } from './sql-engine.ts';

engineConformance('sqlite', openSqliteEngine);

describe('sqlite engine specifics', () => {
  let db: TestDatabase;
  let engine: SqlEngine;
  before(async () => {
    db = await createTestDatabase('sqlite');
    engine = await openSqliteEngine(db.config);
    await db.exec(`CREATE TABLE nums (id INTEGER PRIMARY KEY, big INTEGER, price DECIMAL(10,2), doc JSON, at TIMESTAMP, local_at DATETIME);
      CREATE TABLE uniq (a INT NOT NULL, b TEXT NOT NULL, c INT, UNIQUE (a, b))`);
  });
  after(async () => {
    await engine?.close();
    await db?.drop();
  });

  test('64-bit integers stay exact; values SQLite turned into numbers read as DECIMAL/JSON text; date-times normalized', async () => {
    await db.exec(`INSERT INTO nums VALUES (1, 9223372036854775807, 120.5, '12', '2024-02-29T12:00:00.000Z', '2024-02-29T12:00:00.500')`);
    const [row] = await engine.readRange({ name: 'nums' }, ['id', 'big', 'price', 'doc', 'at', 'local_at'], ['id'], {});
    assert.deepEqual(row, [1, '9223372036854775807', '120.5', '12', '2024-02-29 12:00:00Z', '2024-02-29 12:00:00.5']);
    assert.deepEqual((await engine.describe({ name: 'uniq' }))?.primaryKey, ['a', 'b']);
  });

  test('a BIGINT UNSIGNED key refuses values past 2^63-1 instead of rounding them; non-key columns keep them as text', async () => {
    const table = { name: 'ubig' };
    await engine.createTable(table, [
      { name: 'id', type: 'bigint(20) unsigned', family: 'integer', nullable: false, length: 20, unsigned: true },
      { name: 'v', type: 'bigint(20) unsigned', family: 'integer', nullable: true, length: 20, unsigned: true },
    ], ['id']);
    await engine.transaction((w) => w.write(table, ['id', 'v'], ['id'], [['9223372036854775807', '18446744073709551615']], 'insert'));
    assert.deepEqual(await engine.readRange(table, ['id', 'v'], ['id'], {}), [['9223372036854775807', '18446744073709551615']]);
    await assert.rejects(engine.transaction((w) => w.write(table, ['id'], ['id'], [['18446744073709551615']], 'insert')), (err) => isDataError(err));
  });

  test('transactions run one at a time; readers see only committed rows', async () => {
    const table = { name: 'nums' };
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const order: string[] = [];
    const first = engine.transaction(async (w) => {
      order.push('first begins');
      await w.write(table, ['id'], ['id'], [[10]], 'insert');
      assert.deepEqual(await engine.readRange(table, ['id'], ['id'], { after: [9] }), []);
      await gate;
      order.push('first ends');
    });
    const second = engine.transaction(async (w) => {
      order.push('second begins');
      await w.write(table, ['id'], ['id'], [[11]], 'insert');
    });
    await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ['first begins', 'first ends', 'second begins']);
    assert.deepEqual(await engine.readRange(table, ['id'], ['id'], { after: [9] }), [[10], [11]]);
  });
});
