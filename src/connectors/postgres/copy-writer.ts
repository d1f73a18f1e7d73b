import type { PoolClient } from 'pg';
import type { TableRef, WriteMode } from '../sql/sql-engine.ts';
import { copyIn, type CopyFrom } from './copy-in.ts';
import { copyIntoSql, copyIntoStageSql, createStageSql, emptyStageSql, mergeStageSql, stageName, TRUNCATE_STAGE_AFTER, type CopyFormat } from './copy-sql.ts';
import { insertsWhenNoConflict, tableId, type CopyTargets } from './copy-target.ts';

/** After an optimistic COPY met an existing key, this many writes to the table go through the staging table first. */
const STAGE_AFTER_CONFLICT = 8;

/** The SQLSTATE of the pg error under a Sluice wrapper. */
const sqlState = (err: unknown) => (err as { cause?: { code?: unknown } }).cause?.code;

/** unique_violation, exclusion_violation: the rows meet existing ones. */
const isConflict = (err: unknown) => sqlState(err) === '23505' || sqlState(err) === '23P01';

/** The role may not create temporary tables in the database (no TEMPORARY privilege). */
const isTempDenied = (err: unknown) => sqlState(err) === '42501' && /temporary/i.test((err as { cause?: Error }).cause?.message ?? '');

/**
 * Runs `work` in a savepoint of the transaction; `first` (SQL without parameters) runs in the
 * savepoint before it, in the same round trip. On error nothing of it stays applied and the error
 * is thrown as a SluiceError (its `cause` the pg error).
 */
export type Savepoint = (table: TableRef, work: () => Promise<unknown>, first?: string) => Promise<unknown>;

interface Stage {
  readonly name: string;
  /** Rows in it (from the last write that used it). */
  rows: number;
  /** Rows copied into it since its last TRUNCATE (live or dead). */
  sinceTruncate: number;
}

/**
 * The COPY writes of one transaction. `insert` copies into the table. The other modes copy into
 * the table too when that can only insert (a unique index on the key) and no recent write met
 * existing rows, which an initial load never does; when it meets an existing key it is undone and
 * the write goes through a staging table (copied into, then merged with the mode's INSERT ... ON
 * CONFLICT), as it does first for the next STAGE_AFTER_CONFLICT writes to the table. Tables COPY
 * cannot write as INSERT would (views, rules, row security) go through the staging table; without
 * the right to create one, the caller's multi-row INSERTs do the write.
 */
export class CopyWriter {
  private readonly client: PoolClient;
  private readonly copyFrom: CopyFrom;
  private readonly targets: CopyTargets;
  private readonly savepoint: Savepoint;
  /** Staging tables by table and column list; temporary, dropped at the end of the transaction. */
  private readonly stages = new Map<string, Stage>();
  private made = 0;

  constructor(client: PoolClient, copyFrom: CopyFrom, targets: CopyTargets, savepoint: Savepoint) {
    this.client = client;
    this.copyFrom = copyFrom;
    this.targets = targets;
    this.savepoint = savepoint;
  }

  /**
   * Writes `rows` rows (at most one per key for upsert and replace) whose COPY data in `format`
   * `encode` makes (called once, when first needed); `inserts` writes them as INSERTs. Resolves
   * false, having written nothing, when the write needs INSERTs and there are none.
   */
  async write(table: TableRef, names: readonly string[], key: readonly string[], rows: number, mode: WriteMode, encode: () => readonly Uint8Array[], inserts: (() => Promise<unknown>) | undefined, format: CopyFormat = 'text'): Promise<boolean> {
    let parts: readonly Uint8Array[] | undefined;
    const data = () => (parts ??= encode());
    const entry = await this.targets.get(table);
    const optimistic = mode === 'insert' ? entry.target.direct : insertsWhenNoConflict(entry.target, key, mode);
    if (optimistic && (mode === 'insert' || entry.stageFirst === 0)) {
      try {
        await this.savepoint(table, () => copyIn(this.client, this.copyFrom, copyIntoSql(table, names, format), data()));
        return true;
      } catch (err) {
        if (mode === 'insert' || !isConflict(err)) throw err;
        entry.stageFirst = STAGE_AFTER_CONFLICT;
      }
    } else if (optimistic) {
      entry.stageFirst--;
    }
    if (!this.targets.stagingDenied) {
      try {
        await this.staged(table, names, key, mode, rows, data(), format);
        return true;
      } catch (err) {
        if (!isTempDenied(err)) throw err;
        this.targets.stagingDenied = true;
      }
    }
    if (!inserts) return false;
    await inserts();
    return true;
  }

  private async staged(table: TableRef, names: readonly string[], key: readonly string[], mode: WriteMode, rows: number, parts: readonly Uint8Array[], format: CopyFormat): Promise<void> {
    const id = `${tableId(table)}\u0000${names.join('\u0000')}`;
    const known = this.stages.get(id);
    const stage = known ?? { name: stageName(++this.made), rows: 0, sinceTruncate: 0 };
    const truncate = stage.sinceTruncate >= TRUNCATE_STAGE_AFTER;
    const prepare = !known ? createStageSql(stage.name, table, names) : stage.rows > 0 ? emptyStageSql(stage.name, truncate) : undefined;
    // All of it is undone with the savepoint if the write fails: the stage is then as it was before.
    await this.savepoint(table, async () => {
      await copyIn(this.client, this.copyFrom, copyIntoStageSql(stage.name, names, format), parts);
      await this.client.query(mergeStageSql(stage.name, table, names, key, mode));
    }, prepare);
    if (!known) this.stages.set(id, stage);
    stage.sinceTruncate = (stage.rows > 0 && truncate ? 0 : stage.sinceTruncate) + rows;
    stage.rows = rows;
  }
}
