import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openSqlite } from './sqlite-driver.ts';

test('a statement outside a transaction waits for it and does not roll back with it', async () => {
  const db = openSqlite(':memory:');
  try {
    await db.run('CREATE TABLE t (v INTEGER)');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const failing = db.transaction(async (tx) => {
      await tx.run('INSERT INTO t VALUES (1)');
      await held;
      throw new Error('rolled back');
    });
    const outside = db.run('INSERT INTO t VALUES (2)');
    release();
    await assert.rejects(failing, /rolled back/);
    await outside;
    assert.deepEqual((await db.all('SELECT v FROM t')).map((r) => ({ ...r })), [{ v: 2 }]);
  } finally {
    await db.close();
  }
});

test('statements are prepared once and reused; nested transactions run inside the open one', async () => {
  const db = openSqlite(':memory:');
  try {
    await db.run('CREATE TABLE t (v INTEGER)');
    for (let i = 0; i < 1000; i++) await db.run('INSERT INTO t VALUES (?)', [i]);
    await db.transaction((tx) => tx.transaction((inner) => inner.run('INSERT INTO t VALUES (?)', [-1])));
    assert.deepEqual((await db.all('SELECT COUNT(*) AS n, MIN(v) AS lo FROM t')).map((r) => ({ ...r })), [{ n: 1001, lo: -1 }]);
  } finally {
    await db.close();
  }
});
