import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cursorStart } from './cursor-overlap.ts';

test('time cursors move back by the overlap in their own format', () => {
  assert.equal(cursorStart('2024-03-01 00:00:02.250000', 5000), '2024-02-29 23:59:57.250000');
  assert.equal(cursorStart('2024-03-01 00:00:02.123456Z', 1000), '2024-03-01 00:00:01.123456Z');
  assert.equal(cursorStart('2024-03-01T00:00:02Z', 3000), '2024-02-29T23:59:59Z');
  assert.equal(cursorStart('2024-03-01 10:00:00.5', 250), '2024-03-01 10:00:00.2');
  assert.equal(cursorStart('2024-03-01', 86_400_000), '2024-02-29');
});

test('numeric cursors move back by the overlap in units; zero overlap changes nothing', () => {
  assert.equal(cursorStart(1000, 10), 990);
  assert.equal(cursorStart('9007199254740993', 3), '9007199254740990');
  assert.equal(cursorStart('2024-03-01 00:00:02', 0), '2024-03-01 00:00:02');
  assert.equal(cursorStart(null, 5000), null);
});
