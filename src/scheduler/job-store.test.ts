import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import type { MetadataStore } from '../store/metadata-store.ts';
import { nextFireAfter } from './cron-schedule.ts';
import { JobCache, loadJobs, syncConfigJobs, type NextFireAfter } from './job-store.ts';
import { claimLease, ensureLeaseRows } from './lease-store.ts';
import { planRound } from './planner.ts';
import { dialects, job, scratchStore, type ScratchStore } from './scheduler-test-kit.ts';
import type { Job } from './spec.ts';
import { insertSql } from './store-sql.ts';

/** A logger that keeps what it logs, to check that a bad job is reported, and only once. */
function recordingLogger() {
  const lines: { level: number; msg: string; job?: string; problem?: string; reason?: string }[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
  return { logger, lines, about: (name: string) => lines.filter((l) => l.job === name) };
}

const every = (s: string) => ({ schedule: { every: s } });

for (const kind of dialects) {
  describe(`stored job validation on ${kind}`, () => {
    let scratch: ScratchStore;
    let store: MetadataStore;
    let token: number;
    before(async () => {
      scratch = await scratchStore(kind);
      store = await scratch.open();
      await ensureLeaseRows(store.db, ['partition:0']);
      token = (await claimLease(store.db, 'partition:0', 'n1', 600_000, Date.now()))!;
    });
    after(() => scratch.drop());

    /** A job row as an API or a hand-written INSERT would leave it: origin `store`, due now. */
    async function storeJob(name: string, definition: unknown, nextFireAt: number, updatedAt = 1): Promise<void> {
      await store.db.run(insertSql('sluice_jobs', ['name', 'definition', 'origin', 'enabled', 'partition_no', 'next_fire_at', 'updated_at'], 1),
        [name, JSON.stringify(definition), 'store', 1, 0, nextFireAt, updatedAt]);
    }

    const nextOf = async (name: string) => {
      const rows = await store.db.all<{ next_fire_at: unknown }>('SELECT next_fire_at FROM sluice_jobs WHERE name = ?', [name]);
      return rows[0]!.next_fire_at === null ? null : Number(rows[0]!.next_fire_at);
    };

    test('a stored job whose schedule fails checkSchedule is kept without it, reported once, and never reaches the planner; the other jobs fire', async () => {
      const now = Math.floor(Date.now() / 1000) * 1000 + 500;
      const rec = recordingLogger();
      await syncConfigJobs(store.db, [job({ name: 'good-config', ...every('1s') })], 1, nextFireAfter, now - 1000);
      await storeJob('good-store', job({ name: 'good-store', ...every('1s') }), now - 500);
      await storeJob('bad-cron', { ...job({ name: 'bad-cron' }), schedule: { cron: '61 * * * * *', timezone: 'UTC' } }, now - 500);
      await storeJob('bad-zone', { ...job({ name: 'bad-zone' }), schedule: { cron: '* * * * * *', timezone: 'Mars/Olympus_Mons' } }, now - 500);
      await storeJob('bad-bounds', { ...job({ name: 'bad-bounds' }), schedule: { every: 1000, timezone: 'UTC', start: '2026-02-01T00:00:00Z', end: '2026-01-01T00:00:00Z' } }, now - 500);
      await storeJob('not-a-job', { name: 'not-a-job', type: 'rocket' }, now - 500);

      const cache = new JobCache(store.db, rec.logger);
      await cache.refresh();
      for (const [name, why] of [['bad-cron', /cron "61 \* \* \* \* \*"/], ['bad-zone', /unknown time zone "Mars\/Olympus_Mons"/], ['bad-bounds', /end .* is before start/]] as const) {
        const s = cache.get(name)!;
        assert.ok(s, `${name} stays known (it can be run by hand)`);
        assert.match(s.problem!, why);
        assert.equal(s.job.schedule, undefined, `${name}: the bad schedule is not handed on`);
        assert.equal(rec.about(name).length, 1, `${name} is reported`);
        assert.match(rec.about(name)[0]!.problem!, why);
      }
      assert.equal(cache.get('not-a-job'), undefined, 'an invalid definition is ignored');
      assert.match(rec.about('not-a-job')[0]!.msg, /not valid; the job is ignored/);
      assert.equal(cache.get('good-store')!.problem, undefined);

      await cache.refresh();
      await cache.refresh();
      assert.equal(rec.lines.filter((l) => l.job !== undefined).length, 4, 'each bad version is reported once, not at every refresh');

      const opts = { db: store.db, node: 'n1', jobs: cache, nextFireAfter, lookahead: 300, tolerance: 7000, logger: rec.logger };
      const round = await planRound(opts, new Map([[0, token]]), now);
      assert.deepEqual([...new Set(round.fires.map((f) => f.job))].sort(), ['good-config', 'good-store'], 'the good jobs fire');
      for (const name of ['bad-cron', 'bad-zone', 'bad-bounds', 'not-a-job']) assert.equal(await nextOf(name), null, `${name} does not fire on schedule`);
      assert.ok((await nextOf('good-store'))! > now && (await nextOf('good-config'))! > now, 'the good jobs move on');
      assert.equal(rec.lines.filter((l) => l.level >= 50 && /cannot compute the next fire/.test(l.msg)).length, 0, 'the planner never met a bad schedule');

      // The CLI's path (no cache): the same verdicts, reported through the logger.
      const cli = recordingLogger();
      const loaded = new Map((await loadJobs(store.db, undefined, cli.logger)).map((j) => [j.name, j]));
      assert.match(loaded.get('bad-cron')!.problem!, /cron/);
      assert.equal(loaded.has('not-a-job'), false);
      assert.equal(cli.about('bad-cron').length, 1);

      // Fixing the definition (a new version) clears the problem.
      await store.db.run('UPDATE sluice_jobs SET definition = ?, updated_at = ? WHERE name = ?', [JSON.stringify(job({ name: 'bad-cron', schedule: { cron: '*/5 * * * * *' } })), 2, 'bad-cron']);
      await cache.refresh();
      assert.equal(cache.get('bad-cron')!.problem, undefined);
      assert.equal(cache.get('bad-cron')!.job.schedule!.cron, '*/5 * * * * *');
      // Breaking a good job's definition removes it from the cache rather than running its old version.
      await store.db.run('UPDATE sluice_jobs SET definition = ?, updated_at = ? WHERE name = ?', ['{"name":"good-store"', 2, 'good-store']);
      await cache.refresh();
      assert.equal(cache.get('good-store'), undefined);
      await store.db.run('DELETE FROM sluice_jobs');
      await store.db.run('DELETE FROM sluice_fires');
    });

    test('a schedule that throws in nextFireAfter stops only its own job: the planner logs it and plans the others', async () => {
      const now = Math.floor(Date.now() / 1000) * 1000 + 500;
      const rec = recordingLogger();
      const jobs: Job[] = ['a', 'explodes', 'z'].map((name) => job({ name, ...every('1s') }));
      // Throws for one job only once it is asked about slots after now - 1 s (the first fire is computed fine).
      const flaky: NextFireAfter = (schedule, afterMs) => {
        if ((schedule as { marker?: string }).marker === 'boom' && afterMs >= now - 1000) throw new Error('schedule exploded');
        return nextFireAfter(schedule, afterMs);
      };
      await syncConfigJobs(store.db, jobs, 1, nextFireAfter, now - 1000);
      const cache = new JobCache(store.db, rec.logger);
      await cache.refresh();
      (cache.get('explodes')!.job.schedule as { marker?: string }).marker = 'boom';
      const round = await planRound({ db: store.db, node: 'n1', jobs: cache, nextFireAfter: flaky, lookahead: 300, tolerance: 7000, logger: rec.logger }, new Map([[0, token]]), now);
      assert.deepEqual([...new Set(round.fires.map((f) => f.job))].sort(), ['a', 'z']);
      assert.equal(await nextOf('explodes'), null);
      const logged = rec.about('explodes').find((l) => /cannot compute the next fire/.test(l.msg));
      assert.ok(logged && logged.level === 50, 'the planner logs the job it cannot plan, as an error');

      // A config job whose schedule cannot be computed does not stop the others from being stored (firstFire).
      const sync = recordingLogger();
      const bad = { ...job({ name: 'bad-config', ...every('1s') }), schedule: { cron: 'every minute', timezone: 'UTC' } } as Job;
      await syncConfigJobs(store.db, [...jobs, bad], 1, nextFireAfter, now, sync.logger);
      assert.equal(await nextOf('bad-config'), null);
      assert.ok((await nextOf('a')) !== null);
      assert.match(sync.about('bad-config')[0]!.msg, /cannot compute the first fire/);
    });
  });
}
