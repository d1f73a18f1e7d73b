import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mysqlDialect, postgresDialect, quoteTable } from './dialect.ts';
import { keyAfter, keyUpTo } from './keyset.ts';
import { boundarySql, cursorSql, rangeSql, type SelectContext } from './select-sql.ts';

const pg: SelectContext = { dialect: postgresDialect, convert: (_c, v) => v };
const my: SelectContext = { dialect: mysqlDialect, convert: (_c, v) => v };

test('identifiers are quoted with the quote character doubled', () => {
  assert.equal(mysqlDialect.quote('we`ird'), '`we``ird`');
  assert.equal(postgresDialect.quote('say "hi"'), '"say ""hi"""');
  assert.equal(quoteTable(mysqlDialect, { schema: 'shop', name: 'orders' }), '`shop`.`orders`');
});

test('the row-value comparison is expanded with a leading bound, parameters in text order', () => {
  const params: unknown[] = [];
  const bind = (_c: string, v: unknown) => { params.push(v); return `$${params.length}`; };
  assert.equal(keyAfter(postgresDialect, bind, ['a', 'b', 'c'], [1, 2, 3]),
    '"a" >= $1 AND ("a" > $2 OR ("a" = $3 AND "b" > $4) OR ("a" = $5 AND "b" = $6 AND "c" > $7))');
  assert.deepEqual(params, [1, 1, 1, 2, 1, 2, 3]);
  params.length = 0;
  assert.equal(keyUpTo(postgresDialect, bind, ['a', 'b'], [1, 2]), '"a" <= $1 AND ("a" < $2 OR ("a" = $3 AND "b" <= $4))');
  params.length = 0;
  assert.equal(keyAfter(postgresDialect, bind, ['a'], [7]), '"a" > $1');
  assert.throws(() => keyAfter(postgresDialect, bind, ['a', 'b'], [1]), /2 column\(s\) but the bound has 1/);
});

test('boundary, range and cursor statements', () => {
  const t = { name: 't' };
  assert.deepEqual(boundarySql(my, t, ['id'], [5], 100, "s <> 'x'"), {
    sql: "SELECT `id` FROM `t` WHERE `id` > ? AND (s <> 'x') ORDER BY `id` LIMIT 1 OFFSET 99", params: [5],
  });
  assert.deepEqual(rangeSql(pg, t, ['id', 'v'], ['id'], { after: [1], upTo: [9] }, undefined, 50), {
    sql: 'SELECT "id", "v" FROM "t" WHERE ("id" > $1) AND ("id" <= $2) ORDER BY "id" LIMIT 50', params: [1, 9],
  });
  assert.deepEqual(cursorSql(pg, t, ['id'], 'ts', ['id'], { from: '2024-01-01' }, null, 10, undefined), {
    sql: 'SELECT "id" FROM "t" WHERE "ts" >= $1 ORDER BY "ts", "id" LIMIT 10', params: ['2024-01-01'],
  });
  assert.deepEqual(cursorSql(pg, t, ['id'], 'ts', ['id'], { from: null }, 'z', 10, undefined).sql,
    'SELECT "id" FROM "t" WHERE "ts" IS NOT NULL AND "ts" <= $1 ORDER BY "ts", "id" LIMIT 10');
  assert.throws(() => boundarySql(my, t, ['id'], undefined, 0, undefined), /count must be a positive integer/);
});
