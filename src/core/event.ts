import { formatPosition, type BinlogPosition } from './position.ts';

export type Op = 'insert' | 'update' | 'delete';

/** A decoded column value: JSON-safe and lossless (see docs/types.md for the mapping). */
export type Value = null | boolean | number | string | readonly Value[] | { readonly [key: string]: Value };

export type Row = Readonly<Record<string, Value>>;

/** Column metadata shared by all events of one table version (one object, not copied per event). */
export interface ColumnInfo {
  readonly name: string;
  /** Lower-case SQL type name as the binlog describes it, e.g. `decimal`, `datetime`, `bit`. */
  readonly type: string;
}

export interface TableSchema {
  readonly db: string;
  readonly table: string;
  readonly columns: readonly ColumnInfo[];
  /** Primary key columns in key order; empty when the table has none (then all columns form the key). */
  readonly primaryKey: readonly string[];
}

/**
 * One row change, immutable. `position` is the resume point *after* the transaction that holds it,
 * so a checkpoint taken from an acknowledged event never skips a row of its transaction.
 */
export interface ChangeEvent {
  /** Idempotency key, stable across replays: transaction id + row index within the transaction. */
  readonly id: string;
  readonly op: Op;
  readonly db: string;
  readonly table: string;
  readonly schema: TableSchema;
  /** Primary key values in key order, taken from `after` (insert, update) or `before` (delete). */
  readonly key: readonly Value[];
  readonly before: Row | null;
  readonly after: Row | null;
  readonly position: BinlogPosition;
  /** Source commit time, epoch milliseconds (the binlog stores whole seconds). */
  readonly commitTime: number;
}

/** All row changes of one source transaction, delivered and checkpointed as a unit. */
export interface Transaction {
  /** GTID (`0-1-28`) or `file:pos` of the transaction start. */
  readonly id: string;
  readonly events: readonly ChangeEvent[];
  /** Resume point after this transaction. */
  readonly position: BinlogPosition;
  readonly commitTime: number;
  /** Approximate payload size, used for byte-based batching. */
  readonly bytes: number;
}

export interface ChangeEventInit {
  txnId: string;
  index: number;
  op: Op;
  schema: TableSchema;
  before: Row | null;
  after: Row | null;
  position: BinlogPosition;
  commitTime: number;
}

export function keyOf(schema: TableSchema, row: Row): Value[] {
  const cols = schema.primaryKey.length > 0 ? schema.primaryKey : schema.columns.map((c) => c.name);
  return cols.map((c) => row[c] ?? null);
}

export function createChangeEvent(init: ChangeEventInit): ChangeEvent {
  const row = (init.op === 'delete' ? init.before : init.after) ?? {};
  return Object.freeze({
    id: `${init.txnId}#${init.index}`,
    op: init.op,
    db: init.schema.db,
    table: init.schema.table,
    schema: init.schema,
    key: keyOf(init.schema, row),
    before: init.before,
    after: init.after,
    position: init.position,
    commitTime: init.commitTime,
  });
}

/** The row a target should hold after the event (null for a delete). */
export function currentRow(event: ChangeEvent): Row | null {
  return event.op === 'delete' ? null : event.after;
}

/** The JSON form of an event (dead-letter store, webhook bodies): position as `FILE:POS[@GTID]`, time as ISO-8601. */
export function eventToJson(e: ChangeEvent) {
  return {
    id: e.id, op: e.op, db: e.db, table: e.table, key: e.key, before: e.before, after: e.after,
    position: formatPosition(e.position), commitTime: new Date(e.commitTime).toISOString(),
  };
}
