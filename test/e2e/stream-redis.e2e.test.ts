import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from 'redis';
import { startRedis, type RedisServer } from '../services/redis.ts';
import { startMariaDb, type MariaDbServer } from '../services/mariadb.ts';
import { startAll } from '../services/start-all.ts';
import { eventually, sourceFor, startPipeline, type RunningPipeline } from './pipeline-harness.ts';

/** binlog → Redis end to end: every structure and op, a go-mysql-transfer style rule set, and a poison row. */
let db: MariaDbServer;
let redisServer: RedisServer;
let redis: ReturnType<typeof createClient>;
let pipeline: RunningPipeline;

before(async () => {
  [db, redisServer] = await startAll(() => startMariaDb(), () => startRedis());
  redis = createClient({ url: redisServer.url });
  await redis.connect();
  const conn = await db.connect();
  await conn.query(`CREATE DATABASE shop;
    CREATE TABLE shop.users (id INT PRIMARY KEY, user_name VARCHAR(50), email VARCHAR(100), secret VARCHAR(20), created DATETIME);
    CREATE TABLE shop.tags (id INT PRIMARY KEY, tag VARCHAR(20));
    CREATE TABLE shop.scores (id INT PRIMARY KEY, player VARCHAR(20), score INT);
    CREATE TABLE shop.events (id INT PRIMARY KEY, kind VARCHAR(20));
    CREATE TABLE shop.settings (name VARCHAR(20) PRIMARY KEY, value VARCHAR(50));
    CREATE TABLE shop.skipped (id INT PRIMARY KEY);`);
  await conn.end();
  pipeline = await startPipeline({
    source: sourceFor(db, { include: ['shop.*'], exclude: ['shop.skipped'], decodeThread: true }),
    pipeline: { batch: { flushInterval: '20ms' }, retry: { attempts: 2, initialDelay: '10ms' } },
    targets: [{
      type: 'redis', name: 'cache', redis: { url: redisServer.url, keyPrefix: 'shop:' },
      rules: [
        // go-mysql-transfer keys are accepted as they are written in its app.yml
        { schema: 'shop', table: 'users', column_underscore_to_camel: true, exclude_columns: 'secret',
          datetime_formatter: 'yyyy/MM/dd HH:mm', redis: { structure: 'hash', keyTemplate: 'user:{{id}}' } },
        { match: 'shop.tags', encoder: 'v-commas', redis: { structure: 'set', key: 'tags' } },
        { match: 'shop.scores', columns: { include: ['player', 'score'] }, redis: { structure: 'sortedset', key: 'leaderboard', scoreColumn: 'score' } },
        { match: 'shop.events', template: '{{kind}}#{{id}}', redis: { structure: 'list', key: 'events' } },
        { match: 'shop.settings', redis: { structure: 'string', keyColumn: 'name' } },
        { match: 'shop.late_*', redis: { keyTemplate: '{{id}}' } },
      ],
    }],
  });
});

after(async () => {
  await pipeline?.stop();
  await redis?.quit();
  await Promise.all([db?.stop(), redisServer?.stop()]);
});

test('every op reaches Redis with the structure its rule names', async () => {
  const conn = await db.connect('shop');
  await conn.query(`
    INSERT INTO users VALUES (1, 'ann', 'ann@x.io', 's1', '2024-05-01 10:20:30'), (2, 'bob', NULL, 's2', NULL);
    UPDATE users SET email = 'ann@y.io', user_name = 'Ann' WHERE id = 1;
    UPDATE users SET email = NULL WHERE id = 1;
    DELETE FROM users WHERE id = 2;
    INSERT INTO tags VALUES (1, 'red'), (2, 'blue'); UPDATE tags SET tag = 'green' WHERE id = 2;
    INSERT INTO scores VALUES (1, 'p1', 10), (2, 'p2', 20); UPDATE scores SET score = 30 WHERE id = 1; DELETE FROM scores WHERE id = 2;
    INSERT INTO events VALUES (1, 'a'), (2, 'b'), (3, 'c'); UPDATE events SET kind = 'z' WHERE id = 2; DELETE FROM events WHERE id = 3;
    INSERT INTO settings VALUES ('theme', 'dark'), ('lang', 'en'); UPDATE settings SET value = 'light' WHERE name = 'theme'; DELETE FROM settings WHERE name = 'lang';
    INSERT INTO skipped VALUES (1);
    INSERT INTO settings VALUES ('done', 'yes');`);
  await conn.end();
  await eventually('the last change', async () => (await redis.get('shop:done')) === '{"name":"done","value":"yes"}');

  assert.deepEqual(await redis.hGetAll('shop:user:1'), { id: '1', userName: 'Ann', created: '2024/05/01 10:20' });
  assert.equal(await redis.exists('shop:user:2'), 0);
  assert.deepEqual((await redis.sMembers('shop:tags')).sort(), ['1,red', '2,green']);
  assert.deepEqual(await redis.zRangeWithScores('shop:leaderboard', 0, -1), [{ value: '{"player":"p1","score":30}', score: 30 }]);
  assert.deepEqual(await redis.lRange('shop:events', 0, -1), ['a#1', 'z#2']);
  assert.equal(await redis.get('shop:theme'), '{"name":"theme","value":"light"}');
  assert.equal(await redis.exists('shop:lang'), 0);
  assert.deepEqual(await redis.keys('*skipped*'), []);
});

test('a poison row is dead-lettered with its reason while the rest of its batch flows', async () => {
  await redis.set('shop:user:66', 'not a hash'); // HSET on this key fails with WRONGTYPE
  const conn = await db.connect('shop');
  await conn.query(`INSERT INTO users (id, user_name) VALUES (65, 'before'), (66, 'poison'), (67, 'after'); INSERT INTO settings VALUES ('done2', 'yes');`);
  await conn.end();
  await eventually('rows after the poison', async () => (await redis.get('shop:done2')) !== null);
  assert.equal(await redis.hGet('shop:user:65', 'userName'), 'before');
  assert.equal(await redis.hGet('shop:user:67', 'userName'), 'after');
  const letters = await pipeline.store.listDeadLetters(pipeline.config.name);
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.errorCode, 'SLUICE_3002');
  assert.match(letters[0]!.errorMessage, /WRONGTYPE/);
  assert.equal(letters[0]!.eventCount, 1);
  assert.deepEqual((letters[0]!.events[0] as { key: unknown[] }).key, [66]);
  const metrics = await pipeline.metrics.registry.getSingleMetricAsString('sluice_dead_lettered_total');
  assert.match(metrics, /sluice_dead_lettered_total\{target="cache"\} 1/);
});

test('a table created after the stream started is captured when it matches', async () => {
  const conn = await db.connect('shop');
  await conn.query(`CREATE TABLE late_1 (id INT PRIMARY KEY, v VARCHAR(10)); INSERT INTO late_1 VALUES (1, 'new');`);
  await conn.end();
  await eventually('the new table\'s row', async () => (await redis.hGet('shop:1', 'v')) === 'new');
});

test('the stream reconnects after the server drops its binlog connection, without loss', async () => {
  const conn = await db.connect('shop');
  const [threads] = await conn.query(`SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'`) as unknown as [{ ID: number }[]];
  assert.equal(threads.length, 1);
  await conn.query(`KILL ${threads[0]!.ID}`);
  await conn.query(`INSERT INTO settings VALUES ('after-kill', 'yes'); INSERT INTO late_1 VALUES (2, 'again');`);
  await conn.end();
  await eventually('rows written after the disconnect', async () =>
    (await redis.get('shop:after-kill')) !== null && (await redis.hGet('shop:2', 'v')) === 'again', 30_000);
});
