import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRedis, type RedisServer } from './redis.ts';
import { startAll } from './start-all.ts';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('startAll stops the services that started when another one fails', async () => {
  let started: RedisServer | undefined;
  const boom = new Error('mariadb-install-db failed');
  await assert.rejects(startAll(
    async () => (started = await startRedis()),
    async (): Promise<RedisServer> => { throw boom; },
  ), boom);
  assert.ok(started, 'the Redis starter ran');
  assert.equal(alive(started.pid), false, 'the Redis server that did start was stopped');
});

test('startAll returns every service in order when all start', async () => {
  const [a, b] = await startAll(() => startRedis(), () => startRedis());
  try {
    assert.notEqual(a.url, b.url);
    assert.ok(alive(a.pid) && alive(b.pid));
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
});
