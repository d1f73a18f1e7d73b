import type { SqlEngine, TableRef } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import type { TableProgress } from './progress.ts';
import type { SyncTask } from './spec.ts';
import type { Throttle } from './throttle.ts';
import type { RejectedRow } from './write-rows.ts';

/** Everything one table's copy needs. */
export interface TableJob {
  readonly task: SyncTask;
  readonly source: SqlEngine;
  readonly target: SqlEngine;
  readonly sourceRef: TableRef;
  readonly targetRef: TableRef;
  /** `db.table` (or `table` for SQLite): the table's name in the ledger, logs and report. */
  readonly label: string;
  readonly store: MetadataStore;
  readonly logger: Logger;
  readonly throttle: Throttle;
  readonly progress: TableProgress;
  readonly rejects: RejectBudget;
  readonly restart: boolean;
  readonly signal: AbortSignal;
}

export interface RejectRecord {
  readonly table: string;
  readonly key: Record<string, unknown>;
  readonly reason: string;
}

/** The task's rejected rows: kept for the report, and the task fails once there are more than maxErrors. */
export class RejectBudget {
  readonly kept: RejectRecord[] = [];
  private count = 0;
  private readonly maxErrors: number;

  constructor(maxErrors: number) {
    this.maxErrors = maxErrors;
  }

  get total(): number {
    return this.count;
  }

  /** Counts the rows; throws SLUICE_7102 (with the first reasons) once the budget is exceeded. */
  charge(table: string, rows: readonly RejectedRow[], key: (r: RejectedRow) => Record<string, unknown>): void {
    for (const r of rows) {
      this.count++;
      if (this.kept.length < 1000) this.kept.push({ table, key: key(r), reason: r.reason });
    }
    if (this.count > this.maxErrors) {
      const first = this.kept.slice(0, 3).map((r) => `${r.table} ${JSON.stringify(r.key)}: ${r.reason}`).join('; ');
      throw sluiceError('SLUICE_7102', `${this.count} rows rejected, maxErrors is ${this.maxErrors} (${first})`);
    }
  }
}

/** Runs `fn` calls one at a time, in call order. */
export function serialized<T>(fn: () => Promise<T>): () => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return () => {
    const next = tail.then(fn);
    tail = next.catch(() => undefined);
    return next;
  };
}
