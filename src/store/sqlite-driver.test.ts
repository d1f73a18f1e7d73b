import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { scratchDir } from '../../test/services/scratch-databases.ts';
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

test('opening the store waits for a lock another process holds (it does not fail with "database is locked")', async () => {
  const dir = await scratchDir('sluice-sqlite-lock-');
  const file = join(dir.dir, 'meta.db');
  // Another process opens, writes and closes the file for 3 s: each last close checkpoints the WAL under an exclusive lock.
  const churn = `const { DatabaseSync } = require('node:sqlite'); const end = Date.now() + 3000;
    while (Date.now() < end) { const d = new DatabaseSync(${JSON.stringify(file)}, { timeout: 5000 });
      d.exec('PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1)'); d.close(); }`;
  const child = spawn(process.execPath, ['-e', churn], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  try {
    let opened = 0;
    for (const end = Date.now() + 2500; Date.now() < end; ) {
      const db = openSqlite(file);
      await db.close();
      opened++;
    }
    assert.equal(await exited, 0);
    assert.ok(opened > 10, `opened ${opened} times while the other process churned`);
  } finally {
    child.kill();
    await dir.drop();
  }
});
