import assert from 'node:assert/strict';
import { test } from 'node:test';
import { integerValue, shortestFloat32, trimFraction, utcTimestamp, utcWallClock, wallClock } from './values.ts';

test('integers: numbers when safe, exact text otherwise', () => {
  assert.equal(integerValue('9007199254740991'), 9007199254740991);
  assert.equal(integerValue('9007199254740992'), '9007199254740992');
  assert.equal(integerValue(-5n), -5);
  assert.equal(integerValue(18446744073709551615n), '18446744073709551615');
});

test('fractional seconds lose trailing zeros only', () => {
  assert.equal(trimFraction('2024-01-01 00:00:00.500000'), '2024-01-01 00:00:00.5');
  assert.equal(trimFraction('2024-01-01 00:00:00.000000Z'), '2024-01-01 00:00:00Z');
  assert.equal(trimFraction('12:00:10'), '12:00:10');
  assert.equal(trimFraction('-838:59:59.000'), '-838:59:59');
});

test('date-times to UTC timestamps and wall clocks', () => {
  assert.equal(utcTimestamp('2024-02-29 12:34:56.789+00'), '2024-02-29 12:34:56.789Z');
  assert.equal(utcTimestamp('2024-03-01T01:30:00+05:30'), '2024-02-29 20:00:00Z');
  assert.equal(utcTimestamp('0099-12-31 23:00:00-02'), '0100-01-01 01:00:00Z');
  assert.equal(utcTimestamp('2024-02-29 12:00:00'), '2024-02-29 12:00:00Z');
  assert.equal(utcTimestamp('infinity'), 'infinity');
  assert.equal(wallClock('2024-02-29T12:00:00.100Z'), '2024-02-29 12:00:00.1');
  assert.equal(utcWallClock('2024-02-29 12:00:00.5Z'), '2024-02-29 12:00:00.5');
  assert.equal(utcWallClock('2024-02-29 12:00:00-01:00'), '2024-02-29 13:00:00');
  assert.equal(utcWallClock('2024-02-29T12:00:00'), '2024-02-29 12:00:00');
});

test('float32 values print as the shortest decimal that maps back', () => {
  assert.equal(shortestFloat32(3.141590118408203), 3.14159);
  assert.equal(shortestFloat32(1234567), 1234567);
  assert.equal(shortestFloat32(3.3999999521443642e38), 3.4e38);
  assert.ok(Number.isNaN(shortestFloat32(Number.NaN)));
});
