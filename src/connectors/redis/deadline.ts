import { sluiceError } from '../../core/errors.ts';

/**
 * Settles like `work`, unless `ms` pass first (SLUICE_3003, a backoff error) or `signal` aborts
 * (its reason). The work itself is not cancelled; a late rejection is absorbed.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  signal?.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      cleanup();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(sluiceError('SLUICE_3003', `Redis ${what} took longer than ${ms} ms`, { details: { timeoutMs: ms } }));
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
    function cleanup(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    work.then(
      (value) => {
        cleanup();
        resolve(value);
      },
      (err: unknown) => {
        cleanup();
        reject(err);
      },
    );
  });
}
