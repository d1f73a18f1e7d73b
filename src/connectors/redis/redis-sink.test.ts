import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackoffError, SluiceError, UnrecoverableError } from '../../core/errors.ts';
import type { Sink } from '../types.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { writeWithRetry } from '../../../test/conformance/sink-conformance.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { freePort } from '../../../test/services/process.ts';
import { redisSpec } from './spec.ts';
import { useRedisServer } from './redis-test-fixture.ts';

describe('redis sink failures', { timeout: 60_000 }, () => {
  const redis = useRedisServer('failures');
  const createSink = (options: Record<string, unknown> = {}): Promise<Sink> => redis.createSink({ keyPrefix: 'user:', ...options });
  const admin = () => redis.admin;

  const log = new ChangeLog(testRule(redisSpec.options.parse({ keyPrefix: 'user:' })));

  it('a WRONGTYPE reply is unrecoverable and names the command, key and row', async () => {
    const sink = await createSink();
    await sink.open();
    await admin().set('user:7', 'not a hash');
    const record = log.insert(userRow(7));
    await assert.rejects(sink.write([log.insert(userRow(8)), record]), (err: unknown) => {
      assert.ok(err instanceof UnrecoverableError);
      assert.equal(err.code, 'SLUICE_3002');
      assert.match(err.message, /HSET user:7: WRONGTYPE .* \(2 commands failed\)/);
      assert.deepStrictEqual({ ...err.details, reply: undefined }, {
        command: 'HSET', key: 'user:7', reply: undefined, event: record.event.id, table: 'conformance.users', rule: 'targets[0].rules[0]', failures: 2,
      });
      return true;
    });
    assert.equal(await admin().hGet('user:8', 'id'), '8');
  });

  it('fails fast with SLUICE_3001 while disconnected and writes again once Redis is back', async () => {
    const sink = await createSink();
    await sink.open();
    await admin().configSet('maxclients', '1');
    try {
      await admin().sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
      const started = Date.now();
      await assert.rejects(sink.write([log.insert(userRow(20))]), (err: unknown) => err instanceof BackoffError && err.code === 'SLUICE_3001');
      assert.ok(Date.now() - started < 1000, 'the write waited for the connection');
    } finally {
      await admin().configSet('maxclients', '10000');
    }
    await writeWithRetry(sink, [log.insert(userRow(20))]);
    assert.equal(await admin().hGet('user:20', 'id'), '20');
  });

  it('a write that outlasts `timeout` fails with SLUICE_3003 and succeeds when retried', async () => {
    const sink = await createSink({ timeout: '200ms' });
    await sink.open();
    await admin().sendCommand(['CLIENT', 'PAUSE', '1000', 'WRITE']);
    await assert.rejects(sink.write([log.insert(userRow(30))]), (err: unknown) => err instanceof SluiceError && err.code === 'SLUICE_3003' && err.kind === 'backoff');
    await writeWithRetry(sink, [log.insert(userRow(30))]);
    assert.equal(await admin().hGet('user:30', 'id'), '30');
  });

  it('open fails with SLUICE_3001 when nothing listens; ping answers when Redis is up', async () => {
    const unreachable = await createSink({ url: `redis://127.0.0.1:${await freePort()}` });
    await assert.rejects(unreachable.open(), (err: unknown) => err instanceof BackoffError && err.code === 'SLUICE_3001');
    const sink = await createSink();
    await sink.open();
    await sink.ping();
  });
});
