import type { Logger } from '../core/logger.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { checkSchedule } from './cron-schedule.ts';
import { partitionOf } from './partition.ts';
import { jobSchema, type Job } from './spec.ts';
import { chunked, insertIgnoreSql, marks, num, numOrUndef, withRetry } from './store-sql.ts';

export type NextFireAfter = (schedule: NonNullable<Job['schedule']>, afterMs: number) => number | undefined;

/** A row of sluice_jobs with its definition parsed. */
export interface StoredJob {
  readonly name: string;
  readonly job: Job;
  readonly origin: 'config' | 'store';
  readonly partition: number;
  readonly nextFireAt: number | undefined;
  readonly updatedAt: number;
  /**
   * Why the job cannot be scheduled (its stored schedule fails `checkSchedule`: cron syntax, time
   * zone, start/end). Such a job is kept without its schedule: it never fires on its own, but it
   * can still be run by hand and after its parents, and no planning round ever meets the bad schedule.
   */
  readonly problem?: string;
}

interface JobRow { name: string; definition: string; origin: string; enabled: number | string; partition_no: number | string; next_fire_at: unknown; updated_at: unknown }

/**
 * The first slot of a job from `now` on: undefined when disabled, without a schedule, past its
 * end, or when the schedule cannot be computed (then `onError` hears why; the job does not fire
 * on schedule, and the other jobs are not held up by it).
 */
export function firstFire(job: Job, now: number, nextFireAfter: NextFireAfter, onError?: (err: unknown) => void): number | undefined {
  if (!job.enabled || !job.schedule) return undefined;
  try {
    return nextFireAfter(job.schedule, now);
  } catch (err) {
    onError?.(err);
    return undefined;
  }
}

export interface SyncSummary { readonly added: number; readonly changed: number; readonly removed: number; readonly shadowed: string[] }

/**
 * Makes sluice_jobs hold the config file's jobs (origin `config`): new ones are inserted, changed
 * ones updated (with a compare-and-set on the old definition, so several nodes starting at once
 * apply each change once), ones gone from the file deleted. A changed schedule or enabled flag
 * recomputes next_fire_at; jobs created in the store (origin `store`) are left alone. A change of
 * `scheduler.partitions` moves every job to its new partition.
 */
export async function syncConfigJobs(db: SqlDriver, jobs: readonly Job[], partitions: number, nextFireAfter: NextFireAfter, now = Date.now(), logger?: Logger): Promise<SyncSummary> {
  const first = (job: Job) => firstFire(job, now, nextFireAfter, (err) => logger?.error({ job: job.name, err }, 'cannot compute the first fire of the job; it does not fire on schedule until its schedule is fixed'));
  return withRetry(db, async (tx) => {
    const rows = await tx.all<JobRow>('SELECT name, definition, origin, enabled, partition_no, next_fire_at, updated_at FROM sluice_jobs');
    const existing = new Map(rows.map((r) => [r.name, r]));
    const fresh: Job[] = [];
    let changed = 0;
    const shadowed: string[] = [];
    for (const job of jobs) {
      const row = existing.get(job.name);
      const definition = JSON.stringify(job);
      const partition = partitionOf(job.name, partitions);
      if (!row) {
        fresh.push(job);
        continue;
      }
      if (row.origin !== 'config') {
        shadowed.push(job.name);
        continue;
      }
      if (row.definition === definition && num(row.partition_no) === partition) continue;
      const old = safeParse(row.definition);
      const scheduleChanged = !old || JSON.stringify(old.schedule) !== JSON.stringify(job.schedule) || old.enabled !== job.enabled;
      const next = scheduleChanged ? first(job) ?? null : numOrUndef(row.next_fire_at) ?? null;
      await tx.run('UPDATE sluice_jobs SET definition = ?, enabled = ?, partition_no = ?, next_fire_at = ?, updated_at = ? WHERE name = ? AND definition = ?',
        [definition, job.enabled ? 1 : 0, partition, next, now, job.name, row.definition]);
      changed++;
    }
    await chunked(fresh, 200, (chunk) => tx.run(
      insertIgnoreSql(tx.dialect, 'sluice_jobs', ['name', 'definition', 'origin', 'enabled', 'partition_no', 'next_fire_at', 'updated_at'], chunk.length),
      chunk.flatMap((j) => [j.name, JSON.stringify(j), 'config', j.enabled ? 1 : 0, partitionOf(j.name, partitions), first(j) ?? null, now])));
    const names = new Set(jobs.map((j) => j.name));
    const gone = rows.filter((r) => r.origin === 'config' && !names.has(r.name)).map((r) => r.name);
    await chunked(gone, 200, (chunk) => tx.run(`DELETE FROM sluice_jobs WHERE origin = 'config' AND name IN (${marks(chunk.length)})`, chunk));
    // Store jobs follow a change of the partition count too.
    for (const r of rows) {
      if (r.origin !== 'config' && num(r.partition_no) !== partitionOf(r.name, partitions)) {
        await tx.run('UPDATE sluice_jobs SET partition_no = ?, updated_at = ? WHERE name = ?', [partitionOf(r.name, partitions), now, r.name]);
      }
    }
    return { added: fresh.length, changed, removed: gone.length, shadowed };
  });
}

function safeParse(definition: string): Job | undefined {
  try {
    return jobSchema.parse(JSON.parse(definition));
  } catch {
    return undefined;
  }
}

/** Reports a stored job that is ignored or cannot be scheduled; JobCache asks once per stored version. */
export type RejectedJob = (name: string, updatedAt: number, reason: string, ignored: boolean) => void;

function toStored(r: JobRow, logger?: Logger, rejected?: RejectedJob): StoredJob | undefined {
  const updatedAt = num(r.updated_at);
  const job = safeParse(r.definition);
  if (!job) {
    if (rejected) rejected(r.name, updatedAt, 'the definition is not a valid job', true);
    else logger?.warn({ job: r.name }, 'job definition in the store is not valid; the job is ignored');
    return undefined;
  }
  const base = { name: r.name, origin: r.origin === 'store' ? 'store' as const : 'config' as const, partition: num(r.partition_no), nextFireAt: numOrUndef(r.next_fire_at), updatedAt };
  const problem = job.schedule && checkSchedule(job.schedule);
  if (problem) {
    if (rejected) rejected(r.name, updatedAt, problem, false);
    else logger?.warn({ job: r.name, problem }, 'the stored schedule of the job is not valid; it does not fire on schedule (run-now and dependencies still work)');
    const { schedule: _bad, ...rest } = job;
    return { ...base, job: rest, problem };
  }
  return { ...base, job };
}

/** Every job in the store (or just `names`). */
export async function loadJobs(db: SqlDriver, names?: readonly string[], logger?: Logger, rejected?: RejectedJob): Promise<StoredJob[]> {
  const cols = 'SELECT name, definition, origin, enabled, partition_no, next_fire_at, updated_at FROM sluice_jobs';
  const rows: JobRow[] = [];
  if (names === undefined) rows.push(...await db.all<JobRow>(`${cols} ORDER BY name`));
  else await chunked(names, 500, async (chunk) => void rows.push(...await db.all<JobRow>(`${cols} WHERE name IN (${marks(chunk.length)})`, chunk)));
  return rows.map((r) => toStored(r, logger, rejected)).filter((j): j is StoredJob => j !== undefined);
}

/**
 * The parsed definitions of every job, kept current by `refresh()`, which reads only names and
 * update times and fetches the definitions that changed (10,000 jobs cost one small query).
 */
export class JobCache {
  private readonly jobs = new Map<string, StoredJob>();
  /** Ignored definitions (not a valid job) by name → the updated_at of the version reported. */
  private readonly ignored = new Map<string, number>();
  /** Jobs kept without their invalid schedule, by name → the updated_at of the version reported. */
  private readonly unschedulable = new Map<string, number>();
  private readonly db: SqlDriver;
  private readonly logger: Logger | undefined;
  private readonly rejected: RejectedJob;

  constructor(db: SqlDriver, logger?: Logger) {
    this.db = db;
    this.logger = logger;
    // Each bad version is reported once, not at every refresh (every 2 s) or planning round.
    this.rejected = (name, updatedAt, reason, ignored) => {
      const seen = ignored ? this.ignored : this.unschedulable;
      if (seen.get(name) === updatedAt) return;
      seen.set(name, updatedAt);
      if (ignored) this.logger?.warn({ job: name, reason }, 'job definition in the store is not valid; the job is ignored');
      else this.logger?.error({ job: name, problem: reason }, 'the stored schedule of the job is not valid; it does not fire on schedule until it is fixed (run-now and dependencies still work)');
    };
  }

  get(name: string): StoredJob | undefined {
    return this.jobs.get(name);
  }

  all(): StoredJob[] {
    return [...this.jobs.values()];
  }

  /** Re-reads what changed; returns the names of jobs added, changed or removed. */
  async refresh(): Promise<string[]> {
    const heads = await this.db.all<{ name: string; updated_at: unknown }>('SELECT name, updated_at FROM sluice_jobs');
    const seen = new Set<string>();
    const stale: string[] = [];
    for (const h of heads) {
      seen.add(h.name);
      const cur = this.jobs.get(h.name);
      const updatedAt = num(h.updated_at);
      // A version already found invalid is not read again until it changes.
      if ((!cur || cur.updatedAt !== updatedAt) && this.ignored.get(h.name) !== updatedAt) stale.push(h.name);
    }
    const removed = [...this.jobs.keys()].filter((n) => !seen.has(n));
    for (const n of removed) this.jobs.delete(n);
    for (const n of [...this.ignored.keys(), ...this.unschedulable.keys()]) {
      if (!seen.has(n)) {
        this.ignored.delete(n);
        this.unschedulable.delete(n);
      }
    }
    const loaded = await loadJobs(this.db, stale, this.logger, this.rejected);
    for (const j of loaded) this.jobs.set(j.name, j);
    // A job whose new version is not valid any more is gone from the cache (its fires are cancelled).
    const valid = new Set(loaded.map((j) => j.name));
    for (const n of stale) if (!valid.has(n)) this.jobs.delete(n);
    return [...stale, ...removed];
  }

  /** Makes sure the given jobs are loaded at the version `updatedAt` (or newer). */
  async ensure(wanted: readonly { name: string; updatedAt: number }[]): Promise<void> {
    const missing = wanted.filter((w) => (this.jobs.get(w.name)?.updatedAt ?? -1) < w.updatedAt && (this.ignored.get(w.name) ?? -1) < w.updatedAt).map((w) => w.name);
    if (missing.length > 0) for (const j of await loadJobs(this.db, missing, this.logger, this.rejected)) this.jobs.set(j.name, j);
  }
}

/**
 * `next` with equal schedules shared: the cron module caches its parsed cron per schedule object,
 * and 10,000 jobs with a handful of distinct crons should parse a handful, not 10,000 (3 s at start).
 */
export function sharedSchedules(next: NextFireAfter): NextFireAfter {
  const canonical = new Map<string, NonNullable<Job['schedule']>>();
  const byObject = new WeakMap<object, NonNullable<Job['schedule']>>();
  return (schedule, afterMs) => {
    let s = byObject.get(schedule);
    if (!s) {
      const key = JSON.stringify(schedule);
      s = canonical.get(key);
      if (!s) canonical.set(key, (s = schedule));
      byObject.set(schedule, s);
    }
    return next(s, afterMs);
  };
}
