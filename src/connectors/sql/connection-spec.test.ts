import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serverParams, sqliteFile } from './connection-params.ts';
import { sqlConnectionSchema } from './connection-spec.ts';

const issues = (input: unknown) => {
  const r = sqlConnectionSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

test('defaults, and what each type needs', () => {
  assert.deepEqual(sqlConnectionSchema.parse({ type: 'mysql', user: 'u', database: 'shop' }),
    { type: 'mysql', user: 'u', database: 'shop', host: '127.0.0.1', password: '', pool: 8 });
  assert.deepEqual(issues({ type: 'postgres', url: 'postgres://u@h/db' }), []);
  assert.deepEqual(issues({ type: 'sqlite', file: 'x.db' }), []);
  assert.deepEqual(issues({ type: 'sqlite' }), ['file: a sqlite connection needs `file` (or `url: sqlite:PATH`)']);
  assert.deepEqual(issues({ type: 'mariadb', database: 'shop' }), ['user: a mariadb connection needs `url`, or `database` and `user`']);
  assert.deepEqual(issues({ type: 'mysql', url: 'postgres://h/db' }), ['url: a mysql url starts with mysql:// or mariadb://']);
  assert.equal(issues({ type: 'mysql', url: 'mysql://h/db', pool: 0 }).length, 1);
  assert.equal(issues({ type: 'mysql', url: 'mysql://h/db', extra: 1 }).length, 1);
});

test('url parts win over fields; the label never shows the password', () => {
  const p = serverParams(sqlConnectionSchema.parse({ type: 'mysql', url: 'mysql://app:s%40cret@db.example:3307/shop', user: 'other' }));
  assert.deepEqual(p, { host: 'db.example', port: 3307, user: 'app', password: 's@cret', database: 'shop', label: 'mysql://db.example:3307/shop' });
  assert.equal(serverParams(sqlConnectionSchema.parse({ type: 'postgres', user: 'u', database: 'd' })).label, 'postgres://127.0.0.1:5432/d');
  assert.equal(sqliteFile(sqlConnectionSchema.parse({ type: 'sqlite', url: 'sqlite:data/x.db' })), 'data/x.db');
  assert.equal(sqliteFile(sqlConnectionSchema.parse({ type: 'sqlite', url: 'sqlite:///var/x.db' })), '/var/x.db');
});
