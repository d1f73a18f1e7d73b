import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { stringify } from 'yaml';
import { startRedis, type RedisServer } from '../services/redis.ts';
import { startMariaDb, type MariaDbServer } from '../services/mariadb.ts';
import { startAll } from '../services/start-all.ts';
import { eventually } from './pipeline-harness.ts';

/**
 * At-least-once under SIGKILL: 100k rows (plus updates and deletes) are written while the
 * `sluice stream` process is killed with SIGKILL at 5 random moments and restarted. At the end
 * Redis must equal the source table exactly: no lost row, no leftover key, no stale value.
 */
const bin = join(import.meta.dirname, '../../bin/sluice.js');
const ROWS = 100_000;
const PER_TXN = 100;
let db: MariaDbServer;
let redisServer: RedisServer;
let redis: ReturnType<typeof createClient>;
let child: ChildProcess | undefined;
const canonical = (h: Record<string, string>) => JSON.stringify(Object.entries(h).sort(([a], [b]) => a.localeCompare(b)));

before(async () => {
  [db, redisServer] = await startAll(() => startMariaDb(), () => startRedis());
  redis = createClient({ url: redisServer.url });
  await redis.connect();
});
after(async () => {
  child?.kill('SIGKILL');
  await redis?.quit();
  await Promise.all([db?.stop(), redisServer?.stop()]);
});

test('SIGKILL at 5 random moments during a 100k-row load loses nothing and leaves nothing behind', { timeout: 240_000 }, async () => {
  const conn = await db.connect();
  await conn.query('CREATE DATABASE crash; CREATE TABLE crash.items (id INT PRIMARY KEY, v INT NOT NULL, s VARCHAR(40))');
  const [[status]] = await conn.query('SHOW MASTER STATUS') as unknown as [[{ File: string; Position: number }]];
  const dir = await mkdtemp(join(tmpdir(), 'sluice-crash-'));
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, stringify({
    name: 'crash', dataDir: join(dir, 'data'), log: { level: 'warn' },
    source: { host: '127.0.0.1', port: db.port, user: 'root', serverId: 3131, start: `${status.File}:${status.Position}`, include: ['crash.items'] },
    pipeline: { checkpointInterval: '100ms', batch: { maxRows: 500 } },
    targets: [{ type: 'redis', redis: { url: redisServer.url, keyTemplate: 'item:{{id}}' } }],
  }));
  const startSluice = () => {
    child = spawn(process.execPath, [bin, 'stream', '-c', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  };
  startSluice();

  let loading = true;
  const kills: number[] = [];
  const killer = (async () => {
    for (let k = 0; k < 5; k++) {
      await new Promise((r) => setTimeout(r, 400 + Math.random() * 1200));
      if (!loading && k > 0) await new Promise((r) => setTimeout(r, 50));
      child!.kill('SIGKILL');
      await new Promise((r) => child!.once('exit', r));
      kills.push(Date.now());
      await new Promise((r) => setTimeout(r, Math.random() * 300));
      startSluice();
    }
  })();

  // The load: inserts in 100-row transactions, with updates and deletes mixed in.
  for (let start = 1; start <= ROWS; start += PER_TXN) {
    const values = Array.from({ length: PER_TXN }, (_, i) => [start + i, 0, `row ${start + i}`]);
    await conn.query('INSERT INTO crash.items (id, v, s) VALUES ?', [values]);
    if (start % 2_000 === 1) {
      await conn.query('UPDATE crash.items SET v = v + 1, s = CONCAT(s, "+") WHERE id BETWEEN ? AND ?', [Math.max(1, start - 1_500), start]);
      await conn.query('DELETE FROM crash.items WHERE id % 97 = 0 AND id <= ?', [start]);
      await conn.query('UPDATE crash.items SET s = NULL WHERE id % 89 = 0 AND id <= ?', [start]);
    }
    if (start % 5_000 === 1) await new Promise((r) => setTimeout(r, 100));
  }
  loading = false;
  await killer;
  assert.equal(kills.length, 5);

  const [rows] = await conn.query('SELECT id, v, s FROM crash.items') as unknown as [{ id: number; v: number; s: string | null }[]];
  await conn.end();
  const hashOf = (r: { id: number; v: number; s: string | null }): Record<string, string> =>
    r.s === null ? { id: String(r.id), v: String(r.v) } : { id: String(r.id), v: String(r.v), s: r.s };
  const expected = new Map(rows.map((r) => [`item:${r.id}`, hashOf(r)]));
  await eventually('Redis to hold exactly the source rows', async () => (await redis.dbSize()) === expected.size &&
    (await redis.hGetAll(`item:${rows.at(-1)!.id}`)).v === String(rows.at(-1)!.v), 120_000);
  await new Promise((r) => setTimeout(r, 500)); // let trailing updates land before the full comparison

  let mismatches = 0;
  const keys: string[] = [];
  for await (const batch of redis.scanIterator({ MATCH: 'item:*', COUNT: 5000 })) keys.push(...batch);
  assert.equal(keys.length, expected.size, 'no lost and no leftover keys');
  for (let i = 0; i < keys.length; i += 1000) {
    const slice = keys.slice(i, i + 1000);
    const hashes = await Promise.all(slice.map((k) => redis.hGetAll(k)));
    slice.forEach((k, j) => {
      if (canonical(hashes[j]!) !== canonical(expected.get(k)!)) mismatches++;
    });
  }
  assert.equal(mismatches, 0, 'every hash equals its source row');
  child!.kill('SIGTERM');
  await new Promise((r) => child!.once('exit', r));
  child = undefined;
});
