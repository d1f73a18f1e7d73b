import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryDelay, sleep } from './backoff.ts';

const policy = { attempts: 5, interval: 1000, backoff: 'fixed' as const, maxInterval: 5000, jitter: 0 };

test('fixed: the interval every time', () => {
  assert.deepEqual([1, 2, 3, 4].map((n) => retryDelay(policy, n)), [1000, 1000, 1000, 1000]);
});

test('exponential: doubles from the interval and stops at maxInterval', () => {
  const p = { ...policy, backoff: 'exponential' as const };
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => retryDelay(p, n)), [1000, 2000, 4000, 5000, 5000, 5000]);
});

test('jitter: ±fraction of the delay, at both ends of the random source', () => {
  const p = { ...policy, backoff: 'exponential' as const, jitter: 0.2 };
  assert.equal(retryDelay(p, 2, () => 0), 1600);
  assert.equal(retryDelay(p, 2, () => 0.5), 2000);
  assert.equal(retryDelay(p, 2, () => 0.999999), 2400);
});

test('sleep ends early when the signal aborts', async () => {
  const c = new AbortController();
  const t0 = Date.now();
  setTimeout(() => c.abort(), 20);
  await sleep(60_000, c.signal);
  assert.ok(Date.now() - t0 < 5000);
});
