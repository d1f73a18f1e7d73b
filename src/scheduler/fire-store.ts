import type { SqlDriver } from '../store/sql-driver.ts';
import type { FireStatus, TriggerKind } from './fire-types.ts';
import { chunked, insertIgnoreSql, marks, num, numOrUndef } from './store-sql.ts';

/** A row of sluice_fires. */
export interface FireRecord {
  readonly id: string;
  readonly job: string;
  readonly slot: string;
  readonly partition: number;
  readonly scheduledAt: number;
  readonly trigger: TriggerKind;
  readonly rootFireId: string | undefined;
  readonly parentFireId: string | undefined;
  readonly status: FireStatus;
  readonly owner: string | undefined;
  readonly attempts: number;
  readonly createdAt: number;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  readonly params: Record<string, unknown>;
  readonly result: unknown;
}

export interface NewFire {
  readonly job: string;
  readonly slot: string;
  readonly partition: number;
  readonly scheduledAt: number;
  readonly trigger: TriggerKind;
  readonly status?: 'pending' | 'skipped';
  readonly owner?: string;
  readonly rootFireId?: string;
  readonly parentFireId?: string;
  readonly params?: Record<string, unknown>;
  readonly result?: unknown;
}

/** Slot keys: one fire per (job, slot) ever, enforced by UNIQUE (job, slot). */
export const scheduleSlot = (at: number): string => `s:${at}`;
export const dependencySlot = (rootFireId: string): string => `d:${rootFireId}`;
export const manualSlot = (uuid: string): string => `m:${uuid}`;

export const finalStatuses: readonly FireStatus[] = ['succeeded', 'failed', 'skipped', 'cancelled'];
export const isFinal = (s: string): boolean => (finalStatuses as readonly string[]).includes(s);

const columns = ['job', 'slot', 'partition_no', 'scheduled_at', 'trigger_kind', 'root_fire_id', 'parent_fire_id', 'status', 'owner', 'attempts', 'created_at', 'finished_at', 'params_json', 'result_json'];
const SELECT = 'SELECT id, job, slot, partition_no, scheduled_at, trigger_kind, root_fire_id, parent_fire_id, status, owner, attempts, created_at, started_at, finished_at, params_json, result_json FROM sluice_fires';

/**
 * Inserts fires, skipping any whose (job, slot) exists already, and returns the rows of the
 * given slots as they are now (the caller tells its own rows from others' by `createdAt`/`owner`).
 */
export async function insertFires(tx: SqlDriver, fires: readonly NewFire[], now: number): Promise<FireRecord[]> {
  const out: FireRecord[] = [];
  await chunked(fires, 100, async (chunk) => {
    await tx.run(insertIgnoreSql(tx.dialect, 'sluice_fires', columns, chunk.length), chunk.flatMap((f) => [
      f.job, f.slot, f.partition, f.scheduledAt, f.trigger, f.rootFireId ?? null, f.parentFireId ?? null, f.status ?? 'pending',
      f.owner ?? null, 0, now, f.status === 'skipped' ? now : null,
      f.params && Object.keys(f.params).length > 0 ? JSON.stringify(f.params) : null, f.result === undefined ? null : JSON.stringify(f.result)]));
    const where = chunk.map(() => '(job = ? AND slot = ?)').join(' OR ');
    out.push(...(await tx.all<FireRow>(`${SELECT} WHERE ${where}`, chunk.flatMap((f) => [f.job, f.slot]))).map(toRecord));
  });
  return out;
}

/** Pending and running fires of a partition: the work a node takes over with the partition. */
export async function openFires(db: SqlDriver, partition: number): Promise<FireRecord[]> {
  const rows = await db.all<FireRow>(`${SELECT} WHERE partition_no = ? AND status IN ('pending', 'running') ORDER BY scheduled_at, id`, [partition]);
  return rows.map(toRecord);
}

/** Pending fires nobody has taken yet (run-now, dependency fires made on another node) in these partitions. */
export async function unclaimedFires(db: SqlDriver, partitions: readonly number[]): Promise<FireRecord[]> {
  if (partitions.length === 0) return [];
  const rows = await db.all<FireRow>(`${SELECT} WHERE partition_no IN (${marks(partitions.length)}) AND status = 'pending' AND owner IS NULL ORDER BY id LIMIT 1000`, partitions);
  return rows.map(toRecord);
}

export async function fireById(db: SqlDriver, id: string): Promise<FireRecord | undefined> {
  const rows = await db.all<FireRow>(`${SELECT} WHERE id = ?`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** The fires of one run chain (a root fire and everything triggered after it). */
export async function chainFires(db: SqlDriver, rootFireId: string): Promise<FireRecord[]> {
  const rows = await db.all<FireRow>(`${SELECT} WHERE root_fire_id = ? OR id = ?`, [rootFireId, rootFireId]);
  return rows.map(toRecord);
}

/** The latest fires of a job, newest first. */
export async function recentFires(db: SqlDriver, job: string, limit: number): Promise<FireRecord[]> {
  const rows = await db.all<FireRow>(`${SELECT} WHERE job = ? ORDER BY scheduled_at DESC, id DESC LIMIT ?`, [job, limit]);
  return rows.map(toRecord);
}

interface FireRow {
  id: unknown; job: string; slot: string; partition_no: unknown; scheduled_at: unknown; trigger_kind: string; root_fire_id: unknown; parent_fire_id: unknown;
  status: string; owner: string | null; attempts: unknown; created_at: unknown; started_at: unknown; finished_at: unknown; params_json: string | null; result_json: string | null;
}

const idOrUndef = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function toRecord(r: FireRow): FireRecord {
  return {
    id: String(r.id), job: r.job, slot: r.slot, partition: num(r.partition_no), scheduledAt: num(r.scheduled_at), trigger: r.trigger_kind as TriggerKind,
    rootFireId: idOrUndef(r.root_fire_id), parentFireId: idOrUndef(r.parent_fire_id), status: r.status as FireStatus, owner: r.owner ?? undefined,
    attempts: num(r.attempts), createdAt: num(r.created_at), startedAt: numOrUndef(r.started_at), finishedAt: numOrUndef(r.finished_at),
    params: r.params_json ? JSON.parse(r.params_json) as Record<string, unknown> : {}, result: r.result_json ? JSON.parse(r.result_json) as unknown : undefined,
  };
}
