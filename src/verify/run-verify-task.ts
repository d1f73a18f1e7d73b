import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlEngine, SqlRow } from '../connectors/sql/sql-engine.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { repairScripts, repairTargets, type RepairPlan } from './repair.ts';
import type { VerifyTask } from './spec.ts';
import { VerifyLedger } from './verify-ledger.ts';
import { describeReport, type VerifyReport } from './verify-report.ts';
import { verifyTable } from './verify-table.ts';

export interface RunVerifyOptions {
  readonly signal: AbortSignal;
  /** Compare only keys after this one (cupid's `--start-id`). */
  readonly startAfter?: SqlRow;
  /** Keeps the chunk ledger, so an interrupted run resumes (not with `repair`/`fixSql`, which need every difference's key in memory). */
  readonly store?: MetadataStore;
  /** Start over instead of resuming. */
  readonly restart?: boolean;
  /** Make the targets equal, then verify again. */
  readonly repair?: boolean;
  readonly repairRate?: number;
  /** Write one repair script per target into this directory. */
  readonly fixSql?: string;
  /** Human-readable progress lines (the CLI writes them to stderr). */
  readonly say?: (line: string) => void;
}

/** One verify task end to end: compare, optionally write repair scripts or repair and compare again. */
export async function runVerifyTask(task: VerifyTask, engine: (connection: string) => Promise<SqlEngine>, o: RunVerifyOptions): Promise<VerifyReport> {
  const say = o.say ?? (() => undefined);
  const source = await engine(task.source.connection);
  const targets = await Promise.all(task.targets.map(async (t) => ({
    engine: await engine(t.connection), ref: { ...(t.schema ? { schema: t.schema } : {}), name: t.table }, columns: t.columns,
  })));
  const sourceRef = { ...(task.source.schema ? { schema: task.source.schema } : {}), name: task.source.table };
  const plans: RepairPlan[] = targets.map(() => ({ upsert: [], remove: [] }));
  const collect = o.repair || o.fixSql ? { onDifference: (i: number, kind: string, key: SqlRow) => (kind === 'extra' ? plans[i]!.remove : plans[i]!.upsert).push(key) } : {};
  const ledger = o.store && !collect.onDifference ? { ledger: new VerifyLedger(o.store, task, o.startAfter), restart: o.restart ?? false } : {};
  const startAfter = o.startAfter ? { startAfter: o.startAfter } : {};
  let report = await verifyTable(task, source, sourceRef, targets, o.signal, { ...collect, ...startAfter, ...ledger });
  say(describeReport(report));
  if (o.fixSql && report.status === 'different') {
    const scripts = await repairScripts(task, source, sourceRef, targets, plans);
    await mkdir(o.fixSql, { recursive: true });
    for (const [i, script] of scripts.entries()) {
      const file = join(o.fixSql, `${task.name}.${i + 1}.${targets[i]!.ref.name}.sql`);
      await writeFile(file, script);
      say(`repair script: ${file}`);
    }
  }
  if (o.repair && report.status === 'different') {
    const repaired = await repairTargets(task, source, sourceRef, targets, plans, { signal: o.signal, ...(o.repairRate ? { rowsPerSecond: o.repairRate } : {}) });
    say(`repaired: ${repaired.map((r) => `${r.table} ${r.upserted} upserted, ${r.deleted} deleted`).join('; ')}; verifying again`);
    const before = report;
    report = { ...(await verifyTable(task, source, sourceRef, targets, o.signal, startAfter)), before, repaired };
    say(describeReport(report));
  }
  return report;
}
