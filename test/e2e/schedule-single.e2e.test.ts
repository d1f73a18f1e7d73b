import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scratchDir } from '../services/scratch-databases.ts';
import { openStore } from '../../src/store/open-store.ts';
import { exited, sleep, sluice, startExecutor, startScheduler, until, writeConfig } from './schedule-harness.ts';

/** `sluice schedule` on the embedded SQLite store: fires, run-now, list/next, SIGTERM, misfire catch-up. */
let dir: { dir: string; drop(): Promise<void> };
let executor: Awaited<ReturnType<typeof startExecutor>>;
let file: string;

before(async () => {
  [dir, executor] = await Promise.all([scratchDir('sluice-sched-e2e-'), startExecutor()]);
  file = await writeConfig(join(dir.dir, 'schedule.yaml'), {
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' },
    scheduler: { partitions: 4, lease: '2s', lookahead: '500ms' },
    jobs: [
      { name: 'ping', schedule: { cron: '* * * * * *' }, http: { path: '/ping' }, executors: { static: [{ url: executor.url }] }, params: { region: 'eu' } },
      { name: 'pong', schedule: { every: '1s' }, http: { path: '/pong' }, executors: { static: [{ url: executor.url }] }, misfire: { policy: 'once', window: '1m' }, overlap: 'allow' },
      { name: 'report', http: { path: '/report' }, executors: { static: [{ url: executor.url }] } },
    ],
  });
});
after(async () => {
  await executor?.close();
  await dir?.drop();
});

const storeRows = async () => {
  const store = await openStore(`sqlite:${join(dir.dir, 'data', 'sluice.db')}`);
  try {
    return await store.db.all<{ id: number; job: string; slot: string; status: string; trigger_kind: string; scheduled_at: number; attempts: number }>(
      'SELECT id, job, slot, status, trigger_kind, scheduled_at, attempts FROM sluice_fires ORDER BY scheduled_at, id');
  } finally {
    await store.close();
  }
};

test('every-second jobs reach the executor with the fire headers, once per slot; run-now, list and next work; SIGTERM stops cleanly', { timeout: 90_000 }, async () => {
  const node = startScheduler(file);
  await until('3 fires of each job', () => ['ping', 'pong'].every((j) => executor.hits.filter((h) => h.job === j).length >= 3));
  const hit = executor.hits.find((h) => h.job === 'ping')!;
  assert.match(hit.fireId, /^\d+$/);
  assert.equal(hit.scheduledAt % 1000, 0, 'a second-level slot');
  assert.ok(hit.headers['x-sluice-deadline'] && hit.headers['idempotency-key'], 'deadline and idempotency key headers');
  assert.deepEqual((hit.body as { params: unknown }).params, { region: 'eu' });

  const run = await sluice(['jobs', 'run-now', 'report', '-c', file, '--param', 'day=2024-05-01', '--param', 'limit=10', '--wait', '--timeout', '30']);
  assert.equal(run.code, 0, run.stderr);
  const [id, final] = run.stdout.trim().split('\n');
  assert.equal(JSON.parse(final!).status, 'succeeded');
  const manual = executor.hits.find((h) => h.job === 'report')!;
  assert.equal(manual.fireId, id);
  assert.deepEqual((manual.body as { params: unknown }).params, { day: '2024-05-01', limit: 10 });

  const list = await sluice(['jobs', 'list', '-c', file, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const jobs = JSON.parse(list.stdout) as { name: string; nextFireAt: number | null; lastStatus: string | null }[];
  assert.deepEqual(jobs.map((j) => j.name), ['ping', 'pong', 'report']);
  assert.ok(jobs[0]!.nextFireAt! > Date.now() - 5000 && jobs[2]!.nextFireAt === null);
  assert.equal(jobs[2]!.lastStatus, 'succeeded');
  const next = await sluice(['jobs', 'next', 'ping', '-c', file, '-n', '3', '--json']);
  assert.equal(next.code, 0, next.stderr);
  const times = (JSON.parse(next.stdout) as { at: string }[]).map((t) => Date.parse(t.at));
  assert.deepEqual([times[1]! - times[0]!, times[2]! - times[1]!], [1000, 1000]);
  const unknown = await sluice(['jobs', 'next', 'nope', '-c', file]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /SLUICE_7202/);

  await sleep(1500);
  await node.stop();
  assert.equal(await exited(node), 0);
  const rows = await storeRows();
  const slots = rows.map((r) => `${r.job}|${r.slot}`);
  assert.equal(new Set(slots).size, slots.length, 'one row per slot');
  const ran = rows.filter((r) => r.status === 'succeeded');
  const hitIds = new Set(executor.hits.map((h) => h.fireId));
  for (const r of ran) assert.ok(hitIds.has(String(r.id)), `fire ${r.id} reached the executor`);
  assert.ok(rows.every((r) => r.status === 'succeeded' || r.status === 'pending'), `statuses: ${[...new Set(rows.map((r) => r.status))]}`);
  const perSlot = new Map<string, Set<string>>();
  for (const h of executor.hits) perSlot.set(`${h.job}|${h.scheduledAt}`, (perSlot.get(`${h.job}|${h.scheduledAt}`) ?? new Set()).add(h.fireId));
  assert.ok([...perSlot.values()].every((ids) => ids.size === 1), 'one fireId per slot at the executor');
});

test('misfire catch-up: after the scheduler was stopped past several slots, one catch-up fire (trigger misfire), then the schedule goes on', { timeout: 90_000 }, async () => {
  const stoppedAt = Date.now();
  // tolerance = lease (2 s) + 2 × lookahead (0.5 s): stay away well past it.
  await sleep(6000);
  const node = startScheduler(file);
  const restartedAt = Date.now();
  assert.ok(restartedAt - stoppedAt >= 6000);
  await until('the misfire fire', async () => (await storeRows()).some((r) => r.trigger_kind === 'misfire'));
  await until('an ordinary fire after the restart', async () => (await storeRows()).some((r) => r.job === 'pong' && r.trigger_kind === 'schedule' && r.scheduled_at > restartedAt));
  await node.stop();
  const rows = (await storeRows()).filter((r) => r.job === 'pong');
  const misfires = rows.filter((r) => r.trigger_kind === 'misfire');
  assert.equal(misfires.length, 1, 'policy once: one catch-up run');
  const m = misfires[0]!;
  assert.ok(m.scheduled_at > stoppedAt + 5000, 'for the latest missed slot');
  assert.equal(m.status, 'succeeded');
  // Fires planned ahead before the stop (lookahead) were left pending and ran after the restart.
  const firstAfter = Math.min(...rows.filter((r) => r.trigger_kind === 'schedule' && r.scheduled_at > m.scheduled_at).map((r) => r.scheduled_at));
  assert.equal(firstAfter - m.scheduled_at, 1000, 'the schedule continues with the next slot');
  const gap = rows.filter((r) => r.scheduled_at > stoppedAt + 1000 && r.scheduled_at < firstAfter);
  assert.deepEqual(gap.map((r) => r.trigger_kind), ['misfire'], 'no other missed slot fired');
  assert.ok(executor.hits.some((h) => h.fireId === String(m.id)), 'the catch-up fire reached the executor');
  const ping = (await storeRows()).filter((r) => r.job === 'ping' && r.trigger_kind === 'misfire');
  assert.equal(ping.length, 1, 'the default policy is once as well');
});
