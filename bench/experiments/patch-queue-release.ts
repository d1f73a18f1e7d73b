/**
 * Preload (--import): ChangeQueue drops its references to the transactions a batch took.
 * In src, `cut()` only compacts `items` once more than 1024 transactions were consumed, so up to
 * 1024 consumed transactions (with all their events) stay reachable whatever queue.maxBytes says:
 * with 5,000-row transactions, the whole 1M-row run stays on the heap.
 */
import { ChangeQueue } from '../../src/pipeline/change-queue.ts';

type Internals = { items: unknown[]; head: number; cut(): unknown };
const proto = ChangeQueue.prototype as unknown as Internals;
const { cut } = proto;
proto.cut = function (this: Internals) {
  const batch = cut.call(this);
  if (this.head > 0) {
    this.items.splice(0, this.head);
    this.head = 0;
  }
  return batch;
};
