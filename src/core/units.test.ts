import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration, parseSize } from './units.ts';

test('durations', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('5s'), 5000);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('2h'), 7_200_000);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration(42), 42);
  assert.throws(() => parseDuration('5 parsecs'), /not a duration/);
  assert.throws(() => parseDuration('5s later'), /not a duration/);
});

test('sizes', () => {
  assert.equal(parseSize('64MiB'), 64 * 1024 * 1024);
  assert.equal(parseSize('4MB'), 4_000_000);
  assert.equal(parseSize('512KiB'), 524_288);
  assert.equal(parseSize('100'), 100);
  assert.throws(() => parseSize('lots'), /not a size/);
});
