import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Sink } from '../types.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { redisSpec } from './spec.ts';
import { useRedisServer } from './redis-test-fixture.ts';

describe('redis structures against a real server', { timeout: 60_000 }, () => {
  const redis = useRedisServer('structures');
  const admin = () => redis.admin;

  beforeEach(() => admin().flushAll());

  /** An opened sink with these target options, and a change log whose rule carries them. */
  async function setup(options: Record<string, unknown>): Promise<{ sink: Sink; log: ChangeLog }> {
    const sink = await redis.createSink(options);
    await sink.open();
    return { sink, log: new ChangeLog(testRule(redisSpec.options.parse(options))) };
  }

  const json = (row: object) => JSON.stringify(row);

  it('string: one key per row holding the encoded row', async () => {
    const { sink, log } = await setup({ structure: 'string', keyTemplate: 'u:{{id}}' });
    await sink.write([log.insert(userRow(1)), log.insert(userRow(2)), log.update(userRow(1), { name: 'n' }), log.delete(userRow(2))]);
    assert.deepStrictEqual(await admin().keys('*'), ['u:1']);
    assert.equal(await admin().get('u:1'), json({ ...userRow(1), name: 'n' }));
  });

  it('hash field mode: one hash, a field per row', async () => {
    const { sink, log } = await setup({ key: 'users', hashFieldPrefix: 'id:' });
    const batch = [log.insert(userRow(1)), log.insert(userRow(2)), log.update(userRow(2), { id: 3 }), log.insert(userRow(4)), log.delete(userRow(4))];
    await sink.write(batch);
    await sink.write(batch);
    assert.deepStrictEqual({ ...(await admin().hGetAll('users')) }, { 'id:1': json(userRow(1)), 'id:3': json({ ...userRow(2), id: 3 }) });
  });

  it('list: replays do not duplicate elements, updates replace them', async () => {
    const { sink, log } = await setup({ structure: 'list', key: 'events' });
    const batch = [log.insert(userRow(1)), log.insert(userRow(2)), log.insert(userRow(3)), log.update(userRow(1), { note: 'x' }), log.delete(userRow(2))];
    await sink.write(batch);
    await sink.write(batch);
    assert.deepStrictEqual(await admin().lRange('events', 0, -1), [json(userRow(3)), json({ ...userRow(1), note: 'x' })]);
  });

  it('set: members follow updates and deletes', async () => {
    const { sink, log } = await setup({ structure: 'set', keyTemplate: 'active:{{active}}' });
    await sink.write([log.insert(userRow(1)), log.insert(userRow(2, 1)), log.update(userRow(1), { active: 1 }), log.delete(userRow(2))]);
    assert.deepStrictEqual(await admin().keys('*'), ['active:1']);
    assert.deepStrictEqual(await admin().sMembers('active:1'), [json({ ...userRow(1), active: 1 })]);
  });

  it('sortedset: scores from the score column, old members removed', async () => {
    const { sink, log } = await setup({ structure: 'sortedset', key: 'rank', scoreColumn: 'score' });
    await sink.write([log.insert(userRow(1)), log.insert(userRow(2)), log.insert(userRow(3)), log.update(userRow(1), { score: 10 }), log.delete(userRow(2))]);
    const ranked = await admin().sendCommand(['ZRANGE', 'rank', '0', '-1', 'WITHSCORES']);
    assert.deepStrictEqual(ranked, [json(userRow(3)), '3', json({ ...userRow(1), score: 10 }), '10']);
  });

  it('hash rows: an update to NULL removes the field', async () => {
    const { sink, log } = await setup({ keyPrefix: 'user:' });
    await sink.write([log.insert(userRow(1, 1))]);
    assert.equal(await admin().hGet('user:1', 'note'), 'note 1');
    await sink.write([log.update(userRow(1), { note: null, name: 'z' })]);
    assert.deepStrictEqual({ ...(await admin().hGetAll('user:1')) }, {
      id: '1', name: 'z', score: '1.25', balance: '1.01', active: '1', tags: '{"version":1,"labels":["a","b1"]}',
    });
  });
});
