import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGoDsn } from './cupid-config.ts';

test('Go MySQL DSNs as cupid-go writes them', () => {
  assert.deepEqual(parseGoDsn('user:password@tcp(127.0.0.1:3306)/db?charset=utf8', 'src.dsn'),
    { type: 'mysql', host: '127.0.0.1', port: 3306, password: 'password', pool: 4, user: 'user', database: 'db' });
  assert.deepEqual(parseGoDsn('root@tcp(db.internal:3307)/shop', 'x'), { type: 'mysql', host: 'db.internal', port: 3307, password: '', pool: 4, user: 'root', database: 'shop' });
  assert.throws(() => parseGoDsn('not a dsn', 'des[0].dsn'), /SLUICE_7104.*des\[0\]\.dsn/);
});
