import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClient } from 'redis';
import { silentLogger } from '../../core/logger.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { startRedisCluster, type RedisCluster } from '../../../test/services/redis-cluster.ts';
import { sinkConformance } from '../../../test/conformance/sink-conformance.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { redisSpec } from './spec.ts';
import { expectedUserHash, hashFields } from './redis-test-fixture.ts';

type Client = ReturnType<typeof createClient>;

/** A cluster plus one plain admin connection per node (each node only answers for its own slots). */
class ClusterFixture {
  cluster: RedisCluster | undefined;
  admins: Client[] = [];

  async start(): Promise<void> {
    this.cluster = await startRedisCluster();
    for (const node of this.cluster.nodes) {
      const admin: Client = createClient({ url: node.url, RESP: 2 });
      await admin.connect();
      this.admins.push(admin);
    }
  }

  async stop(): Promise<void> {
    for (const admin of this.admins) admin.destroy();
    await this.cluster?.stop();
  }

  options(mapping: Record<string, unknown>) {
    return redisSpec.options.parse({ mode: 'cluster', cluster: { nodes: this.cluster?.nodes.map((n) => n.url) }, ...mapping });
  }

  /** Every key of the cluster with the reply of `read(key)` from its node. */
  async collect(read: (key: string) => string[]): Promise<Map<string, unknown>> {
    const state = new Map<string, unknown>();
    for (const admin of this.admins) {
      for await (const keys of admin.scanIterator({ COUNT: 1000 })) {
        for (const key of keys) state.set(key, await admin.sendCommand(read(key)));
      }
    }
    return state;
  }
}

const mapping = { keyPrefix: 'user:' };
const fixture = new ClusterFixture();

sinkConformance('redis cluster (hash rows)', {
  start: () => fixture.start(),
  stop: () => fixture.stop(),
  async reset() {
    await Promise.all(fixture.admins.map((a) => a.flushAll()));
  },
  rule: testRule(redisSpec.options.parse(mapping)),
  createSink: () => redisSpec.createSink(fixture.options(mapping), { name: 'cluster', logger: silentLogger }),
  async readState() {
    const replies = await fixture.collect((key) => ['HGETALL', key]);
    return new Map([...replies].map(([key, reply]) => [key, hashFields(reply)]));
  },
  expected: expectedUserHash,
  async disconnect() {
    await Promise.all(fixture.admins.map((a) => a.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'])));
  },
}, { largeBatch: 5000 });

describe('redis cluster, several commands per key', { timeout: 120_000 }, () => {
  const own = new ClusterFixture();
  before(() => own.start());
  after(() => own.stop());

  it('keeps per-key order for lists spread over the slots', async () => {
    const options = own.options({ structure: 'list', keyTemplate: 'list:{{active}}:{{id}}' });
    const sink = await redisSpec.createSink(options, { name: 'cluster-lists', logger: silentLogger });
    try {
      await sink.open();
      const log = new ChangeLog(testRule(options));
      const batch = Array.from({ length: 300 }, (_, i) => log.insert(userRow(i)));
      for (let i = 0; i < 300; i += 3) batch.push(log.update(userRow(i), { name: 'x' }), log.update(userRow(i), { active: 5 }));
      await sink.write(batch);
      await sink.write(batch);
      const lists = await own.collect((key) => ['LRANGE', key, '0', '-1']);
      const expected = new Map(log.finalImages().map(({ row }) => [`list:${String(row.active)}:${String(row.id)}`, [JSON.stringify(row)]]));
      assert.deepStrictEqual(lists, expected);
      for (const admin of own.admins) assert.ok((await admin.dbSize()) > 0, 'every node holds some of the lists');
    } finally {
      await sink.close();
    }
  });
});
