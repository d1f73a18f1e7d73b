import { createClient } from 'redis';
import { silentLogger } from '../../core/logger.ts';
import { sinkConformance } from '../../../test/conformance/sink-conformance.ts';
import { startRedis, type RedisServer } from '../../../test/services/redis.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { redisSpec } from './spec.ts';
import { expectedUserHash, hashFields } from './redis-test-fixture.ts';

let server: RedisServer | undefined;
let admin: ReturnType<typeof createClient> | undefined;

function requireAdmin() {
  if (admin === undefined) throw new Error('redis-server not started');
  return admin;
}

const options = { keyPrefix: 'user:', structure: 'hash' };

sinkConformance('redis (hash rows)', {
  async start() {
    server = await startRedis();
    admin = createClient({ url: server.url, RESP: 2 });
    await admin.connect();
  },
  async stop() {
    admin?.destroy();
    await server?.stop();
  },
  async reset() {
    await requireAdmin().flushAll();
  },
  rule: testRule(redisSpec.options.parse(options)),
  async createSink() {
    if (server === undefined) throw new Error('redis-server not started');
    return redisSpec.createSink(redisSpec.options.parse({ ...options, url: server.url }), { name: 'conformance', logger: silentLogger });
  },
  async readState() {
    const client = requireAdmin();
    const keys: string[] = [];
    for await (const page of client.scanIterator({ COUNT: 1000 })) keys.push(...page);
    const multi = client.multi();
    for (const key of keys) multi.addCommand(['HGETALL', key]);
    const replies = keys.length === 0 ? [] : await multi.execAsPipeline();
    return new Map(keys.map((key, i) => [key, hashFields(replies[i])]));
  },
  expected: expectedUserHash,
  async disconnect() {
    await requireAdmin().sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes']);
  },
});
