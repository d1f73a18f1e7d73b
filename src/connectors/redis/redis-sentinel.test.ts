import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { silentLogger } from '../../core/logger.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { startRedis, type RedisServer } from '../../../test/services/redis.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { redisSpec } from './spec.ts';

describe('redis through sentinel', { timeout: 60_000 }, () => {
  let master: RedisServer | undefined;
  let sentinel: RedisServer | undefined;

  before(async () => {
    master = await startRedis({ args: ['--requirepass', 'secret'] });
    sentinel = await startRedis({
      config: `sentinel monitor mymaster 127.0.0.1 ${master.port} 1\nsentinel auth-pass mymaster secret\n`,
      args: ['--sentinel'],
    });
  });

  after(async () => {
    await Promise.all([sentinel?.stop(), master?.stop()]);
  });

  it('finds the master through the sentinel and writes to it', async () => {
    const options = redisSpec.options.parse({
      mode: 'sentinel', sentinel: { name: 'mymaster', sentinels: [`127.0.0.1:${sentinel?.port}`] }, password: 'secret', db: 2, keyPrefix: 'u:',
    });
    const sink = await redisSpec.createSink(options, { name: 'sentinel', logger: silentLogger });
    const admin = createClient({ url: `redis://:secret@127.0.0.1:${master?.port}/2`, RESP: 2 });
    try {
      await sink.open();
      await sink.ping();
      const log = new ChangeLog(testRule(options));
      await sink.write([log.insert(userRow(1)), log.insert(userRow(2)), log.delete(userRow(1))]);
      await admin.connect();
      assert.deepStrictEqual(await admin.keys('*'), ['u:2']);
      assert.equal(await admin.hGet('u:2', 'name'), 'user 2 v0');
    } finally {
      admin.destroy();
      await sink.close();
    }
  });
});
