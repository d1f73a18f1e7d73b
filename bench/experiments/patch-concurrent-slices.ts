/**
 * Preload (--import): TargetRunner.deliver sends every slice of a batch at once (node-redis keeps
 * them in order on its one connection) instead of awaiting each slice before sending the next.
 * Failure handling is unchanged per slice; only the waiting between slices goes away.
 */
import type { SinkRecord } from '../../src/connectors/types.ts';
import type { Batch } from '../../src/pipeline/batch.ts';
import { TargetRunner } from '../../src/pipeline/target-runner.ts';

type Internals = {
  o: { maxRows: number; metrics: { lagSeconds: { set(l: object, v: number): void } }; name: string };
  writeSlice(records: SinkRecord[], signal?: AbortSignal): Promise<void>;
  count(records: readonly SinkRecord[]): void;
};

TargetRunner.prototype.deliver = async function (this: TargetRunner, batch: Batch, signal?: AbortSignal): Promise<void> {
  const self = this as unknown as Internals;
  const records = this.toRecords(batch);
  const slices: Promise<void>[] = [];
  for (let i = 0; i < records.length; i += self.o.maxRows) slices.push(self.writeSlice(records.slice(i, i + self.o.maxRows), signal));
  await Promise.all(slices);
  if (records.length > 0) self.count(records);
  self.o.metrics.lagSeconds.set({ target: self.o.name }, Math.max(0, (Date.now() - batch.commitTime) / 1000));
};
