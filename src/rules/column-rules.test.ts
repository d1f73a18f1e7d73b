import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TableSchema } from '../core/event.ts';
import { SluiceError } from '../core/errors.ts';
import { compileColumnRules, toCamel, type ColumnRulesInit } from './column-rules.ts';
import { compileDateFormat } from './date-format.ts';

const users: TableSchema = {
  db: 'shop',
  table: 'users',
  primaryKey: ['id'],
  columns: [
    { name: 'id', type: 'int' }, { name: 'user_name', type: 'varchar' }, { name: 'Email', type: 'varchar' },
    { name: 'born', type: 'date' }, { name: 'created_at', type: 'datetime' }, { name: 'seen_at', type: 'timestamp' },
  ],
};
const row = {
  id: 1, user_name: 'ann', Email: null, born: '2000-01-31', created_at: '2024-02-29 23:59:59.123456', seen_at: '0000-00-00 00:00:00',
};

function rules(columns: ColumnRulesInit['columns'], formats: Partial<ColumnRulesInit> = {}) {
  return compileColumnRules({ label: 'targets[0].rules[0]', columns, dateFormat: null, datetimeFormat: null, ...formats });
}

describe('compileColumnRules', () => {
  test('without column rules the row object is returned as is', () => {
    assert.equal(rules({})(row, users), row);
  });

  test('include keeps only the listed columns, case-insensitively, in table order', () => {
    assert.deepEqual(rules({ include: ['EMAIL', 'id'] })(row, users), { id: 1, Email: null });
  });

  test('exclude drops columns; include and exclude combine', () => {
    assert.deepEqual(Object.keys(rules({ exclude: ['born', 'created_at', 'seen_at'] })(row, users)), ['id', 'user_name', 'Email']);
    assert.deepEqual(rules({ include: ['id', 'user_name'], exclude: ['user_name'] })(row, users), { id: 1 });
  });

  test('rename wins over case, which applies to the other columns', () => {
    const out = rules({ include: ['id', 'user_name', 'email'], rename: { ID: 'uid' }, case: 'upper' })(row, users);
    assert.deepEqual(out, { uid: 1, USER_NAME: 'ann', EMAIL: null });
  });

  test('camel case', () => {
    assert.deepEqual(Object.keys(rules({ include: ['user_name', 'created_at'], case: 'camel' })(row, users)), ['userName', 'createdAt']);
    assert.equal(toCamel('USER_NAME'), 'userName');
    assert.equal(toCamel('user_ID'), 'userID');
    assert.equal(toCamel('_id'), '_id');
  });

  test('defaults fill null and missing columns and add constant columns, then get renamed', () => {
    const transform = rules({ include: ['id', 'email', 'source'], rename: { source: 'src' }, defaults: { email: 'none', source: 'shop', id: 0 } });
    assert.deepEqual(transform(row, users), { id: 1, Email: 'none', src: 'shop' });
    assert.deepEqual(transform({ user_name: 'bob' }, users), { id: 0, Email: 'none', src: 'shop' });
  });

  test('date formats follow the column type; zero dates and nulls stay', () => {
    const transform = rules({}, { dateFormat: compileDateFormat('dd/MM/yyyy'), datetimeFormat: compileDateFormat('yyyyMMddHHmmss.SSSSSS') });
    assert.deepEqual(transform(row, users), { ...row, born: '31/01/2000', created_at: '20240229235959.123456' });
    assert.equal(transform({ ...row, created_at: null }, users).created_at, null);
  });

  test('a column plan is built per table version', () => {
    const transform = rules({ case: 'upper' });
    const v2: TableSchema = { ...users, columns: [...users.columns, { name: 'tier', type: 'int' }] };
    assert.deepEqual(Object.keys(transform({ id: 1 }, users)), ['ID']);
    assert.deepEqual(Object.keys(transform({ id: 1, tier: 2 }, v2)), ['ID', 'TIER']);
  });

  test('config contradictions are SLUICE_1005 naming the field', () => {
    const cases: [ColumnRulesInit['columns'], RegExp][] = [
      [{ include: ['id'], rename: { email: 'mail' } }, /targets\[0\]\.rules\[0\]\.columns\.rename\.email: column "email" is dropped by columns\.include/],
      [{ exclude: ['email'], defaults: { Email: 'x' } }, /rules\[0\]\.columns\.defaults\.Email: column "Email" is dropped by columns\.exclude/],
      [{ rename: { id: 'k', user_name: 'k' } }, /columns\.rename\.user_name: "id" is renamed to "k" too/],
      [{ case: 'snake' as 'lower' }, /rules\[0\]\.columns\.case: unknown case "snake"/],
    ];
    for (const [columns, message] of cases) {
      assert.throws(() => rules(columns), (err: unknown) => err instanceof SluiceError && err.code === 'SLUICE_1005' && message.test(err.message));
    }
  });

  test('two columns that end up with one name fail when the table is first seen', () => {
    const transform = rules({ rename: { id: 'user_name' } });
    assert.throws(() => transform(row, users), /rules\[0\]\.columns: columns "id" and "user_name" of shop\.users both become "user_name"/);
  });
});
