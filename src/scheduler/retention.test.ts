import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MetadataStore } from '../store/metadata-store.ts';
import { insertFires, scheduleSlot, type NewFire } from './fire-store.ts';
import { applyRetention } from './retention.ts';
import { dialects, scratchStore, type ScratchStore } from './scheduler-test-kit.ts';
import { chunked, insertSql, num } from './store-sql.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 2, 1, 12);

for (const kind of dialects) {
  describe(`retention on ${kind}`, () => {
    let scratch: ScratchStore;
    let store: MetadataStore;
    before(async () => {
      scratch = await scratchStore(kind);
      store = await scratch.open();
    });
    after(() => scratch.drop());

    /** Fires of `job` at the given times, all with `status`, each with one attempt and one async result. */
    async function seed(job: string, times: readonly number[], status: string): Promise<string[]> {
      const db = store.db;
      const fires: NewFire[] = times.map((at) => ({ job, slot: scheduleSlot(at), partition: 0, scheduledAt: at, trigger: 'schedule' }));
      const rows = await db.transaction((tx) => insertFires(tx, fires, NOW));
      const ids = rows.map((r) => r.id);
      await chunked(ids, 200, async (chunk) => {
        await db.run(`UPDATE sluice_fires SET status = ?, finished_at = ? WHERE id IN (${chunk.map(() => '?').join(', ')})`, [status, NOW, ...chunk]);
        await db.run(insertSql('sluice_fire_attempts', ['fire_id', 'shard_index', 'attempt', 'executor', 'node', 'started_at', 'finished_at', 'status', 'http_status', 'excerpt'], chunk.length),
          chunk.flatMap((id) => [id, 0, 1, 'http://127.0.0.1:1', 'n1', NOW, NOW, status === 'pending' ? 'running' : status, 200, 'ok']));
        await db.run(insertSql('sluice_fire_callbacks', ['fire_id', 'shard_index', 'attempt', 'status', 'body', 'received_at'], chunk.length),
          chunk.flatMap((id) => [id, 0, 1, 'succeeded', '{"rows":1}', NOW]));
      });
      return ids;
    }

    const count = async (sql: string, params: readonly (string | number)[] = []) => num((await store.db.all<{ n: unknown }>(sql, params))[0]!.n);
    const fireIds = async (job: string) => new Set((await store.db.all<{ id: unknown }>('SELECT id FROM sluice_fires WHERE job = ?', [job])).map((r) => String(r.id)));

    test('finished fires older than retentionDays go with their attempts and async results; recent and open fires, daily aggregates and live executors stay', async () => {
      const db = store.db;
      // 1,050 old fires: more than one batch of 1,000.
      const oldTimes = Array.from({ length: 1050 }, (_, i) => NOW - 40 * DAY + i * 1000);
      const old = await seed('old', oldTimes, 'succeeded');
      const oldFailed = await seed('old-failed', [NOW - 31 * DAY, NOW - 45 * DAY], 'failed');
      const oldSkipped = await seed('old-skipped', [NOW - 35 * DAY], 'skipped');
      const oldCancelled = await seed('old-cancelled', [NOW - 35 * DAY], 'cancelled');
      const oldOpen = await seed('old-open', [NOW - 50 * DAY], 'pending');
      const oldRunning = await seed('old-running', [NOW - 50 * DAY], 'running');
      const recent = await seed('recent', [NOW - 29 * DAY, NOW - DAY, NOW - 1000], 'succeeded');
      // An async result posted long ago for a fire id that does not exist, and a recent one.
      await db.run(insertSql('sluice_fire_callbacks', ['fire_id', 'shard_index', 'attempt', 'status', 'body', 'received_at'], 2),
        [987_654_321, 0, 1, 'failed', null, NOW - 60 * DAY, 987_654_322, 0, 1, 'failed', null, NOW - 60_000]);
      await db.run(insertSql('sluice_job_daily', ['day', 'job', 'fires', 'succeeded', 'failed', 'total_ms'], 3),
        ['2026-01-20', 'old', 1050, 1050, 0, 5000, '2026-01-15', 'old-failed', 2, 0, 2, 10, '2026-02-28', 'recent', 2, 2, 0, 4]);
      await db.run(insertSql('sluice_executors', ['grp', 'address', 'weight', 'busy', 'last_seen'], 3), [
        'workers', 'http://10.0.0.1:8080', 1, 0, NOW - 10_000,           // online
        'workers', 'http://10.0.0.2:8080', 1, 0, NOW - 6 * DAY,          // offline for 6 days: still listed
        'workers', 'http://10.0.0.3:8080', 1, 0, NOW - 8 * DAY,          // silent for more than 7 days: forgotten
      ]);

      const deleted = await applyRetention(db, 30, NOW);
      assert.equal(deleted, old.length + oldFailed.length + oldSkipped.length + oldCancelled.length);

      assert.equal((await fireIds('old')).size, 0);
      assert.equal((await fireIds('old-failed')).size, 0);
      assert.equal((await fireIds('old-skipped')).size, 0);
      assert.equal((await fireIds('old-cancelled')).size, 0);
      assert.deepEqual(await fireIds('old-open'), new Set(oldOpen), 'a pending fire is open work, whatever its age');
      assert.deepEqual(await fireIds('old-running'), new Set(oldRunning), 'so is a running one');
      assert.deepEqual(await fireIds('recent'), new Set(recent), 'fires within 30 days stay');

      const kept = [...oldOpen, ...oldRunning, ...recent];
      const attemptFires = (await db.all<{ fire_id: unknown }>('SELECT fire_id FROM sluice_fire_attempts')).map((r) => String(r.fire_id)).sort();
      assert.deepEqual(attemptFires, [...kept].sort(), 'attempts of deleted fires are gone, the others kept');
      const callbackFires = (await db.all<{ fire_id: unknown }>('SELECT fire_id FROM sluice_fire_callbacks')).map((r) => String(r.fire_id)).sort();
      assert.deepEqual(callbackFires, [...kept, '987654322'].sort(), 'async results of deleted fires and old orphaned ones are gone; a recent orphan stays');

      const daily = await db.all<{ day: string; job: string; fires: unknown }>('SELECT day, job, fires FROM sluice_job_daily ORDER BY day');
      assert.deepEqual(daily.map((d) => [d.day, d.job, num(d.fires)]), [['2026-01-15', 'old-failed', 2], ['2026-01-20', 'old', 1050], ['2026-02-28', 'recent', 2]],
        'daily aggregates outlive the raw log');
      const executors = await db.all<{ address: string }>('SELECT address FROM sluice_executors ORDER BY address');
      assert.deepEqual(executors.map((e) => e.address), ['http://10.0.0.1:8080', 'http://10.0.0.2:8080']);

      assert.equal(await applyRetention(db, 30, NOW), 0, 'a second run finds nothing more');
      assert.equal(await count('SELECT COUNT(*) AS n FROM sluice_fires'), kept.length);
    });

    test('a short retention also shortens how long a silent executor is kept; the cutoff is scheduled time, not finish time', async () => {
      const db = store.db;
      const ids = await seed('short', [NOW - 2 * DAY - 1, NOW - 2 * DAY + 60_000], 'succeeded');
      await db.run(insertSql('sluice_executors', ['grp', 'address', 'weight', 'busy', 'last_seen'], 1), ['short', 'http://10.0.0.9:8080', 1, 0, NOW - 3 * DAY]);
      const recentBefore = await fireIds('recent');
      // The old `short` fire, and the `recent` fire of the first test scheduled 29 days ago.
      assert.equal(await applyRetention(db, 2, NOW), 2);
      assert.deepEqual(await fireIds('short'), new Set([ids[1]]), 'only the fire scheduled before now − 2 days is deleted');
      assert.equal((await fireIds('recent')).size, recentBefore.size - 1);
      assert.equal(await count('SELECT COUNT(*) AS n FROM sluice_executors WHERE grp = ?', ['short']), 0, 'silent for 3 days with retentionDays 2');
      assert.equal(await count('SELECT COUNT(*) AS n FROM sluice_executors WHERE grp = ?', ['workers']), 1, 'the online executor of the first test stays');
    });
  });
}
