/**
 * `npm run demo`: a real pipeline on this machine. Boots a private MariaDB (binlog on) and Redis,
 * runs `sluice stream` as a separate process, makes changes, prints what landed in Redis, stops all.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { stringify } from 'yaml';
import { startRedis } from '../test/services/redis.ts';
import { startMariaDb } from '../test/services/mariadb.ts';
import { startAll } from '../test/services/start-all.ts';

const say = (text: string) => process.stdout.write(`\n\x1b[1m▶ ${text}\x1b[0m\n`);
const bin = join(import.meta.dirname, '../bin/sluice.js');

say('starting a private MariaDB (binlog ROW, FULL metadata) and Redis');
const [db, redisServer] = await startAll(() => startMariaDb(), () => startRedis());
const redis = createClient({ url: redisServer.url });
let sluice: ReturnType<typeof spawn> | undefined;
try {
  await redis.connect();
  const conn = await db.connect();
  await conn.query(`CREATE DATABASE demo; CREATE TABLE demo.users (
    id INT PRIMARY KEY, name VARCHAR(50), email VARCHAR(100), balance DECIMAL(12,2), updated_at DATETIME(3))`);
  const [[status]] = await conn.query('SHOW MASTER STATUS') as unknown as [[{ File: string; Position: number }]];

  const dir = await mkdtemp(join(tmpdir(), 'sluice-demo-'));
  const config = {
    name: 'demo',
    dataDir: join(dir, 'data'),
    source: { type: 'mariadb', host: '127.0.0.1', port: db.port, user: 'root', password: '', serverId: 1001,
      start: `${status.File}:${status.Position}`, include: ['demo.*'] },
    targets: [{
      type: 'redis', name: 'cache', redis: { url: redisServer.url, structure: 'hash', keyPrefix: 'demo:' },
      rules: [{ match: 'demo.users', redis: { keyTemplate: 'user:{{id}}' } }],
    }],
  };
  const file = join(dir, 'sluice.yaml');
  await writeFile(file, stringify(config));
  say(`config ${file}`);
  process.stdout.write(stringify(config));

  say('sluice stream -c sluice.yaml');
  sluice = spawn(process.execPath, [bin, 'stream', '-c', file], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => sluice!.once('exit', (code) => resolve(code)));

  say('INSERT 3 rows, UPDATE one, DELETE one');
  await conn.query(`INSERT INTO demo.users VALUES
      (1, 'Ann', 'ann@example.com', 120.50, NOW(3)), (2, 'Bob', 'bob@example.com', 99.99, NOW(3)), (3, 'Cho', NULL, 0, NOW(3));
    UPDATE demo.users SET balance = balance + 1000.25, email = 'ann@sluice.dev' WHERE id = 1;
    DELETE FROM demo.users WHERE id = 2;`);
  await conn.end();

  const deadline = Date.now() + 30_000;
  while ((await redis.hGet('demo:user:1', 'balance')) !== '1120.75' || (await redis.exists('demo:user:2')) === 1) {
    if (Date.now() > deadline) throw new Error('changes did not reach Redis within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  say('what landed in Redis');
  for (const key of (await redis.keys('demo:*')).sort()) {
    process.stdout.write(`${key} → ${JSON.stringify(await redis.hGetAll(key))}\n`);
  }
  process.stdout.write('(demo:user:2 was deleted in MariaDB, so it is gone from Redis)\n');

  say('SIGTERM: sluice finishes in-flight batches, saves its checkpoint and exits');
  sluice.kill('SIGTERM');
  const code = await exited;
  sluice = undefined;
  if (code !== 0) throw new Error(`sluice exited with ${code}`);
  say('done: sluice exited 0');
} finally {
  sluice?.kill('SIGKILL');
  await redis.quit().catch(() => undefined);
  await Promise.all([db.stop(), redisServer.stop()]);
}
