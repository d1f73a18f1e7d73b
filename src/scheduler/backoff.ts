import type { Job } from './spec.ts';

export type RetryPolicy = Job['retry'];

/**
 * The wait before retry number `n` (1 = the first retry): `interval`, or with `exponential`
 * `interval × 2^(n-1)` capped at `maxInterval`; then spread by ±`jitter` so the retries of many
 * fires that failed together do not hit the executors at the same instant.
 */
export function retryDelay(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  const base = policy.backoff === 'exponential'
    ? Math.min(policy.maxInterval, policy.interval * 2 ** Math.max(0, n - 1))
    : policy.interval;
  if (policy.jitter === 0) return base;
  const spread = base * policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

/** Resolves after `ms`, or at once when `signal` aborts (the caller checks `signal.aborted`). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
