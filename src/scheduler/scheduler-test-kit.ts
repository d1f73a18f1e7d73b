/**
 * Shared pieces of the scheduler engine's tests (not a test file itself): the three real metadata
 * stores on scratch databases, a loopback HTTP executor that records what reached it, and a small
 * FireRunner that calls it (the engine's tests do not depend on the full runner's routing).
 */
import { serveLoopback } from '../../test/services/loopback-http.ts';
import { join } from 'node:path';
import { scratchDir, scratchMariaDb, scratchPostgres, MARIADB, POSTGRES } from '../../test/services/scratch-databases.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { openStore } from '../store/open-store.ts';
import type { FireRunner } from './fire-types.ts';
import { jobSchema, schedulerSchema, type Job, type JobInput, type SchedulerSettings } from './spec.ts';

export const dialects = ['sqlite', 'mysql', 'postgres'] as const;
export type StoreKind = (typeof dialects)[number];

export interface ScratchStore {
  readonly url: string;
  /** Opens another connection (pool) to the same store, like a second node would. */
  open(): Promise<MetadataStore>;
  drop(): Promise<void>;
}

export async function scratchStore(kind: StoreKind): Promise<ScratchStore> {
  const opened: MetadataStore[] = [];
  const track = async (url: string) => {
    const s = await openStore(url);
    opened.push(s);
    return s;
  };
  const closeAll = () => Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  if (kind === 'sqlite') {
    const dir = await scratchDir('sluice-sched-');
    const url = `sqlite:${join(dir.dir, 'store.db')}`;
    return { url, open: () => track(url), drop: async () => { await closeAll(); await dir.drop(); } };
  }
  if (kind === 'mysql') {
    const db = await scratchMariaDb('sluice_sched');
    const url = `mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${db.database}`;
    return { url, open: () => track(url), drop: async () => { await closeAll(); await db.drop(); } };
  }
  const db = await scratchPostgres('sluice_sched');
  const url = `postgres://${POSTGRES.user}@${POSTGRES.host}:${POSTGRES.port}/${db.database}`;
  return { url, open: () => track(url), drop: async () => { await closeAll(); await db.drop(); } };
}

export const settings = (over: Partial<Record<keyof SchedulerSettings, unknown>> = {}): SchedulerSettings => schedulerSchema.parse(over);

export const job = (input: Partial<JobInput> & { name: string }, executor = 'http://127.0.0.1:1'): Job => jobSchema.parse({
  http: { path: '/run' }, executors: { static: [{ url: executor }] }, ...input,
});

export interface Hit { readonly fireId: string; readonly job: string; readonly scheduledAt: number; readonly trigger: string; readonly at: number; readonly params: Record<string, unknown> }

export interface LoopbackExecutor {
  readonly url: string;
  readonly hits: Hit[];
  close(): Promise<void>;
}

/** A real HTTP executor on loopback; `delayMs(job)` holds the answer back, `fail(job)` answers 500. */
export async function loopbackExecutor(o: { delayMs?: (job: string) => number; fail?: (job: string) => boolean } = {}): Promise<LoopbackExecutor> {
  const hits: Hit[] = [];
  const server = await serveLoopback((_req, text, res) => {
    const body = JSON.parse(text || '{}') as { fireId: string; job: string; scheduledAt: number; trigger: string; params: Record<string, unknown> };
    hits.push({ ...body, at: Date.now() });
    const delay = o.delayMs?.(body.job) ?? 0;
    setTimeout(() => res.writeHead(o.fail?.(body.job) ? 500 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, job: body.job })), delay);
  });
  return { url: server.url, hits, close: server.close };
}

/** One attempt per fire: POST the fire to the job's first static executor; 2xx succeeds. */
export function loopbackRunner(): FireRunner {
  return {
    async run(fire, hooks, signal) {
      const startedAt = Date.now();
      const attempt = fire.previousAttempts + 1;
      const executor = fire.job.executors.static[0]!.url;
      hooks.attempt({ shardIndex: 0, attempt, executor, startedAt, status: 'running' });
      try {
        const res = await fetch(`${executor}/run`, {
          method: 'POST', signal, headers: { 'content-type': 'application/json', 'x-sluice-fire-id': fire.fireId },
          body: JSON.stringify({ fireId: fire.fireId, job: fire.job.name, scheduledAt: fire.scheduledAt, trigger: fire.trigger, params: fire.params }),
        });
        const text = await res.text();
        const ok = res.status >= 200 && res.status < 300;
        hooks.attempt({ shardIndex: 0, attempt, executor, startedAt, finishedAt: Date.now(), status: ok ? 'succeeded' : 'failed', httpStatus: res.status, excerpt: text });
        return ok ? { status: 'succeeded', result: JSON.parse(text) as unknown } : { status: 'failed', error: `HTTP ${res.status}` };
      } catch (err) {
        const cancelled = signal.aborted;
        hooks.attempt({ shardIndex: 0, attempt, executor, startedAt, finishedAt: Date.now(), status: cancelled ? 'cancelled' : 'failed', error: (err as Error).message });
        return { status: cancelled ? 'cancelled' : 'failed', error: (err as Error).message };
      }
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Runs scheduler-test-child.ts with `command` and returns what it printed (parsed). */
export async function inChild<T>(command: Record<string, unknown>): Promise<T> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [join(import.meta.dirname, 'scheduler-test-child.ts'), JSON.stringify(command)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${err.message}\n${stderr}`));
      else resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as T);
    });
  });
}
