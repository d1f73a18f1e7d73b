import type { SqlEngine, SqlRow, TableRef } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import { Throttle } from '../sync/throttle.ts';
import type { VerifyTask } from './spec.ts';
import { comparedColumns, type VerifyTarget } from './verify-table.ts';

/** What one verify run found on one target, by raw key. */
export interface RepairPlan {
  /** Source keys whose row is missing or different on the target. */
  readonly upsert: SqlRow[];
  /** Target keys the source does not have. */
  readonly remove: SqlRow[];
}

export interface RepairResult {
  readonly table: string;
  upserted: number;
  deleted: number;
}

const BATCH = 500;

async function shape(task: VerifyTask, source: SqlEngine, sourceRef: TableRef): Promise<{ names: string[]; key: readonly string[] }> {
  const info = await source.describe(sourceRef);
  if (!info) throw sluiceError('SLUICE_7101', `verify "${task.name}": source table ${sourceRef.name} does not exist`);
  const key = task.key ?? info.primaryKey;
  return { names: comparedColumns(info, task, key), key };
}

/** The current source rows of `keys` (a row deleted since the comparison is left out). */
async function sourceRows(source: SqlEngine, sourceRef: TableRef, names: readonly string[], key: readonly string[], keys: readonly SqlRow[]): Promise<SqlRow[]> {
  const rows: SqlRow[] = [];
  for (let at = 0; at < keys.length; at += BATCH) {
    rows.push(...(await source.rowsForKeys(sourceRef, names, key, keys.slice(at, at + BATCH))).filter((r): r is SqlRow => r !== undefined));
  }
  return rows;
}

/**
 * The same repair as SQL scripts, one per target in its own dialect, for a DBA to review and run:
 * idempotent upserts of the current source rows and deletes of the extra keys, in one transaction.
 */
export async function repairScripts(task: VerifyTask, source: SqlEngine, sourceRef: TableRef, targets: readonly VerifyTarget[], plans: readonly RepairPlan[]): Promise<string[]> {
  const { names, key } = await shape(task, source, sourceRef);
  return Promise.all(targets.map(async (t, i) => {
    const plan = plans[i]!;
    const rows = await sourceRows(source, sourceRef, names, key, plan.upsert);
    const statements = await t.engine.repairScript(t.ref, names.map((c) => t.columns[c] ?? c), key.map((k) => t.columns[k] ?? k), rows, plan.remove);
    const header = `-- sluice verify ${task.name}: repair of ${t.ref.schema ? `${t.ref.schema}.` : ''}${t.ref.name} on ${t.engine.label}\n-- ${rows.length} row(s) upserted from the source, ${plan.remove.length} extra row(s) deleted; safe to run twice.\n`;
    return `${header}BEGIN;\n${statements.join('\n')}\nCOMMIT;\n`;
  }));
}

/**
 * Makes each target equal to the source for the keys a verify run reported: the source rows are
 * read again by key and upserted (so a row changed since the comparison gets its current value),
 * extra rows are deleted by key. Idempotent; batches of 500 rows per transaction, at most
 * `rowsPerSecond` when given.
 */
export async function repairTargets(task: VerifyTask, source: SqlEngine, sourceRef: TableRef, targets: readonly VerifyTarget[], plans: readonly RepairPlan[], options: { rowsPerSecond?: number; signal: AbortSignal }): Promise<RepairResult[]> {
  const { names, key } = await shape(task, source, sourceRef);
  const throttle = new Throttle({ ...(options.rowsPerSecond ? { rowsPerSecond: options.rowsPerSecond } : {}), readBatch: BATCH });
  return Promise.all(targets.map(async (t, i) => {
    const plan = plans[i]!;
    const tnames = names.map((c) => t.columns[c] ?? c);
    const tkey = key.map((k) => t.columns[k] ?? k);
    const result: RepairResult = { table: t.ref.name, upserted: 0, deleted: 0 };
    for (let at = 0; at < plan.upsert.length; at += BATCH) {
      const rows = await sourceRows(source, sourceRef, names, key, plan.upsert.slice(at, at + BATCH));
      await throttle.admit(rows.length, options.signal);
      await t.engine.transaction((w) => w.write(t.ref, tnames, tkey, rows, 'upsert'));
      result.upserted += rows.length;
    }
    for (let at = 0; at < plan.remove.length; at += BATCH) {
      const keys = plan.remove.slice(at, at + BATCH);
      await throttle.admit(keys.length, options.signal);
      result.deleted += await t.engine.transaction((w) => w.deleteKeys(t.ref, tkey, keys));
    }
    return result;
  }));
}
