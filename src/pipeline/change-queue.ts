import type { Transaction } from '../core/event.ts';
import type { Batch } from './batch.ts';

export interface QueueLimits {
  readonly maxRows: number;
  readonly maxBytes: number;
  readonly flushInterval: number;
  /** Read-ahead limit in bytes: above it the producer is asked to pause. */
  readonly maxQueueBytes: number;
}

/**
 * The bounded hand-off between the binlog reader and the targets. The reader pushes whole
 * transactions; `take` cuts batches on transaction boundaries by rows, bytes or time.
 */
export class ChangeQueue {
  private readonly limits: QueueLimits;
  private readonly items: Transaction[] = [];
  private head = 0;
  private rows = 0;
  private bytes = 0;
  private seq = 0;
  private firstAt = 0;
  private wake: (() => void) | undefined;
  private closed = false;
  /** Called when the queue crosses its limit (true) or drains below half of it (false). */
  onPressure: (full: boolean) => void = () => {};
  private full = false;

  constructor(limits: QueueLimits) {
    this.limits = limits;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  push(txn: Transaction): void {
    if (this.size === 0) this.firstAt = Date.now();
    this.items.push(txn);
    this.rows += txn.events.length;
    this.bytes += txn.bytes;
    if (!this.full && this.bytes >= this.limits.maxQueueBytes) {
      this.full = true;
      this.onPressure(true);
    }
    if (this.wake && (this.rows >= this.limits.maxRows || this.bytes >= this.limits.maxBytes)) this.wakeUp();
  }

  /** No more pushes; `take` returns what is left, then undefined. */
  close(): void {
    this.closed = true;
    this.wakeUp();
  }

  /** Waits for the next batch; undefined once closed and drained or when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<Batch | undefined> {
    for (;;) {
      if (signal?.aborted) return undefined;
      const ready = this.rows >= this.limits.maxRows || this.bytes >= this.limits.maxBytes ||
        (this.size > 0 && (this.closed || Date.now() - this.firstAt >= this.limits.flushInterval));
      if (ready) return this.cut();
      if (this.closed) return undefined;
      const wait = this.size > 0 ? Math.max(1, this.limits.flushInterval - (Date.now() - this.firstAt)) : this.limits.flushInterval;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        const onAbort = () => done();
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        }
        this.wake = done;
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      this.wake = undefined;
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private cut(): Batch {
    const taken: Transaction[] = [];
    let rows = 0;
    let bytes = 0;
    while (this.head < this.items.length) {
      const txn = this.items[this.head]!;
      if (taken.length > 0 && (rows + txn.events.length > this.limits.maxRows || bytes + txn.bytes > this.limits.maxBytes)) break;
      taken.push(txn);
      rows += txn.events.length;
      bytes += txn.bytes;
      this.head++;
    }
    this.rows -= rows;
    this.bytes -= bytes;
    // Drop references to what was taken, so memory is bounded by what is still queued.
    this.items.splice(0, this.head);
    this.head = 0;
    this.firstAt = Date.now();
    if (this.full && this.bytes < this.limits.maxQueueBytes / 2) {
      this.full = false;
      this.onPressure(false);
    }
    const last = taken[taken.length - 1]!;
    return { seq: ++this.seq, transactions: taken, rows, bytes, position: last.position, commitTime: last.commitTime };
  }
}
