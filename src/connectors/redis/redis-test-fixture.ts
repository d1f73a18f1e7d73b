import { after, before } from 'node:test';
import { createClient } from 'redis';
import type { Row } from '../../core/event.ts';
import { silentLogger } from '../../core/logger.ts';
import { startRedis, type RedisServer } from '../../../test/services/redis.ts';
import type { Sink } from '../types.ts';
import { redisSpec } from './spec.ts';

/** Test helper: a private redis-server for the enclosing suite, an admin client, and sinks closed at the end. */
export function useRedisServer(sinkName: string) {
  let server: RedisServer | undefined;
  let admin: ReturnType<typeof createClient> | undefined;
  const sinks: Sink[] = [];

  before(async () => {
    server = await startRedis();
    admin = createClient({ url: server.url, RESP: 2 });
    await admin.connect();
  });

  after(async () => {
    try {
      await Promise.all(sinks.map((s) => s.close()));
      admin?.destroy();
    } finally {
      await server?.stop();
    }
  });

  return {
    get url(): string {
      if (!server) throw new Error('redis-server not started');
      return server.url;
    },
    get admin(): ReturnType<typeof createClient> {
      if (!admin) throw new Error('redis-server not started');
      return admin;
    },
    /** A sink (not opened) for these target options, pointed at this server unless they name a url; closed in `after`. */
    async createSink(options: Record<string, unknown>): Promise<Sink> {
      const sink = await redisSpec.createSink(redisSpec.options.parse({ url: this.url, ...options }), { name: sinkName, logger: silentLogger });
      sinks.push(sink);
      return sink;
    },
  };
}

/** A flat HGETALL reply as a plain object. */
export function hashFields(reply: unknown): Row {
  const flat = reply as string[];
  const row: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) row[flat[i]!] = flat[i + 1]!;
  return row;
}

/** How a `user:<id>` hash holds a conformance row: non-null columns as strings, JSON as JSON. */
export function expectedUserHash(row: Row): { key: string; value: Row } {
  const value: Record<string, string> = {};
  for (const [column, v] of Object.entries(row)) {
    if (v !== null) value[column] = typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return { key: `user:${String(row.id)}`, value };
}
