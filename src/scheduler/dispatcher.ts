import type { Logger } from '../core/logger.ts';
import type { FireRecord } from './fire-store.ts';
import type { AttemptRecord, FireContext, FireRunner } from './fire-types.ts';
import type { JobCache } from './job-store.ts';
import type { FinalState, RunLog } from './run-log.ts';
import type { SchedulerMetrics } from './scheduler-metrics.ts';
import type { Job } from './spec.ts';

type State = 'queued' | 'ready' | 'waiting' | 'running' | 'closing';

interface Tracked {
  readonly rec: FireRecord;
  state: State;
  timer?: NodeJS.Timeout;
  abort?: AbortController;
  job?: Job;
  /** The partition was lost: whatever this run ends with is not ours to record. */
  discarded: boolean;
}

export interface DispatcherOptions {
  readonly runner: FireRunner;
  readonly runLog: RunLog;
  readonly jobs: JobCache;
  readonly logger: Logger;
  readonly maxConcurrent: number;
  readonly metrics?: SchedulerMetrics;
  readonly clock?: () => number;
  /** After a fire's final status is committed (dependencies start from here). */
  readonly onFinished?: (fire: FireRecord, job: Job | undefined, final: FinalState) => void;
}

/**
 * Runs the fires of the partitions this node holds: each waits in a timer until its scheduled
 * time (late ones start at once), then the job's overlap policy decides (`skip` records it as
 * skipped, `queue-one` keeps one waiting, `allow` runs it), and at most `maxConcurrent` run at
 * once. A fire stays known here until its final status is committed, so a scan for open fires never
 * starts it twice on this node.
 */
export class Dispatcher {
  private readonly fires = new Map<string, Tracked>();
  private readonly runningByJob = new Map<string, number>();
  private readonly waitingByJob = new Map<string, Tracked>();
  /**
   * Fires due while `maxConcurrent` runs were going, oldest first, read from `readyHead`; a fire
   * forgotten meanwhile stays in the array and is skipped. (Array shift and indexOf made an
   * overloaded node spend most of its time moving this queue around.)
   */
  private ready: Tracked[] = [];
  private readyHead = 0;
  /** Scheduled instant → fires whose timer waits for it (fires of one instant leave as one burst). */
  private readonly upcoming = new Map<number, number>();
  private running = 0;
  private readonly o: DispatcherOptions;
  private readonly now: () => number;
  private idle: (() => void)[] = [];

  constructor(options: DispatcherOptions) {
    this.o = options;
    this.now = options.clock ?? Date.now;
  }

  has(id: string): boolean {
    return this.fires.has(id);
  }

  get size(): number {
    return this.fires.size;
  }

  /** Fires of `partition` started and not yet recorded as finished. */
  inFlight(partition: number): number {
    let n = 0;
    for (const t of this.fires.values()) if (t.rec.partition === partition && (t.state === 'running' || t.state === 'closing')) n++;
    return n;
  }

  add(records: readonly FireRecord[]): void {
    const now = this.now();
    for (const rec of records) {
      if (this.fires.has(rec.id)) continue;
      const t: Tracked = { rec, state: 'queued', discarded: false };
      this.fires.set(rec.id, t);
      this.upcoming.set(rec.scheduledAt, (this.upcoming.get(rec.scheduledAt) ?? 0) + 1);
      t.timer = setTimeout(() => this.due(t), Math.max(0, rec.scheduledAt - now));
    }
  }

  /**
   * How long to hold back store work (a planning round, a status flush) so it does not run while
   * fires are due: node:sqlite is synchronous, and a 50 ms commit started just before a burst of
   * fires holds all of them back. 0 when no fire is due within `guardMs`; otherwise until just
   * after the next due instant, by when its fires have been sent (they all leave in one turn of
   * the event loop). Callers wait at most once per piece of work, so it cannot starve.
   */
  quietIn(guardMs: number, now = this.now()): number {
    let next = Infinity;
    for (const at of this.upcoming.keys()) if (at < next) next = at;
    return next - now < guardMs ? Math.max(1, next - now + 1) : 0;
  }

  /** The fire's timer has fired or was cleared: it no longer counts towards its instant's burst. */
  private unqueue(t: Tracked): void {
    if (t.state !== 'queued') return;
    const at = t.rec.scheduledAt;
    const n = (this.upcoming.get(at) ?? 1) - 1;
    if (n > 0) this.upcoming.set(at, n);
    else this.upcoming.delete(at);
  }

  /** Forgets the fires of `partition` that have not started (they stay pending in the store for the next owner). */
  dropWaiting(partition: number): void {
    for (const t of [...this.fires.values()]) {
      if (t.rec.partition !== partition || t.state === 'running' || t.state === 'closing') continue;
      this.forget(t);
    }
  }

  /** The partition was lost: drop its waiting fires and abort its running ones without recording their end. */
  abandon(partition: number): void {
    this.dropWaiting(partition);
    for (const t of [...this.fires.values()]) {
      if (t.rec.partition !== partition || t.state !== 'running') continue;
      t.discarded = true;
      this.fires.delete(t.rec.id);
      t.abort?.abort(new Error('partition lease lost'));
    }
  }

  /**
   * Shutdown: waiting fires are left pending for the next owner, running ones get `graceMs` to end;
   * those still running then are aborted and left for the next owner to run again.
   */
  async stop(graceMs: number): Promise<void> {
    for (const t of [...this.fires.values()]) if (t.state === 'queued' || t.state === 'ready' || t.state === 'waiting') this.forget(t);
    this.ready = [];
    this.readyHead = 0;
    if (this.fires.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([new Promise<void>((r) => this.idle.push(r)), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
    }
    for (const t of [...this.fires.values()]) {
      if (t.state !== 'running') continue;
      t.discarded = true;
      this.fires.delete(t.rec.id);
      t.abort?.abort(new Error('scheduler stopping'));
    }
  }

  private forget(t: Tracked): void {
    clearTimeout(t.timer);
    this.unqueue(t);
    this.fires.delete(t.rec.id);
    if (this.waitingByJob.get(t.rec.job) === t) this.waitingByJob.delete(t.rec.job);
    this.checkIdle();
  }

  private due(t: Tracked): void {
    if (this.fires.get(t.rec.id) !== t) return;
    this.unqueue(t);
    const job = this.o.jobs.get(t.rec.job)?.job;
    if (!job) {
      this.close(t, { status: 'cancelled', error: `job "${t.rec.job}" no longer exists` });
      return;
    }
    t.job = job;
    // Overlap rules scheduled runs; run-now and dependency fires always run.
    const scheduled = t.rec.trigger === 'schedule' || t.rec.trigger === 'misfire';
    if (scheduled && job.overlap !== 'allow' && (this.runningByJob.get(job.name) ?? 0) > 0) {
      if (job.overlap === 'queue-one' && !this.waitingByJob.has(job.name)) {
        t.state = 'waiting';
        this.waitingByJob.set(job.name, t);
        return;
      }
      this.close(t, { status: 'skipped', result: { reason: 'overlap', overlap: job.overlap } });
      return;
    }
    this.start(t);
  }

  private start(t: Tracked): void {
    if (this.running >= this.o.maxConcurrent) {
      t.state = 'ready';
      this.ready.push(t);
      return;
    }
    const job = t.job!;
    const rec = t.rec;
    t.state = 'running';
    t.abort = new AbortController();
    this.running++;
    this.runningByJob.set(job.name, (this.runningByJob.get(job.name) ?? 0) + 1);
    this.o.metrics?.inFlight.set(this.running);
    const startedAt = this.now();
    this.o.metrics?.lag.observe({ trigger: rec.trigger }, Math.max(0, startedAt - rec.scheduledAt) / 1000);
    this.o.runLog.started(rec.id, rec.job, startedAt, rec.attempts);
    const ctx: FireContext = {
      fireId: rec.id, job, trigger: rec.trigger, scheduledAt: rec.scheduledAt, previousAttempts: rec.attempts,
      rootFireId: rec.rootFireId ?? rec.id, ...(rec.parentFireId ? { parentFireId: rec.parentFireId } : {}),
      params: { ...job.params, ...rec.params },
    };
    const hooks = { attempt: (r: AttemptRecord) => {
      if (!t.discarded) this.o.runLog.attempt(rec.id, rec.job, r);
    } };
    this.o.runner.run(ctx, hooks, t.abort.signal).then(
      (outcome) => this.ended(t, outcome.error === undefined ? { status: outcome.status, result: outcome.result } : { status: outcome.status, result: outcome.result, error: outcome.error }),
      (err: unknown) => this.ended(t, { status: 'failed', error: (err as Error)?.message ?? String(err) }),
    );
  }

  private ended(t: Tracked, final: FinalState): void {
    this.running--;
    const job = t.rec.job;
    const left = (this.runningByJob.get(job) ?? 1) - 1;
    if (left > 0) this.runningByJob.set(job, left);
    else this.runningByJob.delete(job);
    this.o.metrics?.inFlight.set(this.running);
    if (!t.discarded) this.close(t, final);
    const waiting = this.waitingByJob.get(job);
    if (waiting && left === 0) {
      this.waitingByJob.delete(job);
      this.start(waiting);
    }
    while (this.running < this.o.maxConcurrent) {
      const next = this.takeReady();
      if (!next) break;
      this.start(next);
    }
    this.checkIdle();
  }

  private takeReady(): Tracked | undefined {
    while (this.readyHead < this.ready.length) {
      const t = this.ready[this.readyHead++]!;
      if (this.readyHead >= 1024 && this.readyHead * 2 >= this.ready.length) {
        this.ready = this.ready.slice(this.readyHead);
        this.readyHead = 0;
      }
      if (t.state === 'ready' && this.fires.get(t.rec.id) === t) return t;
    }
    return undefined;
  }

  private close(t: Tracked, final: FinalState): void {
    t.state = 'closing';
    this.o.metrics?.fires.inc({ job: t.rec.job, status: final.status });
    void this.o.runLog.finished(t.rec.id, t.rec.job, final, this.now()).then(() => {
      if (this.fires.get(t.rec.id) === t) this.fires.delete(t.rec.id);
      this.checkIdle();
      try {
        this.o.onFinished?.(t.rec, t.job, final);
      } catch (err) {
        this.o.logger.error({ err, fire: t.rec.id }, 'after-fire step failed');
      }
    });
  }

  private checkIdle(): void {
    if (this.fires.size > 0 || this.idle.length === 0) return;
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }
}
