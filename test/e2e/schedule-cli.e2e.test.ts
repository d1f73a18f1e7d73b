import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { partitionOf } from '../../src/scheduler/partition.ts';
import { insertSql } from '../../src/scheduler/store-sql.ts';
import { openStore } from '../../src/store/open-store.ts';
import { scratchDir } from '../services/scratch-databases.ts';
import { exited, sluice, startExecutor, startScheduler, until, writeConfig } from './schedule-harness.ts';

/**
 * `sluice jobs runs JOB` (recent fires with their attempts) and `jobs list` against a running
 * `sluice schedule` on SQLite, with a job stored in the metadata store whose schedule is invalid:
 * the node starts anyway, the other jobs fire, and the bad job can still be run by hand.
 */
let dir: { dir: string; drop(): Promise<void> };
let east: Awaited<ReturnType<typeof startExecutor>>;
let west: Awaited<ReturnType<typeof startExecutor>>;
let file: string;
const PARTITIONS = 4;

interface Attempt { shard: number; attempt: number; executor: string; node: string; startedAt: number; finishedAt: number | null; status: string; httpStatus: number | null; excerpt: string | null; error: string | null }
/** A fire as `jobs runs` prints it (the fire record, its `attempts` count replaced by the attempt rows). */
interface RunWithAttempts { id: string; job: string; slot: string; trigger: string; status: string; scheduledAt: number; params: Record<string, unknown>; result?: unknown; attempts: Attempt[] }

before(async () => {
  dir = await scratchDir('sluice-sched-cli-');
  // The first attempt of `flaky` fails with 500; every later one succeeds.
  east = await startExecutor((hit) => (hit.job === 'flaky' && hit.attempt === 1 ? 500 : 200));
  west = await startExecutor();
  const exec = { static: [{ url: east.url }] };
  file = await writeConfig(join(dir.dir, 'schedule.yaml'), {
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' },
    scheduler: { partitions: PARTITIONS, lease: '2s', lookahead: '500ms' },
    jobs: [
      { name: 'ticker', schedule: { every: '1s' }, http: { path: '/tick' }, executors: exec },
      { name: 'flaky', http: { path: '/flaky' }, executors: exec, retry: { attempts: 2, interval: '200ms' } },
      { name: 'sharded', http: { path: '/shard' }, executors: { static: [{ url: east.url }, { url: west.url }], routing: 'round-robin' }, shards: { items: ['north', 'south', 'east'] } },
      { name: 'idle', http: { path: '/idle' }, executors: exec },
    ],
  });
  // A job created in the store (as an API would) whose cron is not valid, due now.
  const store = await openStore(`sqlite:${join(dir.dir, 'data', 'sluice.db')}`);
  try {
    const definition = { name: 'stored-bad', enabled: true, type: 'http', schedule: { cron: '61 * * * * *', timezone: 'UTC' }, http: { path: '/stored' }, executors: exec };
    await store.db.run(insertSql('sluice_jobs', ['name', 'definition', 'origin', 'enabled', 'partition_no', 'next_fire_at', 'updated_at'], 1),
      ['stored-bad', JSON.stringify(definition), 'store', 1, partitionOf('stored-bad', PARTITIONS), Date.now(), Date.now()]);
  } finally {
    await store.close();
  }
});
after(async () => {
  await Promise.all([east?.close(), west?.close()]);
  await dir?.drop();
});

async function runs(job: string, n?: number): Promise<RunWithAttempts[]> {
  const r = await sluice(['jobs', 'runs', job, '-c', file, ...(n === undefined ? [] : ['-n', String(n)])]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as RunWithAttempts[];
}

test('jobs runs: recent fires newest first with every attempt (executor, status, HTTP status, excerpt, error), per shard; a bad stored job neither stops the node nor the others', { timeout: 120_000 }, async () => {
  const node = startScheduler(file);
  try {
    const flaky = await sluice(['jobs', 'run-now', 'flaky', '-c', file, '--param', 'day=2024-05-01', '--wait', '--timeout', '60']);
    assert.equal(flaky.code, 0, flaky.stderr);
    const flakyId = flaky.stdout.trim().split('\n')[0]!;
    const sharded = await sluice(['jobs', 'run-now', 'sharded', '-c', file, '--wait', '--timeout', '60']);
    assert.equal(sharded.code, 0, sharded.stderr);
    await until('4 fires of ticker', () => east.hits.filter((h) => h.job === 'ticker').length >= 4);

    // Retries: one fire, two attempts on the executor, the first failed with 500.
    const [fire, ...more] = await runs('flaky');
    assert.equal(more.length, 0);
    assert.equal(fire!.id, flakyId);
    assert.equal(fire!.job, 'flaky');
    assert.equal(fire!.trigger, 'manual');
    assert.equal(fire!.status, 'succeeded');
    assert.deepEqual(fire!.params, { day: '2024-05-01' });
    assert.deepEqual(fire!.attempts.map((a) => [a.shard, a.attempt, a.executor, a.status, a.httpStatus]), [
      [0, 1, east.url, 'failed', 500],
      [0, 2, east.url, 'succeeded', 200],
    ]);
    assert.match(fire!.attempts[0]!.error!, /500/);
    assert.equal(fire!.attempts[1]!.error, null);
    assert.match(fire!.attempts[1]!.excerpt!, /"ok":true/, 'the start of the answer is kept');
    for (const a of fire!.attempts) assert.ok(a.finishedAt! >= a.startedAt && a.node.length > 0);
    assert.deepEqual(east.hits.filter((h) => h.job === 'flaky').map((h) => [h.fireId, h.attempt]), [[flakyId, 1], [flakyId, 2]], 'what the executor saw');

    // Shards: one attempt per shard, spread over both executors, and the fire's result per shard.
    const [s] = await runs('sharded');
    assert.equal(s!.status, 'succeeded');
    assert.deepEqual(s!.attempts.map((a) => a.shard).sort(), [0, 1]);
    assert.deepEqual(new Set(s!.attempts.map((a) => a.executor)), new Set([east.url, west.url]));
    const shards = (s!.result as { shards: { index: number; items: string[]; status: string }[] }).shards;
    assert.deepEqual(shards.map((x) => [x.index, x.items, x.status]), [[0, ['north', 'south'], 'succeeded'], [1, ['east'], 'succeeded']]);

    // -n limits, newest first.
    const ticks = await runs('ticker', 2);
    assert.equal(ticks.length, 2);
    assert.ok(ticks[0]!.scheduledAt > ticks[1]!.scheduledAt, 'newest first');
    assert.ok(ticks.every((t) => t.trigger === 'schedule' && t.slot === `s:${t.scheduledAt}`));
    assert.ok((await runs('ticker')).length >= 4);
    assert.deepEqual(await runs('idle'), [], 'a job that never ran has no fires');

    const bad = await sluice(['jobs', 'runs', 'ticker', '-c', file, '-n', '0']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /SLUICE_6001/);
    const unknown = await sluice(['jobs', 'runs', 'nope', '-c', file]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /SLUICE_7202/);

    // The stored job with the invalid cron: listed with its problem, never fired on schedule, runnable by hand.
    const list = await sluice(['jobs', 'list', '-c', file, '--json']);
    assert.equal(list.code, 0, list.stderr);
    const listed = (JSON.parse(list.stdout) as { name: string; origin: string; problem?: string; nextFireAt: number | null }[]).find((j) => j.name === 'stored-bad')!;
    assert.equal(listed.origin, 'store');
    assert.match(listed.problem!, /cron "61 \* \* \* \* \*"/);
    assert.equal(listed.nextFireAt, null, 'the planner took it off the schedule');
    const table = await sluice(['jobs', 'list', '-c', file]);
    assert.match(table.stdout, /stored-bad\s+http\s+invalid: cron/);
    const next = await sluice(['jobs', 'next', 'stored-bad', '-c', file]);
    assert.equal(next.code, 1);
    assert.match(next.stderr, /invalid schedule in the store/);
    assert.equal(east.hits.filter((h) => h.job === 'stored-bad').length, 0);
    const byHand = await sluice(['jobs', 'run-now', 'stored-bad', '-c', file, '--wait', '--timeout', '60']);
    assert.equal(byHand.code, 0, byHand.stderr);
    assert.equal(east.hits.filter((h) => h.job === 'stored-bad').length, 1);
  } finally {
    await node.stop();
  }
  assert.equal(await exited(node), 0);
});
