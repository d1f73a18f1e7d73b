import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../../core/errors.ts';
import { classifySqlError, isDataError } from './data-errors.ts';
import { sqlError } from './sql-error.ts';

const mysql = (errno: number, sqlState: string, code: string) => Object.assign(new Error(code), { errno, sqlState, code });
const pg = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });
const sqlite = (errcode: number) => Object.assign(new Error('sqlite'), { code: 'ERR_SQLITE_ERROR', errcode, errstr: 'x' });

test('data errors of the three engines', () => {
  for (const err of [
    mysql(1406, '22001', 'ER_DATA_TOO_LONG'), mysql(1062, '23000', 'ER_DUP_ENTRY'), mysql(1366, 'HY000', 'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD'),
    mysql(4025, '23000', 'ER_CONSTRAINT_FAILED'), pg('22001'), pg('23505'), pg('22P02'), sqlite(1299), sqlite(2067), sqlite(20), sqlite(18),
  ]) assert.equal(isDataError(err), true, err.message);
});

test('other errors are not data errors', () => {
  assert.equal(classifySqlError(mysql(1213, '40001', 'ER_LOCK_DEADLOCK')), 'conflict');
  assert.equal(classifySqlError(mysql(1146, '42S02', 'ER_NO_SUCH_TABLE')), 'statement');
  assert.equal(classifySqlError(Object.assign(new Error('refused'), { errno: -111, code: 'ECONNREFUSED' })), 'connection');
  assert.equal(classifySqlError(pg('40P01')), 'conflict');
  assert.equal(classifySqlError(pg('57P01')), 'connection');
  assert.equal(classifySqlError(pg('42P01')), 'statement');
  assert.equal(classifySqlError(sqlite(5)), 'conflict');
  assert.equal(classifySqlError(sqlite(1)), 'statement');
  assert.equal(classifySqlError(new Error('Connection terminated unexpectedly')), 'connection');
});

test('the Sluice wrapper keeps the driver error as cause and its code in details', () => {
  const err = sqlError('mysql://h:3306/db', 'writing', { schema: 'shop', name: 'orders' }, mysql(1406, '22001', 'ER_DATA_TOO_LONG'));
  assert.ok(err instanceof SluiceError);
  assert.equal(err.code, 'SLUICE_7002');
  assert.equal(err.kind, 'unrecoverable');
  assert.match(err.message, /writing shop\.orders failed: ER_DATA_TOO_LONG/);
  assert.deepEqual(err.details, { engine: 'mysql://h:3306/db', table: 'shop.orders', errno: 1406, sqlState: '22001', code: 'ER_DATA_TOO_LONG' });
  assert.equal(isDataError(err), true);
  assert.equal(sqlError('x', 'reading', undefined, pg('42P01')).code, 'SLUICE_7004');
  assert.equal(sqlError('x', 'reading', undefined, pg('08006')).kind, 'backoff');
});
