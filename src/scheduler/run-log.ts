import type { Logger } from '../core/logger.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import type { AttemptRecord, FireStatus } from './fire-types.ts';
import { isFinal } from './fire-store.ts';
import { insertSql, marks, withRetry } from './store-sql.ts';

export interface FinalState {
  readonly status: Extract<FireStatus, 'succeeded' | 'failed' | 'cancelled' | 'skipped'>;
  readonly result?: unknown;
  readonly error?: string;
}

interface FireEntry {
  readonly id: string;
  readonly job: string;
  started?: number;
  attempts: number;
  final?: FinalState & { at: number };
  readonly attemptRows: Map<string, AttemptRecord>;
  waiters: (() => void)[];
}

const EXCERPT = 1000;
const attemptKey = (r: AttemptRecord) => `${r.shardIndex}:${r.attempt}`;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Fire status, attempts and daily aggregates, written in batches: everything that happened within
 * `flushMs` goes to the store in one transaction, so a node keeps up with 1,000+ fires per second.
 * A final status is written only over a pending or running fire (a fire finished twice, by an old
 * owner after a takeover, counts once), and the daily aggregate moves with it in the same commit.
 */
export class RunLog {
  private pending = new Map<string, FireEntry>();
  /** Attempt rows already inserted, per fire, so later changes are UPDATEs. */
  private readonly written = new Map<string, Set<string>>();
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly db: SqlDriver;
  private readonly node: string;
  private readonly logger: Logger;
  private readonly flushMs: number;
  private closed = false;
  private readonly quiet: (() => number) | undefined;
  private held = false;

  /** `quiet` says how long a flush should wait so it does not block fires about to be sent (see Dispatcher.quietIn). */
  constructor(db: SqlDriver, node: string, logger: Logger, flushMs = 50, quiet?: () => number) {
    this.db = db;
    this.node = node;
    this.logger = logger;
    this.flushMs = flushMs;
    this.quiet = quiet;
  }

  started(id: string, job: string, at: number, previousAttempts: number): void {
    const e = this.entry(id, job);
    e.started = at;
    e.attempts = Math.max(e.attempts, previousAttempts);
  }

  /** `record.attempt` already counts the attempts of earlier owners (the runner numbers from previousAttempts + 1). */
  attempt(id: string, job: string, record: AttemptRecord): void {
    const e = this.entry(id, job);
    const excerpt = record.excerpt && record.excerpt.length > EXCERPT ? record.excerpt.slice(0, EXCERPT) : record.excerpt;
    e.attemptRows.set(attemptKey(record), { ...record, ...(excerpt === undefined ? {} : { excerpt }) });
    e.attempts = Math.max(e.attempts, record.attempt);
  }

  /** Resolves once the final status is committed. */
  finished(id: string, job: string, state: FinalState, at: number): Promise<void> {
    const e = this.entry(id, job);
    e.final = { ...state, at };
    return new Promise((resolve) => e.waiters.push(resolve));
  }

  /** Writes what is queued now. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  private entry(id: string, job: string): FireEntry {
    let e = this.pending.get(id);
    if (!e) {
      e = { id, job, attempts: 0, attemptRows: new Map(), waiters: [] };
      this.pending.set(id, e);
    }
    if (!this.timer && !this.closed) this.timer = setTimeout(() => this.timed(), this.flushMs);
    return e;
  }

  /** A timed flush, held back once (never twice in a row, so it cannot starve) while fires are due. */
  private timed(): void {
    this.timer = undefined;
    const wait = this.held || this.closed ? 0 : this.quiet?.() ?? 0;
    this.held = wait > 0;
    if (wait > 0) this.timer = setTimeout(() => this.timed(), wait);
    else void this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    try {
      await withRetry(this.db, (tx) => this.writeBatch(tx, batch));
      for (const e of batch) {
        if (e.final) continue;
        const done = this.written.get(e.id) ?? new Set<string>();
        for (const k of e.attemptRows.keys()) done.add(k);
        this.written.set(e.id, done);
      }
    } catch (err) {
      this.logger.warn({ err, fires: batch.length }, 'cannot write fire status to the store; retrying');
      for (const e of batch) this.requeue(e);
      if (!this.timer && !this.closed) this.timer = setTimeout(() => this.timed(), 500);
      return;
    }
    for (const e of batch) {
      if (e.final) this.written.delete(e.id);
      for (const w of e.waiters) w();
    }
  }

  private requeue(e: FireEntry): void {
    const cur = this.pending.get(e.id);
    if (!cur) {
      this.pending.set(e.id, e);
      return;
    }
    for (const [k, r] of e.attemptRows) if (!cur.attemptRows.has(k)) cur.attemptRows.set(k, r);
    cur.started ??= e.started;
    cur.attempts = Math.max(cur.attempts, e.attempts);
    cur.final ??= e.final;
    cur.waiters.push(...e.waiters);
  }

  private async writeBatch(tx: SqlDriver, batch: readonly FireEntry[]): Promise<void> {
    const inserts: [string, AttemptRecord][] = [];
    for (const e of batch) {
      const done = this.written.get(e.id) ?? new Set<string>();
      for (const [k, r] of e.attemptRows) {
        if (done.has(k)) {
          await tx.run('UPDATE sluice_fire_attempts SET executor = ?, finished_at = ?, status = ?, http_status = ?, excerpt = ?, error = ? WHERE fire_id = ? AND shard_index = ? AND attempt = ?',
            [r.executor ?? null, r.finishedAt ?? null, r.status, r.httpStatus ?? null, r.excerpt ?? null, r.error ?? null, e.id, r.shardIndex, r.attempt]);
        } else inserts.push([e.id, r]);
      }
    }
    const cols = ['fire_id', 'shard_index', 'attempt', 'executor', 'node', 'started_at', 'finished_at', 'status', 'http_status', 'excerpt', 'error'];
    for (let i = 0; i < inserts.length; i += 100) {
      const chunk = inserts.slice(i, i + 100);
      await tx.run(insertSql('sluice_fire_attempts', cols, chunk.length),
        chunk.flatMap(([id, r]) => [id, r.shardIndex, r.attempt, r.executor ?? null, this.node, r.startedAt, r.finishedAt ?? null, r.status, r.httpStatus ?? null, r.excerpt ?? null, r.error ?? null]));
    }
    const finals = batch.filter((e) => e.final);
    const already = new Set<string>();
    for (let i = 0; i < finals.length; i += 200) {
      const ids = finals.slice(i, i + 200).map((e) => e.id);
      const rows = await tx.all<{ id: unknown; status: string }>(`SELECT id, status FROM sluice_fires WHERE id IN (${marks(ids.length)})`, ids);
      for (const r of rows) if (isFinal(r.status)) already.add(String(r.id));
    }
    const daily = new Map<string, { day: string; job: string; fires: number; succeeded: number; failed: number; ms: number }>();
    for (const e of batch) {
      if (e.final && !already.has(e.id)) {
        const f = e.final;
        const result = f.error === undefined ? f.result : { ...(f.result === undefined ? {} : { result: f.result }), error: f.error };
        await tx.run(`UPDATE sluice_fires SET status = ?, owner = ?, attempts = ?, started_at = COALESCE(started_at, ?), finished_at = ?, result_json = ?
                      WHERE id = ? AND status IN ('pending', 'running')`,
          [f.status, this.node, e.attempts, e.started ?? null, f.at, result === undefined ? null : JSON.stringify(result), e.id]);
        const key = `${utcDay(f.at)}|${e.job}`;
        const d = daily.get(key) ?? { day: utcDay(f.at), job: e.job, fires: 0, succeeded: 0, failed: 0, ms: 0 };
        d.fires++;
        if (f.status === 'succeeded') d.succeeded++;
        if (f.status === 'failed') d.failed++;
        d.ms += e.started === undefined ? 0 : Math.max(0, f.at - e.started);
        daily.set(key, d);
      } else if (!e.final && (e.started !== undefined || e.attemptRows.size > 0)) {
        await tx.run(`UPDATE sluice_fires SET status = 'running', owner = ?, attempts = ?, started_at = COALESCE(started_at, ?) WHERE id = ? AND status IN ('pending', 'running')`,
          [this.node, e.attempts, e.started ?? null, e.id]);
      }
    }
    for (const d of daily.values()) await addDaily(tx, d);
  }
}

async function addDaily(tx: SqlDriver, d: { day: string; job: string; fires: number; succeeded: number; failed: number; ms: number }): Promise<void> {
  const values = [d.day, d.job, d.fires, d.succeeded, d.failed, d.ms];
  if (tx.dialect === 'mysql') {
    await tx.run(`INSERT INTO sluice_job_daily (day, job, fires, succeeded, failed, total_ms) VALUES (?, ?, ?, ?, ?, ?)
                  ON DUPLICATE KEY UPDATE fires = fires + VALUES(fires), succeeded = succeeded + VALUES(succeeded), failed = failed + VALUES(failed), total_ms = total_ms + VALUES(total_ms)`, values);
  } else {
    await tx.run(`INSERT INTO sluice_job_daily (day, job, fires, succeeded, failed, total_ms) VALUES (?, ?, ?, ?, ?, ?)
                  ON CONFLICT (day, job) DO UPDATE SET fires = sluice_job_daily.fires + excluded.fires, succeeded = sluice_job_daily.succeeded + excluded.succeeded,
                  failed = sluice_job_daily.failed + excluded.failed, total_ms = sluice_job_daily.total_ms + excluded.total_ms`, values);
  }
}
