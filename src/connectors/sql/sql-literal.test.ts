import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inlineStatement, sqlLiteral } from './sql-literal.ts';

test('literals per engine: quotes, backslashes, bytes, booleans, NULL', () => {
  assert.equal(sqlLiteral('mysql', "O'Brien \\ x"), "'O''Brien \\\\ x'");
  assert.equal(sqlLiteral('postgres', "O'Brien \\ x"), "'O''Brien \\ x'");
  assert.equal(sqlLiteral('sqlite', Buffer.from([0, 255])), "X'00ff'");
  assert.equal(sqlLiteral('postgres', Buffer.from([0, 255])), "'\\x00ff'::bytea");
  assert.equal(sqlLiteral('sqlite', true), '1');
  assert.equal(sqlLiteral('postgres', 1), "'1'");
  assert.equal(sqlLiteral('mysql', null), 'NULL');
  assert.equal(sqlLiteral('mysql', { toSqlString: () => '12345678901234567890.5' }), '12345678901234567890.5');
});

test('placeholders are replaced outside quoted names and strings only', () => {
  assert.equal(inlineStatement('mysql', { sql: 'INSERT INTO `a?b` (`x`) VALUES (?) -- ', params: ["it's"] }), "INSERT INTO `a?b` (`x`) VALUES ('it''s') -- ;");
  assert.equal(inlineStatement('postgres', { sql: 'DELETE FROM "t$1" WHERE "k" = $1 OR "k" = $2', params: [5, 'x'] }), `DELETE FROM "t$1" WHERE "k" = '5' OR "k" = 'x';`);
});
