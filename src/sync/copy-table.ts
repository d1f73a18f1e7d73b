import type { SqlRow, TableInfo, WriteMode } from '../connectors/sql/sql-engine.ts';
import { errorMessage, sluiceError } from '../core/errors.ts';
import { withRetry, type RetryPolicy } from '../pipeline/retry.ts';
import { planColumns, type ColumnPlan } from './column-plan.ts';
import { rowObject } from './row-json.ts';
import { SyncLedger, type LedgerChunk, type PlannedChunk } from './sync-ledger.ts';
import { serialized, type TableJob } from './table-job.ts';
import type { TableReport } from './sync-report.ts';
import { chunkCount, writeChunk, type ChunkRows, type RejectedRow } from './write-rows.ts';

/** Transient chunk failures: 6 attempts over about half a minute. */
const chunkRetry: RetryPolicy = { attempts: 6, initialDelay: 500, maxDelay: 10_000 };

const writeModes: Record<string, WriteMode> = { upsert: 'upsert', insert: 'insert', replace: 'replace', truncate: 'insert' };

/** Describes the source table and makes sure the target table exists (creating it if allowed). */
export async function prepareTables(job: TableJob): Promise<{ info: TableInfo; plan: ColumnPlan }> {
  const info = await job.source.describe(job.sourceRef);
  if (!info) throw sluiceError('SLUICE_7101', `sync "${job.task.name}": source table ${job.label} does not exist on ${job.source.label}`);
  const plan = planColumns(info, job.task, job.label);
  const existing = await job.target.describe(job.targetRef);
  if (!existing) {
    if (!job.task.to.create) throw sluiceError('SLUICE_7101', `sync "${job.task.name}": target table ${job.targetRef.name} does not exist on ${job.target.label} and to.create is false`);
    const columns = plan.columns.map((c, i) => ({ ...c, name: plan.target[i]! }));
    await job.target.createTable(job.targetRef, columns, plan.targetKey);
    job.logger.info({ table: job.label, target: job.targetRef.name }, 'created target table');
  } else {
    const have = new Set(existing.columns.map((c) => c.name));
    const missing = plan.target.filter((c) => !have.has(c));
    if (missing.length > 0) throw sluiceError('SLUICE_7101', `sync "${job.task.name}": target table ${job.targetRef.name} has no column ${missing.map((c) => `"${c}"`).join(', ')}`);
  }
  return { info, plan };
}

/**
 * Full copy of one table: chunks are cut lazily by key (keyset, `ORDER BY key LIMIT 1 OFFSET n`),
 * recorded in the ledger before they are copied, copied by `workers` in parallel (each chunk in
 * one target transaction) and marked done after the commit. A resumed run re-copies exactly the
 * chunks not marked done, with the bounds they had.
 */
export async function copyTable(job: TableJob, report: TableReport): Promise<void> {
  const { task, source, target, throttle } = job;
  const { info, plan } = await prepareTables(job);
  const ledger = new SyncLedger(job.store, task.name, job.label);
  const run = await ledger.begin(job.restart);
  report.resumed = run.resumed;
  if (task.mode === 'truncate' && !run.resumed) await target.truncate(job.targetRef);
  job.progress.begin(info.estimatedRows, run.rowsWritten);
  report.chunksSkipped = run.chunks.filter((c) => c.done).length;

  const redo: LedgerChunk[] = run.chunks.filter((c) => !c.done);
  const last = run.chunks.at(-1);
  let seq = last?.seq ?? 0;
  let lo = last?.hi;
  let planned = last !== undefined && last.hi === undefined;
  /** Cuts the next chunk (one index scan) and records it as planned. */
  const planOne = async (): Promise<PlannedChunk | undefined> => {
    if (planned || job.signal.aborted) return undefined;
    const hi = await source.boundary(job.sourceRef, plan.sourceKey, lo, throttle.chunkRows, { where: task.where });
    const chunk: PlannedChunk = { seq: ++seq, ...(lo ? { lo } : {}), ...(hi ? { hi } : {}) };
    await ledger.plan(chunk);
    lo = hi;
    planned = hi === undefined;
    return chunk;
  };
  // One chunk is cut ahead, while the workers copy: otherwise every worker would wait for the
  // boundary query of its next chunk, and they queue behind each other there.
  let ahead: Promise<PlannedChunk | undefined> | undefined;
  const nextChunk = serialized(async (): Promise<{ chunk: PlannedChunk; replay: boolean } | undefined> => {
    const again = redo.shift();
    if (again) return { chunk: again, replay: true };
    const chunk = await (ahead ?? planOne());
    ahead = chunk ? planOne() : undefined;
    ahead?.catch(() => undefined);
    return chunk ? { chunk, replay: false } : undefined;
  });

  // Rows go as the source's binary protocol when the target converts that to its own binary
  // format, else as the source's text when the target can write that (no value per field is
  // built either way). A chunk binary cannot write (a value it cannot convert, a row the target
  // rejects) is read again as text. A column it cannot convert, or a source that cannot run the
  // read as a prepared statement, sends the rest of the table to text.
  let binary = Boolean(source.readRangeBinary && target.writesBinary);
  const textFromNowOn = (chunk: PlannedChunk, why: string) => {
    if (!binary) return;
    binary = false;
    job.logger.info({ table: job.label, chunk: chunk.seq, why }, 'copying the rest of the table as text');
  };
  const readChunk = async (chunk: PlannedChunk, asBinary = binary): Promise<ChunkRows> => {
    const range = { after: chunk.lo, upTo: chunk.hi };
    const options = { where: task.where, expectRows: throttle.chunkRows };
    if (asBinary && source.readRangeBinary) {
      try {
        return { binary: await source.readRangeBinary(job.sourceRef, plan.source, plan.sourceKey, range, options) };
      } catch (err) {
        // Read as text instead; if that fails too, its error is the chunk's.
        textFromNowOn(chunk, `binary read failed: ${errorMessage(err)}`);
      }
    }
    if (source.readRangeText && target.writesText) return { text: await source.readRangeText(job.sourceRef, plan.source, plan.sourceKey, range, options) };
    return { rows: await source.readRange(job.sourceRef, plan.source, plan.sourceKey, range, { where: task.where }) };
  };

  /** `preRead`: the chunk's rows, read while the worker wrote its previous chunk. */
  const copyChunk = async (chunk: PlannedChunk, replay: boolean, preRead?: Promise<ChunkRows>): Promise<void> => {
    const started = Date.now();
    let input = await (preRead ?? readChunk(chunk));
    const count = chunkCount(input);
    await throttle.admit(count, job.signal);
    // A replayed chunk either committed entirely or not at all: with plain inserts, skip existing keys.
    const mode = replay && writeModes[task.mode] === 'insert' ? 'insert-ignore' : writeModes[task.mode]!;
    const rejected: RejectedRow[] = [];
    const into = { table: job.targetRef, columns: plan.target, key: plan.targetKey, mode, writeBatch: task.writeBatch };
    let written = await target.transaction((writer) => writeChunk(writer, into, input, rejected));
    if (typeof written !== 'number') {
      if (written === 'column') textFromNowOn(chunk, 'a column has no binary conversion into its target column');
      input = await readChunk(chunk, false);
      written = await target.transaction((writer) => writeChunk(writer, into, input, rejected));
      if (typeof written !== 'number') throw new Error(`chunk ${chunk.seq}: rows read as text were declined (${written})`);
    }
    await ledger.done(chunk.seq, written, rejected.map((r) => ({ key: keyObject(plan, r.row), reason: r.reason, row: rowObject(plan.source, r.row) })));
    throttle.observe(count, Date.now() - started);
    report.chunks++;
    report.rowsRead += count;
    report.rowsWritten += written;
    report.rejected += rejected.length;
    job.progress.add(count);
    job.rejects.charge(job.label, rejected, (r) => keyObject(plan, r.row));
  };

  // A chunk that fails for a transient reason (lost connection, deadlock) is copied again; it is idempotent.
  // Each worker reads its next chunk while it writes the current one, so the source and the target
  // work at the same time (a failed read ahead is simply read again by the chunk's retry).
  // Only for compact text or binary rows (one buffer a chunk): decoded rows are an object per
  // value, and a second chunk of those per worker would break the memory budget.
  const readAhead = binary || Boolean(source.readRangeText && target.writesText);
  const startNext = async () => {
    const item = await nextChunk();
    if (!item) return undefined;
    const rows = readAhead ? readChunk(item.chunk) : undefined;
    rows?.catch(() => undefined);
    return { ...item, rows };
  };
  await Promise.all(Array.from({ length: task.workers }, async () => {
    let ahead = startNext();
    for (let item = await ahead; item && !job.signal.aborted; item = await ahead) {
      ahead = startNext();
      ahead.catch(() => undefined);
      const { chunk, replay, rows } = item;
      const outcome = await withRetry(chunkRetry, (attempt) => copyChunk(chunk, replay || attempt > 0, attempt === 0 ? rows : undefined), {
        signal: job.signal,
        onRetry: (err, attempt, delayMs) => job.logger.warn({ table: job.label, chunk: chunk.seq, attempt, delayMs, err: errorMessage(err) }, 'chunk failed, copying it again'),
      });
      if (!outcome.ok) throw outcome.error;
    }
  }));
  if (job.signal.aborted) return;
  await ledger.finish();
}

export function keyObject(plan: ColumnPlan, row: SqlRow): Record<string, unknown> {
  return rowObject(plan.sourceKey, plan.keyIndex.map((i) => row[i]!));
}
