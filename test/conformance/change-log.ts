import { createChangeEvent, keyOf, type Op, type Row, type TableSchema } from '../../src/core/event.ts';
import type { SinkRecord } from '../../src/connectors/types.ts';
import type { CompiledRule } from '../../src/rules/compiled-rule.ts';

/** The table the conformance suite writes: every value kind a row can hold, one nullable column. */
export const usersSchema: TableSchema = {
  db: 'conformance',
  table: 'users',
  columns: [
    { name: 'id', type: 'int' },
    { name: 'name', type: 'varchar' },
    { name: 'score', type: 'double' },
    { name: 'balance', type: 'decimal' },
    { name: 'active', type: 'tinyint' },
    { name: 'tags', type: 'json' },
    { name: 'note', type: 'varchar' },
  ],
  primaryKey: ['id'],
};

/** A user row with id `id`; `version` varies the other columns. */
export function userRow(id: number, version = 0): Row {
  return {
    id,
    name: `user ${id} v${version}`,
    score: id + version / 4,
    balance: `${id}.${String(version % 100).padStart(2, '0')}`,
    active: version % 2,
    tags: { version, labels: ['a', `b${id}`] },
    note: version % 3 === 0 ? null : `note ${version}`,
  };
}

/** The last image of one source row: deleted rows keep their last image, to know their target key. */
export interface FinalImage {
  readonly row: Row;
  readonly deleted: boolean;
}

/**
 * Produces SinkRecords the way the pipeline does (createChangeEvent, then the rule's transform)
 * and remembers the last image of every primary key, i.e. what the target must end up holding.
 */
export class ChangeLog {
  readonly #rule: CompiledRule;
  readonly #schema: TableSchema;
  readonly #images = new Map<string, FinalImage>();
  #txn = 0;

  constructor(rule: CompiledRule, schema: TableSchema = usersSchema) {
    this.#rule = rule;
    this.#schema = schema;
  }

  insert(row: Row): SinkRecord {
    this.#remember(row, false);
    return this.#record('insert', null, row);
  }

  /** Updates the live row with `row`'s primary key by `changes` (which may change the primary key). */
  update(row: Row, changes: Row): SinkRecord {
    const before = this.#live(row);
    const after = { ...before, ...changes };
    this.#remember(before, true);
    this.#remember(after, false);
    return this.#record('update', before, after);
  }

  /** Deletes the live row with `row`'s primary key. */
  delete(row: Row): SinkRecord {
    const before = this.#live(row);
    this.#remember(before, true);
    return this.#record('delete', before, null);
  }

  #live(row: Row): Row {
    const image = this.#images.get(this.#pk(row));
    if (image === undefined || image.deleted) throw new Error(`no live row with key ${this.#pk(row)}`);
    return image.row;
  }

  /** Last image per primary key, in first-seen order. */
  finalImages(): FinalImage[] {
    return [...this.#images.values()];
  }

  #pk(row: Row): string {
    return JSON.stringify(keyOf(this.#schema, row));
  }

  #remember(row: Row, deleted: boolean): void {
    this.#images.set(this.#pk(row), { row, deleted });
  }

  #record(op: Op, before: Row | null, after: Row | null): SinkRecord {
    const n = ++this.#txn;
    const event = createChangeEvent({
      txnId: `0-1-${n}`, index: 0, op, schema: this.#schema, before, after,
      position: { file: 'binlog.000001', pos: 4 + n }, commitTime: 1_700_000_000_000 + n,
    });
    return {
      event,
      rule: this.#rule,
      row: after === null ? null : this.#rule.transform(after, this.#schema),
      before: before === null ? null : this.#rule.transform(before, this.#schema),
      key: event.key,
    };
  }
}
