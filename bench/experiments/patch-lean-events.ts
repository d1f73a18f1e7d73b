/**
 * Preload (--import): removes per-row string building on the consumer side. Metrics are counted
 * per table version (TableSchema object) instead of a `db.table\0op` string per event, and the
 * target runner's rule lookup is cached by TableSchema instead of a `db.table` string per event.
 */
import type { ChangeEvent, TableSchema } from '../../src/core/event.ts';
import type { Metrics } from '../../src/core/metrics.ts';
import type { Batch } from '../../src/pipeline/batch.ts';
import { StreamPipeline } from '../../src/pipeline/stream-pipeline.ts';
import { TargetRunner } from '../../src/pipeline/target-runner.ts';
import type { CompiledRule } from '../../src/rules/compiled-rule.ts';
import type { SinkRecord } from '../../src/connectors/types.ts';

type OpCounts = { insert: number; update: number; delete: number };

/** Counts per table version; consecutive events of one table (the common case) share one lookup. */
class Tally {
  readonly counts = new Map<TableSchema, OpCounts>();
  #last: TableSchema | undefined;
  #current: OpCounts | undefined;

  add(e: ChangeEvent): void {
    if (e.schema !== this.#last) {
      this.#last = e.schema;
      this.#current = this.counts.get(e.schema);
      if (this.#current === undefined) this.counts.set(e.schema, (this.#current = { insert: 0, update: 0, delete: 0 }));
    }
    this.#current![e.op]++;
  }
}

(StreamPipeline.prototype as unknown as { countIn(batch: Batch): void }).countIn = function (this: { deps: { metrics: Metrics } }, batch: Batch): void {
  const tally = new Tally();
  for (const txn of batch.transactions) for (const e of txn.events) tally.add(e);
  for (const [s, c] of tally.counts) {
    for (const op of ['insert', 'update', 'delete'] as const) if (c[op] > 0) this.deps.metrics.eventsIn.inc({ table: `${s.db}.${s.table}`, op }, c[op]);
  }
};

type RunnerInternals = { o: { name: string; rules: readonly CompiledRule[]; metrics: Metrics } };
const ruleCaches = new WeakMap<object, WeakMap<TableSchema, CompiledRule | null>>();

const proto = TargetRunner.prototype as unknown as {
  count(records: readonly SinkRecord[]): void;
  ruleFor(e: ChangeEvent): CompiledRule | null;
};
proto.count = function (this: RunnerInternals, records: readonly SinkRecord[]): void {
  const tally = new Tally();
  for (const r of records) tally.add(r.event);
  for (const [s, c] of tally.counts) {
    for (const op of ['insert', 'update', 'delete'] as const) if (c[op] > 0) this.o.metrics.eventsOut.inc({ target: this.o.name, table: `${s.db}.${s.table}`, op }, c[op]);
  }
};
proto.ruleFor = function (this: RunnerInternals, e: ChangeEvent): CompiledRule | null {
  let cache = ruleCaches.get(this);
  if (cache === undefined) ruleCaches.set(this, (cache = new WeakMap()));
  let rule = cache.get(e.schema);
  if (rule === undefined) {
    rule = this.o.rules.find((r) => r.matches(e.db, e.table)) ?? null;
    cache.set(e.schema, rule);
  }
  return rule;
};
