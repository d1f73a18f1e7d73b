import type { SqlRow, SqlValue } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import { keyObject, prepareTables } from './copy-table.ts';
import { cursorStart } from './cursor-overlap.ts';
import { rowObject } from './row-json.ts';
import { SyncLedger, type IncrementalCursor } from './sync-ledger.ts';
import type { TableJob } from './table-job.ts';
import type { TableReport } from './sync-report.ts';
import { writeRows, type RejectedRow } from './write-rows.ts';

/**
 * Incremental copy: rows are read in `(column, key)` order after the stored cursor (minus the
 * overlap), upserted, and the cursor — the last row written — is persisted after each chunk. The
 * upper bound of a run is the source database's clock for TIMESTAMP columns (never a client clock).
 */
export async function copyIncremental(job: TableJob, report: TableReport): Promise<void> {
  const { task, source, target, throttle } = job;
  const incremental = task.incremental!;
  const { info, plan } = await prepareTables(job);
  const at = plan.source.indexOf(incremental.column);
  if (at < 0) throw sluiceError('SLUICE_7101', `sync "${task.name}" incremental.column: "${incremental.column}" is not a copied column of ${job.label}`);
  const family = info.columns.find((c) => c.name === incremental.column)!.family;
  const ledger = new SyncLedger(job.store, task.name, job.label);
  const run = await ledger.begin(true);
  report.resumed = run.cursor !== undefined;
  job.progress.begin(run.cursor ? 0 : info.estimatedRows, 0);

  const upTo: SqlValue = family === 'timestamp' ? await source.now() : null;
  const from = run.cursor ? cursorStart(run.cursor.value, incremental.overlap) : null;
  let after: IncrementalCursor | undefined;
  const mode = task.mode === 'replace' ? 'replace' : 'upsert';
  for (;;) {
    if (job.signal.aborted) return;
    const started = Date.now();
    const size = throttle.chunkRows;
    const rows = await source.readByCursor(job.sourceRef, plan.source, incremental.column, plan.sourceKey,
      { from, ...(after ? { after: { cursor: after.value, key: after.key } } : {}) }, upTo, size, { where: task.where });
    if (rows.length === 0) break;
    await throttle.admit(rows.length, job.signal);
    const rejected: RejectedRow[] = [];
    const written = await target.transaction((writer) =>
      writeRows(writer, { table: job.targetRef, columns: plan.target, key: plan.targetKey, mode, writeBatch: task.writeBatch }, rows, rejected));
    const last = rows.at(-1)!;
    after = { value: last[at]!, key: plan.keyIndex.map((i) => last[i]!) };
    await ledger.saveCursor(after, written);
    await ledger.keepRejects(rejected.map((r) => ({ key: keyObject(plan, r.row), reason: r.reason, row: rowObject(plan.source, r.row) })));
    report.rejected += rejected.length;
    job.rejects.charge(job.label, rejected, (r) => keyObject(plan, r.row));
    throttle.observe(rows.length, Date.now() - started);
    report.chunks++;
    report.rowsRead += rows.length;
    report.rowsWritten += written;
    job.progress.add(rows.length);
    if (rows.length < size) break;
  }
  if (incremental.deletes) report.deleted = await reconcileDeletes(job, plan.sourceKey, plan.targetKey);
  await ledger.finish();
}

/**
 * Deletes target rows whose key no longer exists in the source (or no longer matches `where`). The
 * target's keys are walked in the target's own order and looked up in the source by equality, so
 * the two sides' collations never have to agree on an order.
 */
export async function reconcileDeletes(job: TableJob, sourceKey: readonly string[], targetKey: readonly string[]): Promise<number> {
  const { source, target, task } = job;
  let after: SqlRow | undefined;
  let deleted = 0;
  for (;;) {
    if (job.signal.aborted) return deleted;
    const keys = await target.readRange(job.targetRef, targetKey, targetKey, after ? { after } : {}, { limit: task.readBatch });
    if (keys.length === 0) return deleted;
    const present = await source.keysPresent(job.sourceRef, sourceKey, keys, { where: task.where });
    const gone = keys.filter((_, i) => !present[i]);
    if (gone.length > 0) deleted += await target.transaction((w) => w.deleteKeys(job.targetRef, targetKey, gone));
    if (keys.length < task.readBatch) return deleted;
    after = keys.at(-1);
  }
}
