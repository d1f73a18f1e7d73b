import { defineConnector } from '../types.ts';
import { redisMappingSchema, redisOptionsSchema } from './schema.ts';

const description = `Materializes tables into Redis data structures (standalone, Sentinel or Cluster).
The key is \`keyPrefix\` + the fixed \`key\`, the rendered \`keyTemplate\`, the \`keyColumn\` value,
or the primary key values joined with \`:\`. Columns named in key settings refer to the row after
the rule's column transforms. "value" is the row encoded by the rule (its template, else JSON).

| structure | insert | update | delete |
|---|---|---|---|
| \`string\` | \`SET key value\` | \`DEL oldKey\` if the key changed, \`SET key value\` | \`DEL key\` |
| \`hash\` (row mode, no \`key\`) | \`HSET key col val…\` for non-null columns, \`HDEL key col…\` for null ones | \`DEL oldKey\` if the key changed, then as insert | \`DEL key\` |
| \`hash\` (field mode, fixed \`key\`) | \`HSET key field value\` | \`HDEL key oldField\` if the field changed, \`HSET key field value\` | \`HDEL key field\` |
| \`list\` | \`LREM key 0 value\`, \`RPUSH key value\` | \`LREM oldKey 0 oldValue\` if changed, \`LREM key 0 value\`, \`RPUSH key value\` | \`LREM key 0 value\` |
| \`set\` | \`SADD key value\` | \`SREM oldKey oldValue\` if changed, \`SADD key value\` | \`SREM key value\` |
| \`sortedset\` | \`ZADD key score value\` | \`ZREM oldKey oldValue\` if changed, \`ZADD key score value\` | \`ZREM key value\` |

Hash field values are strings: numbers and booleans via their text, JSON columns as JSON. In field
mode the field is \`hashFieldPrefix\` + the \`hashFieldColumn\` value (default: the joined primary key).
Every command sequence is idempotent, so a replayed batch leaves Redis unchanged; a list element
that is replayed moves to the tail. A batch goes out as one pipelined MULTI/EXEC, so readers never
see half a batch (in cluster mode: one transaction per key). Every reply is checked: a WRONGTYPE or
other rejected command dead-letters the batch (SLUICE_3002); a lost connection (SLUICE_3001) or a
write slower than \`timeout\` (SLUICE_3003) is retried with backoff while the client reconnects on
its own. A row whose key column is NULL fails with SLUICE_3006.`;

const example = `targets:
  - type: redis
    name: cache
    redis:
      url: redis://127.0.0.1:6379/0
      structure: hash            # default for every rule
      keyPrefix: "shop:"
    rules:
      - match: shop.users        # HSET shop:user:42 id 42 name Ann ...
        redis:
          keyTemplate: "user:{{id}}"
      - match: shop.orders       # one list per user, one JSON element per order
        redis:
          structure: list
          keyTemplate: "orders:{{user_id}}"
      - match: shop.products     # ZADD shop:products <price> <json>
        redis:
          structure: sortedset
          key: products
          scoreColumn: price
`;

/** The `redis` target: options schema, docs and a lazy sink factory (no client code is loaded here). */
export const redisSpec = defineConnector({
  type: 'redis',
  title: 'Redis',
  description,
  options: redisOptionsSchema,
  mapping: redisMappingSchema,
  example,
  createSink: async (options, context) => {
    const { RedisSink } = await import('./sink.ts');
    return new RedisSink(options, context);
  },
});
