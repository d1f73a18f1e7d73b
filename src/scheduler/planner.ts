import type { Logger } from '../core/logger.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { insertFires, scheduleSlot, type FireRecord, type NewFire } from './fire-store.ts';
import type { JobCache, NextFireAfter } from './job-store.ts';
import { planSlots } from './misfire.ts';
import { partitionLease } from './partition.ts';
import { forUpdate, marks, num, numOrUndef } from './store-sql.ts';

export interface PlanRound {
  /** Fires this node created and must dispatch. */
  readonly fires: FireRecord[];
  /** Jobs whose stored next fire was a misfire, with what the policy did. */
  readonly misfires: { job: string; fired: number; skipped: number; beyondWindow: boolean }[];
  /** More jobs were due than one round takes: run the next round at once. */
  readonly more: boolean;
}

export interface PlannerOptions {
  readonly db: SqlDriver;
  readonly node: string;
  readonly jobs: JobCache;
  readonly nextFireAfter: NextFireAfter;
  readonly lookahead: number;
  readonly tolerance: number;
  readonly logger: Logger;
  /** Jobs planned per transaction (default 500). */
  readonly batch?: number;
}

/**
 * One planning round for the partitions this node holds (partition → lease token), in ONE
 * transaction: check the leases are still ours with those tokens (fencing), lock the due job rows,
 * insert a fire per due slot (UNIQUE (job, slot) makes a second one impossible) and advance each
 * job's next_fire_at with a compare-and-set on the value the slots were derived from. A node that
 * crashes after the commit leaves pending fires, which the next owner of the partition runs.
 */
export async function planRound(o: PlannerOptions, held: ReadonlyMap<number, number>, now: number): Promise<PlanRound> {
  const limit = o.batch ?? 500;
  if (held.size === 0) return { fires: [], misfires: [], more: false };
  // Definitions are read before the transaction: it only has to lock and write.
  const due = await o.db.all<{ name: string; updated_at: unknown }>(
    `SELECT name, updated_at FROM sluice_jobs WHERE partition_no IN (${marks(held.size)}) AND next_fire_at <= ? ORDER BY next_fire_at LIMIT ?`,
    [...held.keys(), now + o.lookahead, limit]);
  if (due.length === 0) return { fires: [], misfires: [], more: false };
  await o.jobs.ensure(due.map((d) => ({ name: d.name, updatedAt: num(d.updated_at) })));
  return o.db.transaction(async (tx) => {
    const names = [...held.keys()].map(partitionLease);
    const leases = await tx.all<{ name: string; token: unknown }>(
      `SELECT name, token FROM sluice_leases WHERE owner = ? AND expires_at > ? AND name IN (${marks(names.length)})`, [o.node, now, ...names]);
    const valid = [...held].filter(([p, token]) => leases.some((l) => l.name === partitionLease(p) && num(l.token) === token)).map(([p]) => p);
    if (valid.length === 0) return { fires: [], misfires: [], more: false };
    // Lock the due rows by primary key, in name order: a range scan with FOR UPDATE would lock
    // rows of other nodes' partitions too (InnoDB locks every row it examines) and deadlock with them.
    const names2 = due.map((d) => d.name).sort();
    const locked = await tx.all<{ name: string; next_fire_at: unknown; partition_no: unknown }>(
      `SELECT name, next_fire_at, partition_no FROM sluice_jobs WHERE name IN (${marks(names2.length)}) ORDER BY name${forUpdate(tx.dialect)}`, names2);
    const validSet = new Set(valid);
    const rows = locked.filter((r) => r.next_fire_at !== null && validSet.has(num(r.partition_no)) && num(r.next_fire_at) <= now + o.lookahead);
    const fires: NewFire[] = [];
    const misfires: PlanRound['misfires'] = [];
    for (const row of rows) {
      const stored = numOrUndef(row.next_fire_at)!;
      const job = o.jobs.get(row.name)?.job;
      let next: number | undefined;
      if (job?.schedule && job.enabled) {
        try {
          const plan = planSlots(job.schedule, job.misfire, stored, o.nextFireAfter, { now, lookahead: o.lookahead, tolerance: o.tolerance });
          for (const s of plan.slots) fires.push({ job: row.name, slot: scheduleSlot(s.at), partition: num(row.partition_no), scheduledAt: s.at, trigger: s.trigger, owner: o.node });
          if (plan.misfired) misfires.push({ job: row.name, fired: plan.slots.filter((s) => s.trigger === 'misfire').length, skipped: plan.skipped, beyondWindow: plan.beyondWindow });
          next = plan.next;
        } catch (err) {
          o.logger.error({ job: row.name, err }, 'cannot compute the next fire of the job; it stops firing until its schedule is fixed');
        }
      }
      await tx.run('UPDATE sluice_jobs SET next_fire_at = ? WHERE name = ? AND next_fire_at = ?', [next ?? null, row.name, stored]);
    }
    const created = await insertFires(tx, fires, now);
    // Rows created by someone else (never, while the job rows are locked; kept as a guard) are not ours to run.
    const mine = created.filter((f) => f.owner === o.node && f.createdAt === now && f.status === 'pending');
    return { fires: mine, misfires, more: rows.length >= limit };
  });
}
