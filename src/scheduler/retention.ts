import type { SqlDriver } from '../store/sql-driver.ts';
import { marks } from './store-sql.ts';

const DAY = 86_400_000;

/** Self-registered executors silent for this long (or `retentionDays`, when shorter) are forgotten. */
export const EXECUTOR_RETENTION_DAYS = 7;

/**
 * Deletes finished fires scheduled more than `retentionDays` ago, with their attempts and async
 * results, in batches of 1,000 so no transaction grows large; pending and running fires stay
 * whatever their age. Async results older than that whose fire is gone (posted for a fire
 * already deleted, or for an id that never existed) go too, and so do self-registered executors
 * whose last heartbeat is older than 7 days (or `retentionDays`, when shorter): they are long
 * offline, and an executor that comes back registers again with its next heartbeat.
 * sluice_job_daily is kept: the dashboard's history outlives the raw log.
 * Returns the number of fires deleted.
 */
export async function applyRetention(db: SqlDriver, retentionDays: number, now = Date.now()): Promise<number> {
  const cutoff = now - retentionDays * DAY;
  let deleted = 0;
  for (;;) {
    const rows = await db.all<{ id: unknown }>(
      `SELECT id FROM sluice_fires WHERE scheduled_at < ? AND status IN ('succeeded', 'failed', 'skipped', 'cancelled') ORDER BY scheduled_at LIMIT 1000`, [cutoff]);
    if (rows.length === 0) break;
    const ids = rows.map((r) => String(r.id));
    await db.transaction(async (tx) => {
      await tx.run(`DELETE FROM sluice_fire_attempts WHERE fire_id IN (${marks(ids.length)})`, ids);
      await tx.run(`DELETE FROM sluice_fire_callbacks WHERE fire_id IN (${marks(ids.length)})`, ids);
      await tx.run(`DELETE FROM sluice_fires WHERE id IN (${marks(ids.length)})`, ids);
    });
    deleted += ids.length;
    if (rows.length < 1000) break;
  }
  await db.run('DELETE FROM sluice_fire_callbacks WHERE received_at < ? AND NOT EXISTS (SELECT 1 FROM sluice_fires f WHERE f.id = sluice_fire_callbacks.fire_id)', [cutoff]);
  await db.run('DELETE FROM sluice_executors WHERE last_seen < ?', [now - Math.min(EXECUTOR_RETENTION_DAYS, retentionDays) * DAY]);
  return deleted;
}
