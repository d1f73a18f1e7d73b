import type { SqlEngine } from '../connectors/sql/sql-engine.ts';
import { errorMessage, SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { copyTable } from './copy-table.ts';
import { copyIncremental } from './incremental-copy.ts';
import { SyncProgress } from './progress.ts';
import type { SyncTask } from './spec.ts';
import { summarize, tableReport, type SyncReport } from './sync-report.ts';
import { RejectBudget } from './table-job.ts';
import { selectTables } from './table-selection.ts';
import { Throttle } from './throttle.ts';

export interface SyncRunOptions {
  readonly store: MetadataStore;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Start over instead of resuming an unfinished run. */
  readonly restart?: boolean;
  /** Where the progress bar goes (a terminal); otherwise progress is logged. */
  readonly tty?: NodeJS.WriteStream;
}

/**
 * Runs one sync task: its tables one after another, each copied in parallel chunks (or
 * incrementally), and returns the report. Stops cleanly when `signal` aborts: chunks in flight
 * commit, the ledger keeps the rest for the next run.
 */
export async function runSyncTask(task: SyncTask, source: SqlEngine, target: SqlEngine, options: SyncRunOptions): Promise<SyncReport> {
  const started = Date.now();
  const report: SyncReport = {
    task: task.name, status: 'ok', source: source.label, target: target.label, startedAt: new Date(started).toISOString(), finishedAt: '', seconds: 0,
    totals: { rowsRead: 0, rowsWritten: 0, chunks: 0, rejected: 0, deleted: 0, tables: 0 }, tables: [], rejects: [],
  };
  const rejects = new RejectBudget(task.maxErrors);
  const pairs = await selectTables(task, source);
  const throttle = new Throttle({ ...task.throttle, readBatch: task.readBatch });
  for (const pair of pairs) {
    const table = tableReport(pair.label, pair.target.name, task.mode, task.incremental !== undefined);
    report.tables.push(table);
    if (options.signal.aborted) {
      table.status = 'stopped';
      continue;
    }
    const t0 = Date.now();
    const progress = new SyncProgress(pair.label, options.logger, options.tty ? { tty: options.tty } : {});
    const job = {
      task, source, target, sourceRef: pair.source, targetRef: pair.target, label: pair.label, store: options.store,
      logger: options.logger, throttle, progress, rejects, restart: options.restart ?? false, signal: options.signal,
    };
    try {
      await (task.incremental ? copyIncremental(job, table) : copyTable(job, table));
      table.status = options.signal.aborted ? 'stopped' : 'ok';
      progress.end();
    } catch (err) {
      if (options.signal.aborted) {
        // Stopped while a chunk waited (throttle) or was cut short: the ledger keeps it for the next run.
        table.status = 'stopped';
        continue;
      }
      table.status = 'failed';
      table.error = { ...(err instanceof SluiceError ? { code: err.code } : {}), message: errorMessage(err) };
      options.logger.error({ table: pair.label, code: table.error.code, err: table.error.message }, 'table sync failed');
      if (err instanceof SluiceError && err.code === 'SLUICE_7102') break;
    } finally {
      table.seconds = +((Date.now() - t0) / 1000).toFixed(3);
    }
  }
  report.rejects = rejects.kept.slice(0, 100);
  report.finishedAt = new Date().toISOString();
  report.seconds = +((Date.now() - started) / 1000).toFixed(3);
  summarize(report);
  return report;
}
