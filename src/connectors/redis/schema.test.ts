import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { SluiceError } from '../../core/errors.ts';
import { ChangeLog, userRow } from '../../../test/conformance/change-log.ts';
import { testRule } from '../../../test/conformance/test-rule.ts';
import { buildCommands } from './commands.ts';
import { redisSpec } from './spec.ts';

/** `path: message` of every issue the options schema reports. */
function optionIssues(input: unknown): string[] {
  const result = redisSpec.options.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('redis options', () => {
  it('defaults to a standalone local server writing one hash per row', () => {
    const options = redisSpec.options.parse({});
    assert.equal(options.url, 'redis://127.0.0.1:6379');
    assert.equal(options.mode, 'standalone');
    assert.equal(options.structure, 'hash');
    assert.equal(options.keyPrefix, '');
    assert.equal(options.timeout, 30_000);
  });

  it('rejects invalid combinations, naming the field', () => {
    assert.deepStrictEqual(optionIssues({ structure: 'list' }), ['key: structure list needs a fixed `key`, a `keyTemplate` or a `keyColumn`']);
    assert.deepStrictEqual(optionIssues({ structure: 'sortedset', key: 'z' }), ['scoreColumn: structure sortedset needs `scoreColumn`']);
    assert.deepStrictEqual(optionIssues({ key: 'k', keyTemplate: 'a:{{id}}' }), ['key: a fixed `key` cannot be combined with `keyTemplate` or `keyColumn`']);
    assert.deepStrictEqual(optionIssues({ keyTemplate: 'a:{{id}}', keyColumn: 'id' }), ['keyTemplate: set either `keyTemplate` or `keyColumn`, not both']);
    assert.deepStrictEqual(optionIssues({ hashFieldColumn: 'id' }), ['hashFieldColumn: `hashFieldColumn` needs a fixed `key` (hash field mode)']);
    assert.deepStrictEqual(optionIssues({ mode: 'sentinel' }), ['sentinel: mode sentinel needs `sentinel: { name, sentinels }`']);
    assert.deepStrictEqual(optionIssues({ mode: 'cluster', cluster: { nodes: ['redis://a:7000'] }, db: 2 }), ['db: Redis Cluster only has database 0']);
    assert.deepStrictEqual(optionIssues({ url: 'http://localhost' }), ['url: must be a redis:// or rediss:// URL']);
    assert.deepStrictEqual(optionIssues({ mode: 'sentinel', sentinel: { name: 'm', sentinels: ['localhost'] } }), ['sentinel.sentinels.0: must be host:port']);
  });

  it('documents every field', () => {
    const schema = z.toJSONSchema(redisSpec.options, { io: 'input' }) as { properties: Record<string, { description?: string }> };
    const undocumented = Object.entries(schema.properties).filter(([, p]) => !p.description).map(([name]) => name);
    assert.deepStrictEqual(undocumented, []);
    assert.deepStrictEqual(Object.keys(redisSpec.mapping.parse({ structure: 'set', key: 'k' })), ['structure', 'key']);
    assert.throws(() => redisSpec.mapping.parse({ keyTemplte: 'typo' }), /"keyTemplte"/);
    assert.throws(() => redisSpec.options.parse({ keyprefix: 'typo' }), /"keyprefix"/);
  });
});

describe('rule mappings', () => {
  it('validates the merged mapping on first use: SLUICE_1005 naming the rule and the field', () => {
    const rule = testRule({ ...redisSpec.options.parse({}), structure: 'sortedset', key: 'z' }, 'targets[1].rules[3]');
    assert.throws(() => buildCommands([new ChangeLog(rule).insert(userRow(1))]), (err: unknown) =>
      err instanceof SluiceError && err.code === 'SLUICE_1005' && err.kind === 'fatal'
      && err.message.includes('targets[1].rules[3].redis.scoreColumn: structure sortedset needs `scoreColumn`'));
  });
});
