import { errorKind } from '../core/errors.ts';

export interface RetryPolicy {
  readonly attempts: number;
  readonly initialDelay: number;
  readonly maxDelay: number;
}

/** Exponential backoff with full jitter: a random delay in [0, min(max, initial·2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const cap = Math.min(policy.maxDelay, policy.initialDelay * 2 ** attempt);
  return Math.round(random() * cap);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOutcome<T> {
  readonly ok: boolean;
  readonly value?: T;
  readonly error?: unknown;
  readonly attempts: number;
}

/**
 * Runs `work` until it succeeds, fails with an error that retrying cannot fix (unrecoverable or
 * fatal), or runs out of attempts. Never throws for work errors; the caller applies its policy.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  work: (attempt: number) => Promise<T>,
  options: { signal?: AbortSignal; onRetry?: (err: unknown, attempt: number, delay: number) => void } = {},
): Promise<RetryOutcome<T>> {
  let lastError: unknown;
  for (let attempt = 0; attempt < policy.attempts; attempt++) {
    try {
      return { ok: true, value: await work(attempt), attempts: attempt + 1 };
    } catch (err) {
      lastError = err;
      const kind = errorKind(err);
      if (kind === 'unrecoverable' || kind === 'fatal' || attempt + 1 >= policy.attempts || options.signal?.aborted) {
        return { ok: false, error: err, attempts: attempt + 1 };
      }
      const delay = kind === 'retryable' && attempt === 0 ? 0 : backoffDelay(policy, attempt);
      options.onRetry?.(err, attempt + 1, delay);
      await sleep(delay, options.signal).catch(() => undefined);
    }
  }
  return { ok: false, error: lastError, attempts: policy.attempts };
}
