import type { SqlDriver } from '../store/sql-driver.ts';
import { marks } from './store-sql.ts';

const DAY = 86_400_000;

/**
 * Deletes finished fires scheduled more than `retentionDays` ago, with their attempts and async
 * results, in batches of 1,000 so no transaction grows large. sluice_job_daily is kept: the
 * dashboard's history outlives the raw log.
 */
export async function applyRetention(db: SqlDriver, retentionDays: number, now = Date.now()): Promise<number> {
  const cutoff = now - retentionDays * DAY;
  let deleted = 0;
  for (;;) {
    const rows = await db.all<{ id: unknown }>(
      `SELECT id FROM sluice_fires WHERE scheduled_at < ? AND status IN ('succeeded', 'failed', 'skipped', 'cancelled') ORDER BY scheduled_at LIMIT 1000`, [cutoff]);
    if (rows.length === 0) return deleted;
    const ids = rows.map((r) => String(r.id));
    await db.transaction(async (tx) => {
      await tx.run(`DELETE FROM sluice_fire_attempts WHERE fire_id IN (${marks(ids.length)})`, ids);
      await tx.run(`DELETE FROM sluice_fire_callbacks WHERE fire_id IN (${marks(ids.length)})`, ids);
      await tx.run(`DELETE FROM sluice_fires WHERE id IN (${marks(ids.length)})`, ids);
    });
    deleted += ids.length;
    if (rows.length < 1000) return deleted;
  }
}
