import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandRuleAliases } from './rule-aliases.ts';

describe('expandRuleAliases', () => {
  test('merges column aliases into an existing columns block without touching the input', () => {
    const input = { match: 'a.b', columns: { exclude: ['x'] }, include_columns: 'id,,name ', column_upper_case: true };
    const { value, problems } = expandRuleAliases(input);
    assert.deepEqual(problems, []);
    assert.deepEqual(value, { match: 'a.b', columns: { exclude: ['x'], include: ['id', 'name'], case: 'upper' } });
    assert.equal('include_columns' in input, true);
  });

  test('false case flags are dropped', () => {
    assert.deepEqual(expandRuleAliases({ column_lower_case: false }).value, {});
  });

  test('non-boolean case flags and a case flag next to columns.case are problems', () => {
    assert.deepEqual(expandRuleAliases({ column_lower_case: 'yes' }).problems, [{ key: 'column_lower_case', message: 'must be true or false' }]);
    assert.deepEqual(expandRuleAliases({ columns: { case: 'upper' }, column_lower_case: true }).problems.map((p) => p.key), ['column_lower_case']);
  });

  test('pairs split at the first = and skip empty items', () => {
    assert.deepEqual(expandRuleAliases({ default_column_values: 'url=a=b,' }).value, { columns: { defaults: { url: 'a=b' } } });
    assert.deepEqual(expandRuleAliases({ column_mappings: '' }).value, { columns: { rename: {} } });
  });

  test('non-objects pass through for the schema to reject', () => {
    assert.deepEqual(expandRuleAliases('shop.*'), { value: 'shop.*', problems: [] });
  });
});
