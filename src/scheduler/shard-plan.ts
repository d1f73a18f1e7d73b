import type { Job } from './spec.ts';

/** One request of a fire: shard `index` of `total`, carrying its items (none when not sharded). */
export interface Shard {
  readonly index: number;
  readonly total: number;
  readonly items: readonly string[];
}

/** The job's shard items: `shards.items`, or `"0".."count-1"`; undefined when it is not sharded. */
export function shardItems(job: Pick<Job, 'shards'>): string[] | undefined {
  if (!job.shards) return undefined;
  if (job.shards.items) return [...job.shards.items];
  return Array.from({ length: job.shards.count ?? 1 }, (_, i) => String(i));
}

/**
 * gojob's split: the items in contiguous blocks, one block per online executor, the remainder
 * one extra item each for the first executors (10 items on 3 → 4, 3, 3). Never more shards than
 * items; an unsharded job is one shard with no items. With no executor online the fire still
 * has its shards (one per item block of a single executor), so each one fails and retries on its own.
 */
export function planShards(items: readonly string[] | undefined, executors: number): Shard[] {
  if (items === undefined) return [{ index: 0, total: 1, items: [] }];
  if (items.length === 0) return [];
  const total = Math.max(1, Math.min(executors, items.length));
  const size = Math.floor(items.length / total);
  const extra = items.length % total;
  const shards: Shard[] = [];
  let at = 0;
  for (let index = 0; index < total; index++) {
    const n = size + (index < extra ? 1 : 0);
    shards.push({ index, total, items: items.slice(at, at + n) });
    at += n;
  }
  return shards;
}
