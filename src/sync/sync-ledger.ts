import { randomUUID } from 'node:crypto';
import type { SqlRow, SqlValue } from '../connectors/sql/sql-engine.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { rowFromJson, rowToJson } from './row-json.ts';

export interface PlannedChunk {
  readonly seq: number;
  /** Exclusive lower key bound; none = from the first row. */
  readonly lo?: SqlRow;
  /** Inclusive upper key bound; none = to the last row. */
  readonly hi?: SqlRow;
}

export interface LedgerChunk extends PlannedChunk {
  readonly done: boolean;
  readonly rows: number;
}

/** Where an incremental copy stopped: the last `(column, key)` written. */
export interface IncrementalCursor {
  readonly value: SqlValue;
  readonly key: SqlRow;
}

export interface TableRun {
  readonly runId: string;
  /** True when an unfinished run of this table is continued (its done chunks are skipped). */
  readonly resumed: boolean;
  readonly chunks: readonly LedgerChunk[];
  /** The incremental cursor; it outlives runs. */
  readonly cursor?: IncrementalCursor;
  readonly rowsWritten: number;
}

export interface RejectEntry {
  readonly key: Record<string, unknown>;
  readonly reason: string;
  readonly row: Record<string, unknown>;
}

interface TableRow { run_id: string; status: string; cursor_json: string | null; rows_written: number | string }
interface ChunkRow { seq: number | string; lo_json: string | null; hi_json: string | null; status: string; rows_written: number | string }

/**
 * The per-table chunk ledger of a sync task in the metadata store. A chunk is recorded (with its
 * key bounds) before it is copied and marked done after its target transaction commits, so a run
 * that stops anywhere resumes with exactly the chunks that were not done.
 */
export class SyncLedger {
  private readonly store: MetadataStore;
  private readonly task: string;
  private readonly table: string;
  private runId = '';

  constructor(store: MetadataStore, task: string, table: string) {
    this.store = store;
    this.task = task;
    this.table = table;
  }

  /** Continues an unfinished run, or starts a new one (`restart` forces a new one). */
  async begin(restart = false): Promise<TableRun> {
    const db = this.store.db;
    const [row] = await db.all<TableRow>('SELECT run_id, status, cursor_json, rows_written FROM sluice_sync_tables WHERE task = ? AND tbl = ?', [this.task, this.table]);
    const cursor = row?.cursor_json ? parseCursor(row.cursor_json) : undefined;
    if (row && row.status === 'running' && !restart) {
      this.runId = row.run_id;
      const chunks = await db.all<ChunkRow>('SELECT seq, lo_json, hi_json, status, rows_written FROM sluice_sync_chunks WHERE task = ? AND tbl = ? ORDER BY seq', [this.task, this.table]);
      return {
        runId: this.runId, resumed: true, cursor, rowsWritten: Number(row.rows_written),
        chunks: chunks.map((c) => ({ seq: Number(c.seq), lo: rowFromJson(c.lo_json), hi: rowFromJson(c.hi_json), done: c.status === 'done', rows: Number(c.rows_written) })),
      };
    }
    this.runId = randomUUID();
    const now = Date.now();
    await db.transaction(async (tx) => {
      await tx.run('DELETE FROM sluice_sync_chunks WHERE task = ? AND tbl = ?', [this.task, this.table]);
      await tx.run('DELETE FROM sluice_sync_tables WHERE task = ? AND tbl = ?', [this.task, this.table]);
      await tx.run(`INSERT INTO sluice_sync_tables (task, tbl, run_id, status, cursor_json, rows_written, started_at, updated_at)
        VALUES (?, ?, ?, 'running', ?, 0, ?, ?)`, [this.task, this.table, this.runId, row?.cursor_json ?? null, now, now]);
    });
    return { runId: this.runId, resumed: false, chunks: [], cursor, rowsWritten: 0 };
  }

  async plan(chunk: PlannedChunk): Promise<void> {
    await this.store.db.run(`INSERT INTO sluice_sync_chunks (task, tbl, seq, lo_json, hi_json, status, rows_written, updated_at)
      VALUES (?, ?, ?, ?, ?, 'planned', 0, ?)`, [this.task, this.table, chunk.seq, rowToJson(chunk.lo), rowToJson(chunk.hi), Date.now()]);
  }

  /** Marks a chunk done (after its target transaction committed) and keeps the rows it rejected. */
  async done(seq: number, rows: number, rejects: readonly RejectEntry[] = []): Promise<void> {
    const now = Date.now();
    await this.store.db.transaction(async (tx) => {
      await tx.run(`UPDATE sluice_sync_chunks SET status = 'done', rows_written = ?, updated_at = ? WHERE task = ? AND tbl = ? AND seq = ?`, [rows, now, this.task, this.table, seq]);
      await tx.run('UPDATE sluice_sync_tables SET rows_written = rows_written + ?, updated_at = ? WHERE task = ? AND tbl = ?', [rows, now, this.task, this.table]);
      await this.insertRejects(tx, rejects, now);
    });
  }

  async saveCursor(cursor: IncrementalCursor, rows: number): Promise<void> {
    await this.store.db.run('UPDATE sluice_sync_tables SET cursor_json = ?, rows_written = rows_written + ?, updated_at = ? WHERE task = ? AND tbl = ?',
      [JSON.stringify({ value: rowToJson([cursor.value]), key: rowToJson(cursor.key) }), rows, Date.now(), this.task, this.table]);
  }

  /** Keeps rows the target rejected, with the reason (table sluice_sync_rejects). */
  async keepRejects(rejects: readonly RejectEntry[]): Promise<void> {
    if (rejects.length > 0) await this.store.db.transaction((tx) => this.insertRejects(tx, rejects, Date.now()));
  }

  private async insertRejects(tx: SqlDriver, rejects: readonly RejectEntry[], now: number): Promise<void> {
    for (const r of rejects) {
      await tx.run('INSERT INTO sluice_sync_rejects (task, tbl, run_id, created_at, key_json, reason, row_json) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [this.task, this.table, this.runId, now, JSON.stringify(r.key), r.reason, JSON.stringify(r.row)]);
    }
  }

  /** The run completed; the next run starts over (an incremental one from the cursor). */
  async finish(): Promise<void> {
    await this.store.db.run(`UPDATE sluice_sync_tables SET status = 'done', updated_at = ? WHERE task = ? AND tbl = ?`, [Date.now(), this.task, this.table]);
  }
}

function parseCursor(text: string): IncrementalCursor {
  const parsed = JSON.parse(text) as { value: string; key: string };
  return { value: rowFromJson(parsed.value)![0]!, key: rowFromJson(parsed.key)! };
}
