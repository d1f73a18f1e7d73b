import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Throttle } from './throttle.ts';

test('rowsPerSecond: a burst beyond the budget waits for it', async () => {
  const throttle = new Throttle({ rowsPerSecond: 2000, readBatch: 500 });
  const t0 = Date.now();
  for (let i = 0; i < 6; i++) await throttle.admit(500); // 3,000 rows: the first 2,000 are the bucket, 1,000 more take ~0.5 s
  const ms = Date.now() - t0;
  assert.ok(ms >= 400 && ms < 1500, `took ${ms} ms`);
});

test('without a limit nothing waits, and the chunk size stays readBatch', async () => {
  const throttle = new Throttle({ readBatch: 5000 });
  const t0 = Date.now();
  await throttle.admit(1_000_000);
  assert.ok(Date.now() - t0 < 50);
  throttle.observe(5000, 10_000);
  assert.equal(throttle.chunkRows, 5000);
});

test('chunkTime: the chunk size follows the observed rate, within 100 rows and 10 × readBatch', () => {
  const throttle = new Throttle({ chunkTime: 500, readBatch: 1000 });
  throttle.observe(1000, 250); // 4 rows/ms → 2,000 rows per 500 ms
  assert.equal(throttle.chunkRows, 2000);
  for (let i = 0; i < 20; i++) throttle.observe(2000, 10); // very fast: capped
  assert.equal(throttle.chunkRows, 10_000);
  for (let i = 0; i < 30; i++) throttle.observe(100, 10_000); // very slow: floored
  assert.equal(throttle.chunkRows, 100);
});

test('an abort ends the wait', async () => {
  const throttle = new Throttle({ rowsPerSecond: 10, readBatch: 10 });
  await throttle.admit(10);
  const controller = new AbortController();
  const waiting = throttle.admit(1000, controller.signal);
  controller.abort(new Error('stop'));
  await assert.rejects(waiting, /stop/);
});
