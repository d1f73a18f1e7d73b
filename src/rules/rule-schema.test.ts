import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSchema, schemaTablePattern } from './rule-schema.ts';

function issues(input: unknown): { path: string; message: string }[] {
  const result = ruleSchema.safeParse(input);
  assert.equal(result.success, false, 'expected the rule to be rejected');
  return result.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describe('ruleSchema', () => {
  test('fills defaults', () => {
    assert.deepEqual(ruleSchema.parse({ match: 'shop.users' }), {
      match: 'shop.users', columns: {}, encoder: 'json', template: undefined, dateFormat: undefined, datetimeFormat: undefined,
    });
  });

  test('maps go-mysql-transfer aliases onto the Sluice fields', () => {
    const rule = ruleSchema.parse({
      schema: 'shop', table: 'users',
      include_columns: 'id, name,email', exclude_columns: 'email',
      column_mappings: 'name=userName,id=uid', default_column_values: 'source=shop,tier=',
      column_underscore_to_camel: true, column_lower_case: false,
      value_encoder: 'kv-commas', value_formatter: '{{.id}}|{{.name}}',
      date_formatter: 'yyyy/MM/dd', datetime_formatter: 'yyyy/MM/dd HH:mm',
    });
    assert.deepEqual(rule, {
      match: 'shop.users',
      columns: {
        include: ['id', 'name', 'email'], exclude: ['email'],
        rename: { name: 'userName', id: 'uid' }, defaults: { source: 'shop', tier: '' }, case: 'camel',
      },
      encoder: 'kv-commas', template: '{{.id}}|{{.name}}', dateFormat: 'yyyy/MM/dd', datetimeFormat: 'yyyy/MM/dd HH:mm',
    });
  });

  test('schema + table become a match pattern; table may be a regex or *', () => {
    assert.equal(schemaTablePattern('shop', 'users'), 'shop.users');
    assert.equal(schemaTablePattern('shop', '*'), 'shop.*');
    assert.equal(schemaTablePattern('shop', 'u_\\d+'), '/^shop\\.(?:u_\\d+)$/');
    assert.equal(schemaTablePattern('my-db', 'users'), '/^my-db\\.(?:users)$/');
  });

  test('accepts a target mapping block but leaves it out of the output', () => {
    const rule = ruleSchema.parse({ match: 'shop.*', redis: { keyPrefix: 'u:' } });
    assert.equal('redis' in rule, false);
  });

  test('rejects a misspelled scalar key, naming it', () => {
    const [issue] = issues({ match: 'shop.users', encodr: 'json' });
    assert.equal(issue?.path, 'encodr');
    assert.match(issue!.message, /unknown rule key "encodr"/);
  });

  test('points go-mysql-transfer target keys at the mapping block', () => {
    const [issue] = issues({ match: 'shop.users', redis_structure: 'hash' });
    assert.match(issue!.message, /"redis_structure" is a go-mysql-transfer target key; .* under "redis:"/);
  });

  test('rejects unknown keys inside columns', () => {
    const [issue] = issues({ match: 'shop.users', columns: { inclde: ['id'] } });
    assert.equal(issue?.path, 'columns');
    assert.match(issue!.message, /inclde/);
  });

  test('needs match or schema + table, not both', () => {
    assert.deepEqual(issues({}).map((i) => i.path), ['match']);
    assert.deepEqual(issues({ schema: 'shop' }).map((i) => i.path), ['table']);
    assert.match(issues({ match: 'a.b', schema: 'a', table: 'b' })[0]!.message, /either match or schema \+ table/);
  });

  test('reports invalid patterns, templates, formats and enums at their field', () => {
    assert.equal(issues({ match: '/(/' })[0]?.path, 'match');
    assert.equal(issues({ schema: 'shop', table: 'u_(' })[0]?.path, 'table');
    assert.equal(issues({ match: 'a.b', template: '{{id' })[0]?.path, 'template');
    assert.equal(issues({ match: 'a.b', datetimeFormat: 'yyyy hh' })[0]?.path, 'datetimeFormat');
    assert.equal(issues({ match: 'a.b', encoder: 'xml' })[0]?.path, 'encoder');
    assert.equal(issues({ match: 'a.b', columns: { case: 'snake' } })[0]?.path, 'columns.case');
  });

  test('reports alias conflicts and malformed alias values at the alias', () => {
    const conflict = issues({ match: 'a.b', include_columns: 'id', columns: { include: ['id'] } })[0]!;
    assert.equal(conflict.path, 'include_columns');
    assert.match(conflict.message, /either columns.include or its go-mysql-transfer alias include_columns/);
    assert.match(issues({ match: 'a.b', column_mappings: 'a=b,c' })[0]!.message, /"c" is not name=value/);
    assert.match(issues({ match: 'a.b', column_lower_case: true, column_upper_case: true })[0]!.message,
      /set only one of column_lower_case, column_upper_case/);
    assert.equal(issues({ match: 'a.b', value_encoder: 'json', encoder: 'json' })[0]?.path, 'value_encoder');
  });
});
