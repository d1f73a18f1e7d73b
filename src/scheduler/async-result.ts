import type { MetadataStore } from '../store/metadata-store.ts';

/** What an async executor posted for one attempt of one shard. */
export interface CallbackResult {
  readonly status: 'succeeded' | 'failed';
  readonly output?: unknown;
}

interface Waiter {
  readonly fireId: string;
  readonly key: string;
  resolve(result: CallbackResult | undefined): void;
}

interface CallbackRow { fire_id: number | string; shard_index: number | string; attempt: number | string; status: string; body: string | null }

const keyOf = (fireId: string, shardIndex: number, attempt: number) => `${fireId}:${shardIndex}:${attempt}`;

/** Every AsyncResults of this process: the node server hands a result it stored to them at once. */
const local = new Set<AsyncResults>();

/** Called by the node server after it stored a result, so a waiter on this node need not poll for it. */
export function announceResult(fireId: string, shardIndex: number, attempt: number, result: CallbackResult): void {
  for (const results of local) results.deliver(fireId, shardIndex, attempt, result);
}

function parseRow(row: CallbackRow): CallbackResult {
  let output: unknown;
  try {
    output = row.body === null ? undefined : JSON.parse(row.body);
  } catch {
    output = row.body;
  }
  return { status: row.status === 'succeeded' ? 'succeeded' : 'failed', ...(output === undefined ? {} : { output }) };
}

/**
 * Waits for the results of async attempts (rows of sluice_fire_callbacks). A result posted to
 * this node's own server arrives at once; one posted to another node sharing the store is found
 * by one query per `pollMs` for all waiting attempts together.
 */
export class AsyncResults {
  private readonly store: MetadataStore;
  private readonly pollMs: number;
  private readonly waiters = new Map<string, Waiter>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(store: MetadataStore, pollMs = 250) {
    this.store = store;
    this.pollMs = pollMs;
    local.add(this);
  }

  /**
   * Registers the attempt before its request is sent (a fast executor may answer before the 202
   * is read); the promise ends with the result, or undefined when `signal` aborts (deadline, cancel).
   */
  expect(fireId: string, shardIndex: number, attempt: number, signal: AbortSignal): { result: Promise<CallbackResult | undefined>; cancel(): void } {
    const key = keyOf(fireId, shardIndex, attempt);
    let settle!: (r: CallbackResult | undefined) => void;
    const result = new Promise<CallbackResult | undefined>((resolve) => (settle = resolve));
    const done = (r: CallbackResult | undefined) => {
      if (this.waiters.get(key)?.resolve !== done) return;
      this.waiters.delete(key);
      signal.removeEventListener('abort', onAbort);
      settle(r);
      if (this.waiters.size === 0) this.stop();
    };
    const onAbort = () => done(undefined);
    this.waiters.set(key, { fireId, key, resolve: done });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) done(undefined);
    else this.start();
    return { result, cancel: () => done(undefined) };
  }

  deliver(fireId: string, shardIndex: number, attempt: number, result: CallbackResult): void {
    this.waiters.get(keyOf(fireId, shardIndex, attempt))?.resolve(result);
  }

  close(): void {
    local.delete(this);
    for (const w of [...this.waiters.values()]) w.resolve(undefined);
    this.stop();
  }

  private start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async poll(): Promise<void> {
    if (this.polling || this.waiters.size === 0) return;
    this.polling = true;
    try {
      const fires = [...new Set([...this.waiters.values()].map((w) => w.fireId))];
      for (let i = 0; i < fires.length; i += 500) {
        const ids = fires.slice(i, i + 500);
        const rows = await this.store.db.all<CallbackRow>(
          `SELECT fire_id, shard_index, attempt, status, body FROM sluice_fire_callbacks WHERE fire_id IN (${ids.map(() => '?').join(', ')})`,
          ids.map((id) => (/^\d{1,15}$/.test(id) ? Number(id) : id)));
        for (const row of rows) {
          this.waiters.get(keyOf(String(row.fire_id), Number(row.shard_index), Number(row.attempt)))?.resolve(parseRow(row));
        }
      }
    } catch {
      // The store is briefly unavailable: the next tick asks again; the deadline still ends the wait.
    } finally {
      this.polling = false;
    }
  }
}
