import { createHash, randomUUID } from 'node:crypto';
import type { SqlRow } from '../connectors/sql/sql-engine.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { rowFromJson, rowToJson } from '../sync/row-json.ts';
import type { VerifyTask } from './spec.ts';
import type { TargetVerdict } from './verify-report.ts';

/** Where an interrupted comparison stands: everything needed to go on as if it never stopped. */
export interface VerifyProgress {
  /** The upper key of the last compared range; the next range starts after it. */
  readonly lo: SqlRow | undefined;
  readonly rowsInSource: number;
  readonly chunks: number;
  /** Targets (in order) whose walk for extra rows is finished; that walk comes after the ranges. */
  readonly extrasDone: number;
  readonly rangesDone: boolean;
  readonly targets: readonly TargetVerdict[];
}

interface StoredState extends Omit<VerifyProgress, 'lo'> {
  readonly lo: string | null;
}

/**
 * The chunk ledger of a batch verify (sluice_verify_runs): the progress is saved after every key
 * range, so a run stopped by a crash, kill -9 or SIGTERM goes on from the last finished range with
 * the counts and differences found so far. Ranges are compared in key order, so the last finished
 * range is the whole ledger. A changed task (tables, key, columns, filter, tolerance) starts over.
 */
export class VerifyLedger {
  private readonly store: MetadataStore;
  private readonly task: string;
  private readonly fingerprint: string;
  private runId = '';

  constructor(store: MetadataStore, task: VerifyTask, startAfter: SqlRow | undefined) {
    this.store = store;
    this.task = task.name;
    const { source, targets, key, columns, where, floatDigits } = task;
    this.fingerprint = createHash('sha256').update(JSON.stringify({ source, targets, key, columns, where, floatDigits, startAfter: rowToJson(startAfter) })).digest('hex');
  }

  /** The progress of an unfinished run of the same task, or undefined (a new run is recorded). */
  async begin(restart: boolean, now = Date.now()): Promise<VerifyProgress | undefined> {
    const rows = await this.store.db.all<{ run_id: string; fingerprint: string; state_json: string; finished_at: number | string | null }>(
      'SELECT run_id, fingerprint, state_json, finished_at FROM sluice_verify_runs WHERE task = ?', [this.task]);
    const row = rows[0];
    if (row && !restart && row.finished_at === null && row.fingerprint === this.fingerprint) {
      this.runId = row.run_id;
      const state = JSON.parse(row.state_json) as StoredState;
      return { ...state, lo: rowFromJson(state.lo) };
    }
    this.runId = randomUUID();
    await this.store.db.transaction(async (tx) => {
      await tx.run('DELETE FROM sluice_verify_runs WHERE task = ?', [this.task]);
      await tx.run('INSERT INTO sluice_verify_runs (task, run_id, fingerprint, state_json, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        [this.task, this.runId, this.fingerprint, '{}', now, now]);
    });
    return undefined;
  }

  async save(progress: VerifyProgress, now = Date.now()): Promise<void> {
    const state: StoredState = { ...progress, lo: rowToJson(progress.lo) };
    await this.store.db.run('UPDATE sluice_verify_runs SET state_json = ?, updated_at = ? WHERE task = ? AND run_id = ?',
      [JSON.stringify(state), now, this.task, this.runId]);
  }

  /** The next run starts from the beginning. */
  async finish(now = Date.now()): Promise<void> {
    await this.store.db.run('UPDATE sluice_verify_runs SET finished_at = ?, updated_at = ? WHERE task = ? AND run_id = ?', [now, now, this.task, this.runId]);
  }
}
