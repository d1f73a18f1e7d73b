import { randomUUID } from 'node:crypto';
import { loadConfigFile } from '../config/load-config.ts';
import { storeUrl, syncConfigSchema, type SyncConfig } from '../config/sluice-config.ts';
import { sluiceError } from '../core/errors.ts';
import { nextFireTimes } from '../scheduler/cron-schedule.ts';
import { fireById, insertFires, isFinal, manualSlot, recentFires } from '../scheduler/fire-store.ts';
import { loadJobs, type StoredJob } from '../scheduler/job-store.ts';
import { partitionOf } from '../scheduler/partition.ts';
import type { Job } from '../scheduler/spec.ts';
import { num } from '../scheduler/store-sql.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { openStore } from '../store/open-store.ts';

export interface JobsCommandOptions {
  config: string;
  param?: string[];
  wait?: boolean;
  timeout?: string;
  count?: string;
  json?: boolean;
}

interface Listed { job: Job; origin: string; nextFireAt: number | undefined; inStore: boolean; problem?: string }

/** The config's jobs and the store's, by name (the store's row gives the next fire). */
async function allJobs(config: SyncConfig, store: MetadataStore): Promise<Map<string, Listed>> {
  const stored = new Map((await loadJobs(store.db)).map((j): [string, StoredJob] => [j.name, j]));
  const out = new Map<string, Listed>();
  for (const job of config.jobs) {
    const s = stored.get(job.name);
    out.set(job.name, { job: s?.origin === 'store' ? s.job : job, origin: s?.origin ?? 'config', nextFireAt: s?.nextFireAt, inStore: s !== undefined });
  }
  for (const [name, s] of stored) {
    if (!out.has(name) && s.origin === 'store') out.set(name, { job: s.job, origin: 'store', nextFireAt: s.nextFireAt, inStore: true, ...(s.problem ? { problem: s.problem } : {}) });
  }
  return out;
}

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
const describeSchedule = (job: Job, problem?: string) => (problem ? `invalid: ${problem}` : job.schedule ? job.schedule.cron ?? `every ${job.schedule.every} ms` : job.dependsOn.length > 0 ? `after ${job.dependsOn.map((d) => d.job).join(', ')}` : '-');

function params(pairs: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw sluiceError('SLUICE_6001', `--param ${p}: write KEY=VALUE`);
    const raw = p.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      /* a plain string */
    }
    out[p.slice(0, eq)] = value;
  }
  return out;
}

/** `-n`: a whole number from 1 to 10,000. */
function count(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw sluiceError('SLUICE_6001', `-n ${raw}: give a whole number from 1 to 10000`);
  return n;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n')}\n`;
}

/**
 * `sluice jobs list|run-now|next|runs`: the jobs of the config file and the metadata store.
 * run-now inserts a pending manual fire that the node holding the job's partition starts within a
 * second; with --wait it exits 0 when the fire succeeded, 1 otherwise.
 */
export async function jobsCommand(action: string, name: string | undefined, o: JobsCommandOptions): Promise<number> {
  const config = await loadConfigFile(syncConfigSchema, o.config);
  const store = await openStore(storeUrl(config));
  try {
    const jobs = await allJobs(config, store);
    if (action === 'list') {
      const last = new Map((await store.db.all<{ job: string; status: string; scheduled_at: unknown }>(
        'SELECT f.job, f.status, f.scheduled_at FROM sluice_fires f WHERE f.id IN (SELECT MAX(id) FROM sluice_fires GROUP BY job)')).map((r) => [r.job, r]));
      const list = [...jobs.values()].sort((a, b) => a.job.name.localeCompare(b.job.name));
      if (o.json) {
        process.stdout.write(`${JSON.stringify(list.map((l) => ({ name: l.job.name, type: l.job.type, schedule: l.job.schedule ?? null, enabled: l.job.enabled, origin: l.origin, nextFireAt: l.nextFireAt ?? null, lastStatus: last.get(l.job.name)?.status ?? null, ...(l.problem ? { problem: l.problem } : {}) })), null, 2)}\n`);
        return 0;
      }
      process.stdout.write(table([['NAME', 'TYPE', 'SCHEDULE', 'ENABLED', 'NEXT FIRE', 'LAST STATUS'],
        ...list.map((l) => [l.job.name, l.job.type, describeSchedule(l.job, l.problem), l.job.enabled ? 'yes' : 'no', iso(l.nextFireAt), last.get(l.job.name)?.status ?? '-'])]));
      return 0;
    }
    if (!name) throw sluiceError('SLUICE_6001', `jobs ${action} needs the job name`);
    const found = jobs.get(name);
    if (!found) throw sluiceError('SLUICE_7202', `"${name}"; jobs: ${[...jobs.keys()].sort().join(', ') || '(none)'}`);
    const job = found.job;
    if (action === 'next') {
      const n = count(o.count, 10);
      if (found.problem) throw sluiceError('SLUICE_6001', `job "${name}" has an invalid schedule in the store: ${found.problem}`);
      if (!job.schedule) throw sluiceError('SLUICE_6001', `job "${name}" has no schedule (it runs by hand or after its parents)`);
      const times = nextFireTimes(job.schedule, Date.now(), n);
      const local = new Intl.DateTimeFormat('sv-SE', { timeZone: job.schedule.timezone, dateStyle: 'short', timeStyle: 'medium' });
      if (o.json) process.stdout.write(`${JSON.stringify(times.map((t) => ({ at: iso(t), local: local.format(t), timezone: job.schedule!.timezone })), null, 2)}\n`);
      else process.stdout.write(table([['UTC', `LOCAL (${job.schedule.timezone})`], ...times.map((t) => [iso(t), local.format(t)])]));
      return 0;
    }
    if (action === 'runs') {
      const fires = await recentFires(store.db, name, count(o.count, 20));
      const ids = fires.map((f) => f.id);
      const attempts = ids.length === 0 ? [] : await store.db.all<Record<string, unknown>>(
        `SELECT fire_id, shard_index, attempt, executor, node, started_at, finished_at, status, http_status, excerpt, error FROM sluice_fire_attempts WHERE fire_id IN (${ids.map(() => '?').join(', ')}) ORDER BY id`, ids);
      const out = fires.map((f) => ({ ...f, attempts: attempts.filter((a) => String(a.fire_id) === f.id).map((a) => ({
        shard: num(a.shard_index), attempt: num(a.attempt), executor: a.executor, node: a.node, startedAt: num(a.started_at), finishedAt: a.finished_at === null ? null : num(a.finished_at), status: a.status, httpStatus: a.http_status === null ? null : num(a.http_status), excerpt: a.excerpt ?? null, error: a.error ?? null,
      })) }));
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    if (action === 'run-now') {
      const now = Date.now();
      const [fire] = await store.db.transaction((tx) => insertFires(tx, [{
        job: name, slot: manualSlot(randomUUID()), partition: partitionOf(name, config.scheduler.partitions), scheduledAt: now, trigger: 'manual', params: params(o.param),
      }], now));
      process.stdout.write(`${fire!.id}\n`);
      if (!o.wait) return 0;
      const deadline = now + Number(o.timeout ?? 600) * 1000;
      for (;;) {
        const cur = await fireById(store.db, fire!.id);
        if (cur && isFinal(cur.status)) {
          process.stdout.write(`${JSON.stringify({ id: cur.id, job: cur.job, status: cur.status, attempts: cur.attempts, result: cur.result ?? null })}\n`);
          return cur.status === 'succeeded' ? 0 : 1;
        }
        if (Date.now() > deadline) {
          process.stderr.write(`fire ${fire!.id} is still ${cur?.status ?? 'missing'} after ${o.timeout ?? 600} s (is a \`sluice schedule\` node running on this store?)\n`);
          return 1;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw sluiceError('SLUICE_6001', `jobs ${action}: use list, run-now, next or runs`);
  } finally {
    await store.close();
  }
}
