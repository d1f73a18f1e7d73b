import { formatPosition, parsePosition, type BinlogPosition } from '../core/position.ts';
import { migrate } from './migrations.ts';
import type { SqlDriver } from './sql-driver.ts';

export interface StoredCheckpoint {
  readonly position: BinlogPosition;
  readonly updatedAt: number;
}

export type DeadLetterStatus = 'new' | 'replayed' | 'discarded';

export interface DeadLetterInput {
  readonly pipeline: string;
  readonly target: string;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attempts: number;
  readonly position: BinlogPosition;
  /** The events of the failed batch, as JSON-safe objects, so nothing is lost. */
  readonly events: readonly unknown[];
}

export interface DeadLetter extends Omit<DeadLetterInput, 'events' | 'position'> {
  readonly id: number;
  readonly createdAt: number;
  readonly position: string;
  readonly eventCount: number;
  readonly events: unknown[];
  readonly status: DeadLetterStatus;
}

interface DeadLetterRow {
  id: number | string; pipeline: string; target: string; created_at: number | string; error_code: string;
  error_message: string; attempts: number | string; position: string; event_count: number | string; payload: string; status: string;
}

/**
 * Sluice's durable state: checkpoints and the dead-letter store (later also tasks, jobs and logs).
 * One implementation over three engines; see open-store.ts.
 */
export class MetadataStore {
  readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  migrate(): Promise<void> {
    return migrate(this.db);
  }

  async getCheckpoint(pipeline: string): Promise<StoredCheckpoint | undefined> {
    const rows = await this.db.all<{ position: string; updated_at: number | string }>(
      'SELECT position, updated_at FROM sluice_checkpoints WHERE pipeline = ?', [pipeline]);
    const row = rows[0];
    return row ? { position: parsePosition(row.position), updatedAt: Number(row.updated_at) } : undefined;
  }

  async saveCheckpoint(pipeline: string, position: BinlogPosition, at = Date.now()): Promise<void> {
    const upsert = this.db.dialect === 'mysql'
      ? 'INSERT INTO sluice_checkpoints (pipeline, position, updated_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE position = VALUES(position), updated_at = VALUES(updated_at)'
      : 'INSERT INTO sluice_checkpoints (pipeline, position, updated_at) VALUES (?, ?, ?) ON CONFLICT (pipeline) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at';
    await this.db.run(upsert, [pipeline, formatPosition(position), at]);
  }

  async deleteCheckpoint(pipeline: string): Promise<void> {
    await this.db.run('DELETE FROM sluice_checkpoints WHERE pipeline = ?', [pipeline]);
  }

  async addDeadLetter(entry: DeadLetterInput): Promise<void> {
    await this.db.run(
      `INSERT INTO sluice_dead_letters (pipeline, target, created_at, error_code, error_message, attempts, position, event_count, payload, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'new')`,
      [entry.pipeline, entry.target, Date.now(), entry.errorCode, entry.errorMessage, entry.attempts,
        formatPosition(entry.position), entry.events.length, JSON.stringify(entry.events)],
    );
  }

  async listDeadLetters(pipeline: string, options: { status?: DeadLetterStatus; limit?: number } = {}): Promise<DeadLetter[]> {
    const rows = await this.db.all<DeadLetterRow>(
      `SELECT * FROM sluice_dead_letters WHERE pipeline = ? AND status = ? ORDER BY id LIMIT ?`,
      [pipeline, options.status ?? 'new', options.limit ?? 100]);
    return rows.map((r) => ({
      id: Number(r.id), pipeline: r.pipeline, target: r.target, createdAt: Number(r.created_at),
      errorCode: r.error_code, errorMessage: r.error_message, attempts: Number(r.attempts), position: r.position,
      eventCount: Number(r.event_count), events: JSON.parse(r.payload) as unknown[], status: r.status as DeadLetterStatus,
    }));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
