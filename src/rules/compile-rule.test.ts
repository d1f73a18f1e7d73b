import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '../core/event.ts';
import { SluiceError } from '../core/errors.ts';
import { compileRule, defaultRule } from './compile-rule.ts';
import { ruleSchema } from './rule-schema.ts';

const orders: TableSchema = {
  db: 'shop', table: 'order_7', primaryKey: ['id'],
  columns: [{ name: 'id', type: 'bigint' }, { name: 'total', type: 'decimal' }, { name: 'paid_at', type: 'datetime' }],
};
const row = { id: 7, total: '12.50', paid_at: '2024-02-29 23:59:59.5' };

function rule(input: unknown, mapping?: Record<string, unknown>) {
  return compileRule(ruleSchema.parse(input), { label: 'targets[1].rules[2]', mapping });
}

describe('compileRule', () => {
  test('matches by glob, regex pattern, and go-mysql-transfer schema + table regex', () => {
    assert.equal(rule({ match: 'shop.order_*' }).matches('shop', 'order_7'), true);
    assert.equal(rule({ match: 'shop.order_*' }).matches('shop2', 'order_7'), false);
    const regex = rule({ match: '/^shop\\.order_\\d+$/' });
    assert.equal(regex.matches('shop', 'order_7'), true);
    assert.equal(regex.matches('shop', 'order_x'), false);
    const gmt = rule({ schema: 'shop', table: 'order_\\d+' });
    assert.equal(gmt.matches('shop', 'order_12'), true);
    assert.equal(gmt.matches('shop', 'order_12_old'), false, 'the table regex is anchored');
    assert.equal(gmt.matches('shopx', 'order_12'), false);
  });

  test('transform then encode with the configured encoder', () => {
    const r = rule({ match: 'shop.*', exclude_columns: 'paid_at', value_encoder: 'v-commas' });
    assert.equal(r.encode(r.transform(row, orders)), '7,12.50');
  });

  test('the template overrides the encoder and sees output column names', () => {
    const r = rule({ match: 'shop.*', columns: { case: 'camel' }, encoder: 'kv-commas', template: '{{.id}}@{{paidAt}}', datetimeFormat: 'yyyy-MM-dd' });
    assert.equal(r.encode(r.transform(row, orders)), '7@2024-02-29');
  });

  test('render compiles a template once and reports bad ones as SLUICE_1005', () => {
    const r = rule({ match: 'shop.*' });
    assert.equal(r.render('order:{{id}}', row), 'order:7');
    assert.equal(r.render('order:{{id}}', { id: 8 }), 'order:8');
    assert.throws(() => r.render('order:{{id', row), (err: unknown) =>
      err instanceof SluiceError && err.code === 'SLUICE_1005' && err.message.includes('targets[1].rules[2]: "{{" at position 6'));
  });

  test('carries a frozen copy of the mapping', () => {
    const mapping = { keyPrefix: 'o:' };
    const r = rule({ match: 'shop.*' }, mapping);
    assert.deepEqual(r.mapping, mapping);
    assert.notEqual(r.mapping, mapping);
    assert.equal(Object.isFrozen(r.mapping), true);
  });

  test('invalid config fields are SLUICE_1005 naming label and field', () => {
    const base = ruleSchema.parse({ match: 'shop.*' });
    const cases: [object, RegExp][] = [
      [{ match: '/(/' }, /targets\[1\]\.rules\[2\]\.match: /],
      [{ template: '{{ }}' }, /targets\[1\]\.rules\[2\]\.template: placeholder/],
      [{ dateFormat: 'yyyy-MMM' }, /targets\[1\]\.rules\[2\]\.dateFormat: unsupported token "MMM"/],
      [{ encoder: 'xml' }, /targets\[1\]\.rules\[2\]\.encoder: unknown encoder "xml"/],
      [{ columns: { exclude: ['id'], rename: { id: 'key' } } }, /rules\[2\]\.columns\.rename\.id: column "id" is dropped by columns\.exclude/],
    ];
    for (const [patch, message] of cases) {
      assert.throws(() => compileRule({ ...base, ...patch } as typeof base, { label: 'targets[1].rules[2]' }),
        (err: unknown) => err instanceof SluiceError && err.code === 'SLUICE_1005' && message.test(err.message));
    }
  });
});

describe('defaultRule', () => {
  test('matches every table and passes rows through as json', () => {
    const r = defaultRule('targets[0]', { db: 0 });
    assert.equal(r.label, 'targets[0]');
    assert.equal(r.matches('any', 'table'), true);
    assert.equal(r.transform(row, orders), row);
    assert.equal(r.encode(row), JSON.stringify(row));
    assert.deepEqual(r.mapping, { db: 0 });
  });
});
