import { z } from 'zod';
import { duration } from '../../core/units.ts';

/** The Redis data structures a table can be materialized into. */
export const redisStructures = ['string', 'hash', 'list', 'set', 'sortedset'] as const;
export type RedisStructure = (typeof redisStructures)[number];

const redisUrl = () => z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' });

/** Mapping fields without defaults: shared by the target options and the per-rule overrides. */
const mappingFields = {
  structure: z.enum(redisStructures).meta({ description: 'Redis data structure each row is written to.' }),
  keyPrefix: z.string().meta({ description: 'Prepended to every key, e.g. `app:`.' }),
  keyColumn: z.string().min(1).meta({ description: 'Column whose value forms the key (instead of the primary key values joined with `:`).' }),
  keyTemplate: z.string().min(1).meta({ description: 'Key template rendered against the row, e.g. `user:{{id}}`.' }),
  key: z.string().min(1).meta({
    description: 'A fixed key. Required for list, set and sortedset unless `keyTemplate` or `keyColumn` is given; for hash it selects field mode (one hash, one field per row).',
  }),
  hashFieldColumn: z.string().min(1).meta({ description: 'Hash field mode: column whose value names the field (default: primary key values joined with `:`).' }),
  hashFieldPrefix: z.string().meta({ description: 'Hash field mode: prepended to every field name.' }),
  scoreColumn: z.string().min(1).meta({ description: 'Sortedset: numeric column used as the score. Required for sortedset.' }),
};

/** Schema of `targets[i].rules[j].redis`: per-table overrides of the target's default mapping. */
export const redisMappingSchema = z.strictObject(mappingFields).partial().meta({ description: 'Per-table overrides of the Redis mapping.' });

/** A complete mapping: the target defaults merged with a rule's overrides. */
export type RedisMapping = z.output<typeof redisMappingSchema> & { readonly structure: RedisStructure; readonly keyPrefix: string };

type Issue = { path: string; message: string };

/** Cross-field checks of a complete mapping; each issue names the offending field. */
export function mappingIssues(m: RedisMapping): Issue[] {
  const issues: Issue[] = [];
  if (m.key !== undefined && (m.keyTemplate !== undefined || m.keyColumn !== undefined)) {
    issues.push({ path: 'key', message: 'a fixed `key` cannot be combined with `keyTemplate` or `keyColumn`' });
  }
  if (m.keyTemplate !== undefined && m.keyColumn !== undefined) {
    issues.push({ path: 'keyTemplate', message: 'set either `keyTemplate` or `keyColumn`, not both' });
  }
  const collection = m.structure === 'list' || m.structure === 'set' || m.structure === 'sortedset';
  if (collection && m.key === undefined && m.keyTemplate === undefined && m.keyColumn === undefined) {
    issues.push({ path: 'key', message: `structure ${m.structure} needs a fixed \`key\`, a \`keyTemplate\` or a \`keyColumn\`` });
  }
  if (m.structure === 'sortedset' && m.scoreColumn === undefined) {
    issues.push({ path: 'scoreColumn', message: 'structure sortedset needs `scoreColumn`' });
  }
  if (m.structure === 'hash' && m.key === undefined) {
    for (const field of ['hashFieldColumn', 'hashFieldPrefix'] as const) {
      if (m[field] !== undefined) issues.push({ path: field, message: `\`${field}\` needs a fixed \`key\` (hash field mode)` });
    }
  }
  return issues;
}

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');

/** Schema of `targets[i].redis`: connection settings plus the default mapping of every rule. */
export const redisOptionsSchema = z
  .strictObject({
    url: redisUrl().default('redis://127.0.0.1:6379').meta({
      description: 'Standalone server URL `redis[s]://[[user]:password@]host[:port][/db]`; `rediss://` enables TLS.',
    }),
    mode: z.enum(['standalone', 'sentinel', 'cluster']).default('standalone').meta({ description: 'How to reach Redis.' }),
    sentinel: z
      .strictObject({
        name: z.string().min(1).meta({ description: 'Name of the monitored master, e.g. `mymaster`.' }),
        sentinels: z.array(hostPort).min(1).meta({ description: 'Sentinel addresses as `host:port`.' }),
        password: z.string().optional().meta({ description: 'Password of the sentinels (not of the master).' }),
      })
      .optional()
      .meta({ description: 'Sentinel settings; required when `mode` is sentinel.' }),
    cluster: z
      .strictObject({ nodes: z.array(redisUrl()).min(1).meta({ description: 'Some cluster node URLs; the rest are discovered.' }) })
      .optional()
      .meta({ description: 'Cluster settings; required when `mode` is cluster.' }),
    username: z.string().optional().meta({ description: 'ACL user (overrides the URL).' }),
    password: z.string().optional().meta({ description: 'Password (overrides the URL).' }),
    db: z.number().int().min(0).optional().meta({ description: 'Database number (overrides the URL); must be 0 in cluster mode.' }),
    timeout: duration().default(30_000).meta({ description: 'Longest a batch write or ping may take before it fails and is retried, e.g. "30s".' }),
    structure: mappingFields.structure.default('hash'),
    keyPrefix: mappingFields.keyPrefix.default(''),
    keyColumn: mappingFields.keyColumn.optional(),
    keyTemplate: mappingFields.keyTemplate.optional(),
    key: mappingFields.key.optional(),
    hashFieldColumn: mappingFields.hashFieldColumn.optional(),
    hashFieldPrefix: mappingFields.hashFieldPrefix.optional(),
    scoreColumn: mappingFields.scoreColumn.optional(),
  })
  .superRefine((o, ctx) => {
    if (o.mode === 'sentinel' && o.sentinel === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sentinel'], message: 'mode sentinel needs `sentinel: { name, sentinels }`' });
    }
    if (o.mode === 'cluster' && o.cluster === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'mode cluster needs `cluster: { nodes }`' });
    }
    if (o.mode === 'cluster' && o.db !== undefined && o.db !== 0) {
      ctx.addIssue({ code: 'custom', path: ['db'], message: 'Redis Cluster only has database 0' });
    }
    for (const issue of mappingIssues(o)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
  });

export type RedisOptions = z.output<typeof redisOptionsSchema>;
