import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDataError } from '../sql/data-errors.ts';
import { engineConformance } from '../sql/engine-conformance.ts';
import type { SqlEngine } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';
import { openMysqlEngine } from './sql-engine.ts';

engineConformance('mysql', openMysqlEngine);

describe('mysql engine specifics', () => {
  let db: TestDatabase;
  let engine: SqlEngine;
  before(async () => {
    db = await createTestDatabase('mysql');
    engine = await openMysqlEngine(db.config);
    await db.exec(`CREATE TABLE big (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, v VARCHAR(5));
      CREATE TABLE dec_key (id DECIMAL(25,5) NOT NULL PRIMARY KEY);
      CREATE TABLE times (id INT NOT NULL PRIMARY KEY, dt DATETIME(3), ts TIMESTAMP(3) NULL, d DATE, b BIT(64), y YEAR, e ENUM('a','b'))`);
  });
  after(async () => {
    await engine?.close();
    await db?.drop();
  });

  test('an unreachable server is a backoff error naming the database, never the password', async () => {
    await assert.rejects(openMysqlEngine({ ...db.config, port: 1, password: 'secret-pw' }), (err: Error & { code?: string; kind?: string }) =>
      err.code === 'SLUICE_7001' && err.kind === 'backoff' && err.message.includes(':1/') && !err.message.includes('secret-pw'));
  });

  test('BIGINT UNSIGNED keys past 2^53 compare exactly (not as DOUBLE)', async () => {
    const keys = ['9007199254740992', '9007199254740993', '9007199254740994', '18446744073709551614', '18446744073709551615'];
    await engine.transaction((w) => w.write({ name: 'big' }, ['id', 'v'], ['id'], [[1, 'a'], ...keys.map((k) => [k, 'b'])], 'insert'));
    assert.deepEqual(await engine.boundary({ name: 'big' }, ['id'], ['9007199254740992'], 1), ['9007199254740993']);
    const range = await engine.readRange({ name: 'big' }, ['id'], ['id'], { after: ['9007199254740993'], upTo: ['18446744073709551614'] });
    assert.deepEqual(range, [['9007199254740994'], ['18446744073709551614']]);
    const n = await engine.transaction((w) => w.deleteKeys({ name: 'big' }, ['id'], [['9007199254740993'], ['18446744073709551615']]));
    assert.equal(n, 2);
  });

  test('DECIMAL keys compare exactly', async () => {
    await engine.transaction((w) => w.write({ name: 'dec_key' }, ['id'], ['id'], [['12345678901234567890.00001'], ['12345678901234567890.00002']], 'insert'));
    assert.deepEqual(await engine.readRange({ name: 'dec_key' }, ['id'], ['id'], { after: ['12345678901234567890.00001'] }), [['12345678901234567890.00002']]);
  });

  test('strict mode: too long is an error even with insert-ignore; a UTC value goes into DATETIME and TIMESTAMP as UTC', async () => {
    await assert.rejects(engine.transaction((w) => w.write({ name: 'big' }, ['id', 'v'], ['id'], [[2, 'toolong']], 'insert-ignore')), (err) => isDataError(err));
    await engine.transaction((w) => w.write({ name: 'times' }, ['id', 'dt', 'ts', 'd', 'b', 'y', 'e'], ['id'],
      [[1, '2024-02-29T12:00:00.5Z', '2024-02-29 12:00:00.5+02:00', '0000-00-00', '18446744073709551615', 2155, 'b']], 'insert'));
    const [row] = await engine.readRange({ name: 'times' }, ['dt', 'ts', 'd', 'b', 'y', 'e'], ['id'], {});
    assert.deepEqual(row, ['2024-02-29 12:00:00.5', '2024-02-29 10:00:00.5Z', '0000-00-00', '18446744073709551615', 2155, 'b']);
  });
});
