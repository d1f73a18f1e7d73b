import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../../core/errors.ts';
import { isDataError } from './data-errors.ts';
import type { ConformanceFixture } from './engine-conformance.ts';
import type { EngineKind, SqlEngine, SqlRow, TableRef } from './sql-engine.ts';

/** Runs `write` expecting the database to reject the rows; returns the error. */
async function rejected(write: () => Promise<unknown>): Promise<SluiceError> {
  try {
    await write();
  } catch (err) {
    assert.ok(err instanceof SluiceError, `expected a SluiceError, got ${String(err)}`);
    assert.ok(isDataError(err), `expected a data error, got ${err.message}`);
    return err;
  }
  assert.fail('the write was accepted');
}

export function writeConformance(kind: EngineKind, fx: ConformanceFixture): void {
  const modes = { name: 'modes' };
  const short = { name: 'short' };
  const cols = ['id', 'name', 'qty'];
  const all = (table: TableRef, columns = cols, key = ['id']) => fx.engine.readRange(table, columns, key, {});

  test('insert, then a duplicate key is a data error that leaves the transaction usable', async () => {
    await fx.engine.transaction(async (w) => {
      await w.write(modes, cols, ['id'], [[1, 'a', 1], [2, 'b', 2]], 'insert');
      const err = await rejected(() => w.write(modes, cols, ['id'], [[2, 'dup', 9]], 'insert'));
      assert.equal(err.code, 'SLUICE_7002');
      assert.match(err.message, /modes/);
      await w.write(modes, cols, ['id'], [[3, 'c', 3]], 'insert');
    });
    assert.deepEqual(await all(modes), [[1, 'a', 1], [2, 'b', 2], [3, 'c', 3]]);
  });

  test('upsert updates existing keys and inserts new ones; running it again changes nothing', async () => {
    const rows = [[2, 'B', 20], [4, 'd', 4]];
    await fx.engine.transaction((w) => w.write(modes, cols, ['id'], rows, 'upsert'));
    const once = await all(modes);
    assert.deepEqual(once, [[1, 'a', 1], [2, 'B', 20], [3, 'c', 3], [4, 'd', 4]]);
    await fx.engine.transaction((w) => w.write(modes, cols, ['id'], rows, 'upsert'));
    assert.deepEqual(await all(modes), once);
  });

  test('upsert: the last row of a key within one call wins', async () => {
    await fx.engine.transaction((w) => w.write(modes, cols, ['id'], [[4, 'first', 1], [4, 'last', 2]], 'upsert'));
    assert.deepEqual((await all(modes)).at(-1), [4, 'last', 2]);
  });

  test('replace swaps whole rows; insert-ignore keeps existing rows and adds new ones', async () => {
    await fx.engine.transaction((w) => w.write(modes, ['id', 'name'], ['id'], [[1, 'A']], 'replace'));
    assert.deepEqual((await all(modes))[0], [1, 'A', null]);
    await fx.engine.transaction((w) => w.write(modes, cols, ['id'], [[1, 'zzz', 0], [5, 'e', 5]], 'insert-ignore'));
    const rows = await all(modes);
    assert.deepEqual(rows[0], [1, 'A', null]);
    assert.deepEqual(rows.at(-1), [5, 'e', 5]);
  });

  test('insert-ignore still rejects bad data (a NULL in a NOT NULL column)', async () => {
    await rejected(() => fx.engine.transaction((w) => w.write(modes, cols, ['id'], [[6, null, 6]], 'insert-ignore')));
    assert.equal((await all(modes)).length, 5);
  });

  test('composite keys: upsert and deleteKeys', async () => {
    const t = { name: 'pair_modes' };
    const c = ['grp', 'code', 'val'];
    const key = ['grp', 'code'];
    await fx.engine.transaction((w) => w.write(t, c, key, [[1, 'a', 'x'], [1, 'b', 'x'], [2, 'a', 'x']], 'upsert'));
    await fx.engine.transaction((w) => w.write(t, c, key, [[1, 'b', 'y'], [2, 'b', 'y']], 'upsert'));
    assert.deepEqual(await all(t, c, key), [[1, 'a', 'x'], [1, 'b', 'y'], [2, 'a', 'x'], [2, 'b', 'y']]);
    const n = await fx.engine.transaction((w) => w.deleteKeys(t, key, [[1, 'b'], [2, 'a'], [9, 'z']]));
    assert.equal(n, 2);
    assert.deepEqual(await all(t, c, key), [[1, 'a', 'x'], [2, 'b', 'y']]);
  });

  test('a failing row in a multi-row write: nothing of the call is applied, the transaction goes on', async () => {
    await fx.engine.transaction(async (w) => {
      await rejected(() => w.write(short, ['id', 's', 'n'], ['id'], [[1, 'ok', 1], [2, 'x', null]], 'insert'));
      if (kind !== 'sqlite') { // SQLite does not enforce VARCHAR lengths
        const err = await rejected(() => w.write(short, ['id', 's', 'n'], ['id'], [[1, 'ok', 1], [2, 'too long', 2]], 'upsert'));
        assert.ok(err.cause instanceof Error);
        assert.ok(Object.keys(err.details).some((k) => ['errno', 'code', 'errcode'].includes(k)), JSON.stringify(err.details));
      }
      await w.write(short, ['id', 's', 'n'], ['id'], [[3, 'fine', 3]], 'insert');
    });
    assert.deepEqual(await all(short, ['id', 's', 'n']), [[3, 'fine', 3]]);
  });

  test('a write split into several statements is still all or nothing', async () => {
    const rows: SqlRow[] = Array.from({ length: 40_000 }, (_, i) => [100 + i, 'v', i]);
    rows.push([1_000_000, 'bad', null]);
    await fx.engine.transaction(async (w) => {
      await rejected(() => w.write(short, ['id', 's', 'n'], ['id'], rows, 'insert'));
      await w.write(short, ['id', 's', 'n'], ['id'], rows.slice(0, 40_000), 'insert');
    });
    const count = await fx.engine.readRange(short, ['id'], ['id'], { after: [99] });
    assert.equal(count.length, 40_000);
  });

  test('a transaction that throws is rolled back', async () => {
    await assert.rejects(fx.engine.transaction(async (w) => {
      await w.write(modes, cols, ['id'], [[50, 'gone', 0]], 'insert');
      throw new Error('abort');
    }), /abort/);
    assert.deepEqual(await fx.engine.readRange(modes, ['id'], ['id'], { after: [49] }), []);
  });

  test('deleteKeys returns the number deleted; truncate empties the table', async () => {
    const n = await fx.engine.transaction((w) => w.deleteKeys(modes, ['id'], [[1], [2], [42]]));
    assert.equal(n, 2);
    assert.deepEqual((await all(modes)).map((r) => r[0]), [3, 4, 5]);
    await fx.engine.truncate(modes);
    assert.deepEqual(await all(modes), []);
  });

  test('more concurrent transactions than pool connections, each looking up a table it has not seen, all finish', async () => {
    // A second engine with a pool of 2 on the same database: its metadata caches are cold.
    const small = fx.engine.kind === 'sqlite' ? undefined : await reopenWithPool(fx, 2);
    const engine = small ?? fx.engine;
    try {
      await fx.db.exec('CREATE TABLE cold (id INT NOT NULL PRIMARY KEY, v INT)');
      const rows = Array.from({ length: 8 }, (_, w) => Array.from({ length: 50 }, (_, i): SqlRow => [w * 1000 + i, i]));
      const done = Promise.all(rows.map((chunk) => engine.transaction((writer) => writer.write({ name: 'cold' }, ['id', 'v'], ['id'], chunk, 'upsert'))));
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('transactions still waiting after 20 s: the pool is exhausted')), 20_000).unref());
      await Promise.race([done, timeout]);
      assert.equal((await engine.readRange({ name: 'cold' }, ['id'], ['id'], {})).length, 400);
    } finally {
      await small?.close();
    }
  });
}

/** The fixture's engine kind opened again on the same database with another pool size. */
async function reopenWithPool(fx: ConformanceFixture, pool: number): Promise<SqlEngine> {
  const { openEngine } = await import('./open-engine.ts');
  return openEngine({ ...fx.db.config, pool });
}

