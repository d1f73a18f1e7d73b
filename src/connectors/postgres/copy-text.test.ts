import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlRow } from '../sql/sql-engine.ts';
import { copyEscape, copyField, copyText } from './copy-text.ts';

test('NULL is \\N; the empty string is an empty field', () => {
  assert.equal(copyField(null), '\\N');
  assert.equal(copyField(''), '');
  assert.equal(copyField('\\N'), '\\\\N');
});

test('strings escape backslash, tab, newline and carriage return, and nothing else', () => {
  assert.equal(copyEscape('plain text, "quotes", \'single\' and ünïcödé 😀'), 'plain text, "quotes", \'single\' and ünïcödé 😀');
  assert.equal(copyEscape('a\\b\tc\nd\re'), 'a\\\\b\\tc\\nd\\re');
  assert.equal(copyEscape('\\.'), '\\\\.');
  assert.equal(copyField('x\u000by\fz\b'), 'x\u000by\fz\b');
  assert.equal(copyField('{"a": "line\\nbreak", "b": [1, 2]}'), '{"a": "line\\\\nbreak", "b": [1, 2]}');
});

test('numbers as JavaScript prints them, which PostgreSQL reads back exactly', () => {
  assert.equal(copyField(0), '0');
  assert.equal(copyField(-0), '-0');
  assert.equal(copyField(42), '42');
  assert.equal(copyField(-1.5), '-1.5');
  assert.equal(copyField(0.1), '0.1');
  assert.equal(copyField(5e-324), '5e-324');
  assert.equal(copyField(1.7976931348623157e308), '1.7976931348623157e+308');
  assert.equal(copyField(1e21), '1e+21');
  assert.equal(copyField(Number.NaN), 'NaN');
  assert.equal(copyField(Number.POSITIVE_INFINITY), 'Infinity');
  assert.equal(copyField(Number.NEGATIVE_INFINITY), '-Infinity');
  assert.equal(copyField(12345678901234567890n), '12345678901234567890');
});

test('booleans as a pg parameter sends them', () => {
  assert.equal(copyField(true), 'true');
  assert.equal(copyField(false), 'false');
});

test('bytes as bytea hex with the backslash escaped', () => {
  assert.equal(copyField(Buffer.from([0, 1, 0xab, 0xff])), '\\\\x0001abff');
  assert.equal(copyField(new Uint8Array([9, 10, 13, 92])), '\\\\x090a0d5c');
  assert.equal(copyField(new Uint8Array(new ArrayBuffer(8), 2, 3).fill(0x7f)), '\\\\x7f7f7f');
  assert.equal(copyField(new Uint8Array()), '\\\\x');
});

test('other values are refused', () => {
  assert.throws(() => copyField({}), TypeError);
  assert.throws(() => copyField(new Date(0)), TypeError);
});

test('rows: tab-separated UTF-8 lines through the column converter, in parts of whole lines', () => {
  const rows: SqlRow[] = [[1, 'a\tb', null], [2, '', true], [3, 'ünï😀', 'x']];
  const seen: number[] = [];
  const parts = copyText(rows, 3, (i, v) => {
    seen.push(i);
    return i === 2 && typeof v === 'boolean' ? Number(v) : v;
  });
  assert.deepEqual(parts.map((p) => p.toString('utf8')), ['1\ta\\tb\t\\N\n2\t\t1\n3\tünï😀\tx\n']);
  assert.deepEqual(seen, [0, 1, 2, 0, 1, 2, 0, 1, 2]);
  const many = copyText(Array.from({ length: 10 }, (_, i) => [i, 'xxxx']), 2, (_i, v) => v, 40);
  assert.deepEqual(many.map((p) => p.toString()), ['0\txxxx\n1\txxxx\n2\txxxx\n', '3\txxxx\n4\txxxx\n5\txxxx\n', '6\txxxx\n7\txxxx\n8\txxxx\n', '9\txxxx\n']);
  const long = 'é'.repeat(100);
  assert.deepEqual(copyText([[1], [long], [2]], 1, (_i, v) => v, 16).map((p) => p.toString()), ['1\n', `${long}\n2\n`]);
  assert.deepEqual(copyText([], 2, (_i, v) => v), []);
  assert.throws(() => copyText([[1]], 2, (_i, v) => v), RangeError);
});
