/** Anything the harness starts. */
export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Starts several services at once. If any fails, the ones that did start are stopped before the
 * error is thrown, so a failed `before()` never leaves a server running behind the test.
 */
export async function startAll<T extends readonly Stoppable[]>(
  ...starters: { [K in keyof T]: () => Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(starters.map((start) => start()));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (!failed) return settled.map((s) => (s as PromiseFulfilledResult<Stoppable>).value) as unknown as T;
  await Promise.allSettled(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
  throw failed.reason;
}
