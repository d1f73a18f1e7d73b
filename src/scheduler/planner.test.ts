import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { nextFireAfter } from './cron-schedule.ts';
import { JobCache, syncConfigJobs } from './job-store.ts';
import { claimLease, ensureLeaseRows } from './lease-store.ts';
import { planRound } from './planner.ts';
import { dialects, inChild, job, scratchStore, sleep, type ScratchStore } from './scheduler-test-kit.ts';

const every = (s: string) => ({ schedule: { every: s } });

for (const kind of dialects) {
  describe(`planner on ${kind}`, () => {
    let scratch: ScratchStore;
    let a: MetadataStore;
    let token: number;
    before(async () => {
      scratch = await scratchStore(kind);
      a = await scratch.open();
      await ensureLeaseRows(a.db, ['partition:0']);
      token = (await claimLease(a.db, 'partition:0', 'n1', 60_000, Date.now()))!;
    });
    after(() => scratch.drop());

    test('two planners racing over the same partition: one fire row per slot, each created once, no slot missed', async () => {
      const jobs = Array.from({ length: 40 }, (_, i) => job({ name: `race-${i}`, ...every('1s') }));
      await syncConfigJobs(a.db, jobs, 1, nextFireAfter);
      const started = Date.now();
      const opts = { node: 'n1', nextFireAfter, lookahead: 300, tolerance: 60_000, logger: silentLogger };
      const held = new Map([[0, token]]);
      let created: string[];
      if (kind === 'sqlite') {
        // Separate processes: two connections in one process would wait on each other's locks synchronously.
        const child = { op: 'plan', url: scratch.url, owner: 'n1', seconds: 3, held: [[0, token]], lookahead: 300, tolerance: 60_000 };
        const [x, y] = await Promise.all([inChild<string[]>(child), inChild<string[]>(child)]);
        created = [...x, ...y];
      } else {
        const b = await scratch.open();
        const loop = async (store: MetadataStore) => {
          const cache = new JobCache(store.db);
          await cache.refresh();
          const out: string[] = [];
          while (Date.now() - started < 3000) {
            const round = await planRound({ ...opts, db: store.db, jobs: cache }, held, Date.now());
            out.push(...round.fires.map((f) => `${f.job}|${f.slot}`));
            await sleep(5);
          }
          return out;
        };
        const [x, y] = await Promise.all([loop(a), loop(b)]);
        created = [...x, ...y];
      }
      const rows = await a.db.all<{ job: string; slot: string }>('SELECT job, slot FROM sluice_fires');
      assert.ok(rows.length >= 80, `at least two slots per job planned (${rows.length})`);
      assert.equal(new Set(created).size, created.length, 'no planner created a slot the other created');
      assert.deepEqual([...created].sort(), rows.map((r) => `${r.job}|${r.slot}`).sort(), 'every row was created by exactly one planner');
      for (const j of jobs) {
        const slots = rows.filter((r) => r.job === j.name).map((r) => Number(r.slot.slice(2))).sort((p, q) => p - q);
        for (let i = 1; i < slots.length; i++) assert.equal(slots[i]! - slots[i - 1]!, 1000, `${j.name}: consecutive slots, none missed`);
      }
      await a.db.run('DELETE FROM sluice_fires');
      await syncConfigJobs(a.db, [], 1, nextFireAfter);
    });

    test('misfire policies: once fires the latest missed slot, all every one in the window, skip none; then the schedule goes on', async () => {
      const policies = ['once', 'all', 'skip'] as const;
      const jobs = policies.map((policy) => job({ name: `late-${policy}`, ...every('10s'), misfire: { policy, window: '60s' } }));
      await syncConfigJobs(a.db, jobs, 1, nextFireAfter);
      const now = Math.floor(Date.now() / 10_000) * 10_000 + 5000;
      // The scheduler was away for 5 minutes.
      await a.db.run('UPDATE sluice_jobs SET next_fire_at = ?', [now - 300_000]);
      const cache = new JobCache(a.db);
      await cache.refresh();
      const round = await planRound({ db: a.db, node: 'n1', jobs: cache, nextFireAfter, lookahead: 1000, tolerance: 7000, logger: silentLogger }, new Map([[0, token]]), now);
      const of = (name: string) => round.fires.filter((f) => f.job === name).map((f) => [f.trigger, f.scheduledAt - now]);
      assert.deepEqual(of('late-once'), [['misfire', -5000]]);
      assert.deepEqual(of('late-all'), [-55_000, -45_000, -35_000, -25_000, -15_000, -5000].map((d) => ['misfire', d]));
      assert.deepEqual(of('late-skip'), []);
      const m = round.misfires.find((x) => x.job === 'late-once')!;
      assert.equal(m.beyondWindow, true);
      assert.equal(m.skipped, 5, 'the other missed slots in the window were not fired');
      const next = await a.db.all<{ next_fire_at: unknown }>('SELECT next_fire_at FROM sluice_jobs');
      for (const r of next) assert.equal(Number(r.next_fire_at), now + 5000, 'the next slot after now');
      const late = await planRound({ db: a.db, node: 'n1', jobs: cache, nextFireAfter, lookahead: 1000, tolerance: 7000, logger: silentLogger }, new Map([[0, token]]), now + 5500);
      assert.deepEqual(late.fires.map((f) => f.trigger), ['schedule', 'schedule', 'schedule'], 'a slot late by less than the tolerance is an ordinary fire');
    });

    test('a planner whose lease token is stale plans nothing (fencing)', async () => {
      await a.db.run('UPDATE sluice_jobs SET next_fire_at = ?', [Date.now()]);
      const cache = new JobCache(a.db);
      await cache.refresh();
      const round = await planRound({ db: a.db, node: 'n1', jobs: cache, nextFireAfter, lookahead: 1000, tolerance: 7000, logger: silentLogger }, new Map([[0, token + 1]]), Date.now());
      assert.equal(round.fires.length, 0);
      const other = await planRound({ db: a.db, node: 'n2', jobs: cache, nextFireAfter, lookahead: 1000, tolerance: 7000, logger: silentLogger }, new Map([[0, token]]), Date.now());
      assert.equal(other.fires.length, 0, 'a node that does not hold the lease plans nothing');
    });
  });
}
