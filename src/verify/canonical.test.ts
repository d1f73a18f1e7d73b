import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalDecimal, canonicalJson, canonicalTime, canonicalValue } from './canonical.ts';

const opts = { floatDigits: 15 };

test('decimals compare by value: insignificant zeros go, real digits stay', () => {
  assert.equal(canonicalDecimal('1.50'), '1.5');
  assert.equal(canonicalDecimal('001.000'), '1');
  assert.equal(canonicalDecimal('-0.00'), '0');
  assert.equal(canonicalDecimal('12345678901234567890.1234567890'), '12345678901234567890.123456789');
  assert.notEqual(canonicalDecimal('12.345'), canonicalDecimal('12.35'));
});

test('timestamps: one UTC form with microseconds; an offset is applied, a shifted time differs', () => {
  assert.equal(canonicalTime('2024-03-10 05:30:00.1234Z'), '2024-03-10 05:30:00.123400');
  assert.equal(canonicalTime('2024-03-10T05:30:00Z'), '2024-03-10 05:30:00.000000');
  assert.equal(canonicalTime('2024-03-10 13:30:00+08:00'), '2024-03-10 05:30:00.000000');
  assert.equal(canonicalTime('2024-03-10'), '2024-03-10');
  assert.notEqual(canonicalTime('2024-03-10 05:30:00Z'), canonicalTime('2024-03-10 13:30:00Z'));
});

test('JSON: key order and spacing do not matter; digits of big numbers do', () => {
  assert.equal(canonicalJson('{"b": 1, "a": [1.50, "x"]}'), canonicalJson('{"a":[1.5,"x"],"b":1}'));
  assert.notEqual(canonicalJson('{"n": 12345678901234567890}'), canonicalJson('{"n": 12345678901234567000}'));
});

test('NULL, empty string, case and Unicode normalization are all distinct', () => {
  assert.notEqual(canonicalValue(null, 'string', opts), canonicalValue('', 'string', opts));
  assert.notEqual(canonicalValue('Straße', 'string', opts), canonicalValue('STRASSE', 'string', opts));
  assert.notEqual(canonicalValue('é', 'string', opts), canonicalValue('e\u0301', 'string', opts));
});

test('floats compare at the configured significant digits; booleans and binary are normalized', () => {
  assert.equal(canonicalValue(0.1 + 0.2, 'float', opts), canonicalValue(0.3, 'float', opts));
  assert.notEqual(canonicalValue(0.3001, 'float', opts), canonicalValue(0.3, 'float', opts));
  assert.equal(canonicalValue(1.2345678, 'float', { floatDigits: 6 }), canonicalValue(1.23457, 'float', { floatDigits: 6 }));
  assert.equal(canonicalValue(true, 'boolean', opts), canonicalValue(1, 'boolean', opts));
  assert.equal(canonicalValue(Buffer.from([0, 255]), 'binary', opts), 'x00ff');
  assert.equal(canonicalValue('9007199254740993', 'integer', opts), canonicalValue('9007199254740993', 'integer', opts));
});
