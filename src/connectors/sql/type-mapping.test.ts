import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlColumn } from './sql-engine.ts';
import { mysqlFamily, postgresFamily, sqliteFamily } from './type-families.ts';
import { ddlType } from './type-mapping.ts';

const c = (family: SqlColumn['family'], extra: Partial<SqlColumn> = {}): SqlColumn => ({ name: 'x', type: extra.type ?? family, family, nullable: true, ...extra });
const all = (column: SqlColumn, inKey = false) => [ddlType('mysql', column, inKey), ddlType('postgres', column, inKey), ddlType('sqlite', column, inKey)];

test('DDL per family on MySQL, PostgreSQL and SQLite', () => {
  assert.deepEqual(all(c('integer', { type: 'int(11)', length: 10 })), ['INT', 'integer', 'INTEGER']);
  assert.deepEqual(all(c('integer', { type: 'int(10) unsigned', length: 10, unsigned: true })), ['INT UNSIGNED', 'bigint', 'INTEGER']);
  assert.deepEqual(all(c('integer', { type: 'bigint(20) unsigned', length: 20, unsigned: true })), ['BIGINT UNSIGNED', 'numeric(20,0)', 'DECIMAL_TEXT(20,0)']);
  assert.deepEqual(all(c('integer', { type: 'bigint(20) unsigned', length: 20, unsigned: true }), true), ['BIGINT UNSIGNED', 'numeric(20,0)', 'INTEGER']);
  assert.deepEqual(all(c('integer', { type: 'tinyint(4)', length: 3 })), ['TINYINT', 'smallint', 'INTEGER']);
  assert.deepEqual(all(c('decimal', { length: 30, scale: 10 })), ['DECIMAL(30,10)', 'numeric(30,10)', 'DECIMAL_TEXT(30,10)']);
  assert.deepEqual(all(c('decimal')), ['DECIMAL(65,30)', 'numeric', 'DECIMAL_TEXT']);
  assert.deepEqual(all(c('float', { length: 24 })), ['FLOAT', 'real', 'FLOAT']);
  assert.deepEqual(all(c('float', { length: 53 })), ['DOUBLE', 'double precision', 'DOUBLE']);
  assert.deepEqual(all(c('boolean')), ['TINYINT(1)', 'boolean', 'BOOLEAN']);
  assert.deepEqual(all(c('string', { length: 40 })), ['VARCHAR(40)', 'varchar(40)', 'VARCHAR(40)']);
  assert.deepEqual(all(c('string')), ['LONGTEXT', 'text', 'TEXT']);
  assert.deepEqual(all(c('string'), true), ['VARCHAR(255)', 'text', 'TEXT']);
  assert.deepEqual(all(c('binary')), ['LONGBLOB', 'bytea', 'BLOB']);
  assert.deepEqual(all(c('date')), ['DATE', 'date', 'DATE']);
  assert.deepEqual(all(c('datetime', { length: 3 })), ['DATETIME(3)', 'timestamp(3)', 'DATETIME(3)']);
  assert.deepEqual(all(c('timestamp', { type: 'timestamp(6)', length: 6 })), ['TIMESTAMP(6)', 'timestamptz(6)', 'TIMESTAMP(6)']);
  assert.deepEqual(all(c('timestamp', { type: 'timestamp(6) with time zone', length: 6 })), ['DATETIME(6)', 'timestamptz(6)', 'TIMESTAMP(6)']);
  assert.deepEqual(all(c('time', { length: 0 })), ['TIME(0)', 'time(0)', 'TIME(0)']);
  assert.deepEqual(all(c('json')), ['JSON', 'jsonb', 'JSON_TEXT']);
  assert.deepEqual(all(c('other')), ['LONGTEXT', 'text', 'TEXT']);
});

test('type text → family', () => {
  assert.equal(mysqlFamily('tinyint', 'tinyint(1)'), 'boolean');
  assert.equal(mysqlFamily('tinyint', 'tinyint(4)'), 'integer');
  assert.equal(mysqlFamily('enum', "enum('a')"), 'string');
  assert.equal(postgresFamily('timestamptz', 'D'), 'timestamp');
  assert.equal(postgresFamily('mood', 'E'), 'string');
  assert.equal(postgresFamily('_int4', 'A'), 'other');
  assert.deepEqual(['DECIMAL_TEXT(30,10)', 'JSON_TEXT', 'BOOLEAN', 'DATETIME(6)', 'TIMESTAMP', 'timestamptz', 'TIME', 'VARCHAR(5)', 'BLOB', 'REAL', 'UNSIGNED BIG INT', ''].map(sqliteFamily),
    ['decimal', 'json', 'boolean', 'datetime', 'timestamp', 'timestamp', 'time', 'string', 'binary', 'float', 'integer', 'other']);
});
