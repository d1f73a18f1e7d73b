import type { Sink, SinkRecord } from '../connectors/types.ts';
import { eventToJson, type ChangeEvent, type Op, type TableSchema } from '../core/event.ts';
import { errorKind, errorMessage, sluiceError, SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import type { Batch } from './batch.ts';
import { withRetry, type RetryPolicy } from './retry.ts';

export interface TargetRunnerOptions {
  readonly pipeline: string;
  readonly name: string;
  readonly sink: Sink;
  readonly rules: readonly CompiledRule[];
  readonly retry: RetryPolicy;
  readonly onFailure: 'dlq' | 'stop';
  readonly maxRows: number;
  readonly store: MetadataStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * Delivers batches to one target: applies the target's rules, writes in slices, retries with
 * backoff, isolates rejected rows by bisection, and dead-letters what cannot be written.
 * `deliver` resolves only when every record is acknowledged or safely in the dead-letter store.
 */
export class TargetRunner {
  private readonly o: TargetRunnerOptions;
  /** Rule per table version; TableSchema objects are shared by all events of a table version. */
  private readonly ruleCache = new WeakMap<TableSchema, CompiledRule | null>();
  /** The previous batch's delivery: outcomes are settled in batch order. */
  private previous: Promise<void> = Promise.resolve();
  /** Replays started so far, and whether one is running now. */
  private replays = 0;
  private replaying = false;

  constructor(options: TargetRunnerOptions) {
    this.o = options;
  }

  get name(): string {
    return this.o.name;
  }

  private ruleFor(e: ChangeEvent): CompiledRule | null {
    let rule = this.ruleCache.get(e.schema);
    if (rule === undefined) {
      rule = this.o.rules.find((r) => r.matches(e.db, e.table)) ?? null;
      this.ruleCache.set(e.schema, rule);
    }
    return rule;
  }

  toRecords(batch: Batch): SinkRecord[] {
    const records: SinkRecord[] = [];
    for (const txn of batch.transactions) {
      for (const event of txn.events) {
        const rule = this.ruleFor(event);
        if (!rule) continue;
        records.push({
          event, rule, key: event.key,
          row: event.after ? rule.transform(event.after, event.schema) : null,
          before: event.before ? rule.transform(event.before, event.schema) : null,
        });
      }
    }
    return records;
  }

  /**
   * Writes a batch. For an ordered sink every slice goes out at once, without waiting for earlier
   * batches (their writes are ahead of it on the same connection); the outcome is settled strictly
   * in batch order. If a slice fails, the slices from the first failed one on are written again one
   * by one, in order, with retries. A replay re-applies older rows, so every batch whose first
   * attempt went out before or during a replay is replayed after it, too: writes are idempotent,
   * and replaying in order restores the right final state. Resolves once every record is
   * acknowledged or dead-lettered.
   */
  deliver(batch: Batch, signal?: AbortSignal): Promise<void> {
    const records = this.toRecords(batch);
    const slices: SinkRecord[][] = [];
    for (let i = 0; i < records.length; i += this.o.maxRows) slices.push(records.slice(i, i + this.o.maxRows));
    const { ordered } = this.o.sink;
    const sentAt = { replays: this.replays, duringReplay: this.replaying };
    const timer = this.o.metrics.batchSeconds.startTimer({ target: this.o.name });
    const firstAttempt = ordered ? Promise.allSettled(slices.map((slice) => this.o.sink.write(slice, signal))) : undefined;
    const done = this.previous.then(async () => {
      const results = firstAttempt ? await firstAttempt : await this.writeOneByOne(slices, signal);
      timer();
      let from = results.findIndex((r) => r.status === 'rejected');
      if (ordered && (sentAt.duringReplay || sentAt.replays !== this.replays)) from = 0;
      if (from >= 0) {
        this.o.metrics.retries.inc({ target: this.o.name });
        this.replays++;
        this.replaying = true;
        try {
          for (const slice of slices.slice(from)) await this.writeSlice(slice, signal);
        } finally {
          this.replaying = false;
        }
      }
      if (records.length > 0) countByTable(records.map((r) => r.event), (table, op, n) => this.o.metrics.eventsOut.inc({ target: this.o.name, table, op }, n));
      this.o.metrics.lagSeconds.set({ target: this.o.name }, Math.max(0, (Date.now() - batch.commitTime) / 1000));
    });
    this.previous = done.catch(() => undefined);
    return done;
  }

  /** An unordered sink's first attempt: one slice at a time, stopping at the first failure. */
  private async writeOneByOne(slices: readonly SinkRecord[][], signal?: AbortSignal): Promise<PromiseSettledResult<void>[]> {
    const results: PromiseSettledResult<void>[] = [];
    for (const slice of slices) {
      try {
        await this.o.sink.write(slice, signal);
        results.push({ status: 'fulfilled', value: undefined });
      } catch (reason) {
        results.push({ status: 'rejected', reason });
        break;
      }
    }
    return results;
  }

  private async writeSlice(records: SinkRecord[], signal?: AbortSignal): Promise<void> {
    const timer = this.o.metrics.batchSeconds.startTimer({ target: this.o.name });
    const outcome = await withRetry(this.o.retry, () => this.o.sink.write(records, signal), {
      signal,
      onRetry: (err, attempt, delay) => {
        this.o.metrics.retries.inc({ target: this.o.name });
        this.o.logger.warn({ target: this.o.name, attempt, delayMs: delay, code: (err as SluiceError).code, err: errorMessage(err) }, 'write failed, retrying');
      },
    });
    timer();
    if (outcome.ok) return;
    if (signal?.aborted) throw outcome.error;
    const kind = errorKind(outcome.error);
    if (kind === 'fatal') throw outcome.error;
    if (kind === 'unrecoverable' && records.length > 1) {
      // Some record is rejected: split to find it, so the good records still land.
      const mid = Math.ceil(records.length / 2);
      await this.writeSlice(records.slice(0, mid), signal);
      await this.writeSlice(records.slice(mid), signal);
      return;
    }
    await this.fail(records, outcome.error, outcome.attempts);
  }

  private async fail(records: readonly SinkRecord[], error: unknown, attempts: number): Promise<void> {
    const code = error instanceof SluiceError ? error.code : 'SLUICE_3001';
    const last = records[records.length - 1]!.event;
    if (this.o.onFailure === 'stop') {
      throw sluiceError('SLUICE_4001', `target ${this.o.name}: ${errorMessage(error)}`, { cause: error, details: { target: this.o.name, position: last.position } });
    }
    await this.o.store.addDeadLetter({
      pipeline: this.o.pipeline, target: this.o.name, errorCode: code, errorMessage: errorMessage(error), attempts,
      position: last.position, events: records.map((r) => eventToJson(r.event)),
    });
    this.o.metrics.deadLettered.inc({ target: this.o.name }, records.length);
    this.o.logger.error({ target: this.o.name, code, rows: records.length, err: errorMessage(error) }, 'rows dead-lettered');
  }
}

const ops: readonly Op[] = ['insert', 'update', 'delete'];

/** Counts events per table and op without building a string per event (metrics run per batch). */
export function countByTable(events: Iterable<ChangeEvent>, emit: (table: string, op: Op, n: number) => void): void {
  const counts = new Map<TableSchema, [number, number, number]>();
  for (const e of events) {
    let c = counts.get(e.schema);
    if (!c) counts.set(e.schema, (c = [0, 0, 0]));
    c[e.op === 'insert' ? 0 : e.op === 'update' ? 1 : 2]++;
  }
  const byName = new Map<string, [number, number, number]>();
  for (const [schema, c] of counts) {
    const name = `${schema.db}.${schema.table}`;
    const total = byName.get(name);
    if (total) c.forEach((n, i) => (total[i] = total[i]! + n));
    else byName.set(name, c);
  }
  for (const [name, c] of byName) c.forEach((n, i) => n > 0 && emit(name, ops[i]!, n));
}
