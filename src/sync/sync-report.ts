import type { RejectRecord } from './table-job.ts';

export type SyncStatus = 'ok' | 'failed' | 'stopped';

export interface TableReport {
  readonly table: string;
  readonly target: string;
  readonly mode: string;
  readonly incremental: boolean;
  resumed: boolean;
  status: SyncStatus;
  rowsRead: number;
  rowsWritten: number;
  chunks: number;
  /** Chunks a resumed run found already done. */
  chunksSkipped: number;
  rejected: number;
  deleted: number;
  seconds: number;
  error?: { code?: string; message: string };
}

/** The JSON report `sluice sync` prints at the end. */
export interface SyncReport {
  readonly task: string;
  status: SyncStatus;
  readonly source: string;
  readonly target: string;
  readonly startedAt: string;
  finishedAt: string;
  seconds: number;
  readonly totals: { rowsRead: number; rowsWritten: number; chunks: number; rejected: number; deleted: number; tables: number };
  readonly tables: TableReport[];
  /** The first rejected rows (all of them are in the metadata store, table sluice_sync_rejects). */
  rejects: RejectRecord[];
}

export function tableReport(table: string, target: string, mode: string, incremental: boolean): TableReport {
  return { table, target, mode, incremental, resumed: false, status: 'ok', rowsRead: 0, rowsWritten: 0, chunks: 0, chunksSkipped: 0, rejected: 0, deleted: 0, seconds: 0 };
}

export function summarize(report: SyncReport): void {
  const t = report.totals;
  t.tables = report.tables.length;
  t.rowsRead = t.rowsWritten = t.chunks = t.rejected = t.deleted = 0;
  for (const r of report.tables) {
    t.rowsRead += r.rowsRead;
    t.rowsWritten += r.rowsWritten;
    t.chunks += r.chunks;
    t.rejected += r.rejected;
    t.deleted += r.deleted;
  }
  report.status = report.tables.some((r) => r.status === 'failed') ? 'failed' : report.tables.some((r) => r.status === 'stopped') ? 'stopped' : 'ok';
}
