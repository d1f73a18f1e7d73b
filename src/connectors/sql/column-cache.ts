import type { SqlColumn, TableInfo, TableRef } from './sql-engine.ts';

const empty: ReadonlyMap<string, SqlColumn> = new Map();

/**
 * The columns of tables an engine reads and writes, so values can be converted per column type
 * (a TIMESTAMP parameter, a FLOAT read). Described once; described again when a column is not
 * found (the table was altered) and forgotten when the engine creates the table.
 */
export class ColumnCache {
  private readonly tables = new Map<string, ReadonlyMap<string, SqlColumn>>();
  private readonly describe: (table: TableRef) => Promise<TableInfo | undefined>;

  constructor(describe: (table: TableRef) => Promise<TableInfo | undefined>) {
    this.describe = describe;
  }

  /** The table's columns by name (empty when the table does not exist). */
  async columns(table: TableRef, needed: readonly string[]): Promise<ReadonlyMap<string, SqlColumn>> {
    const id = `${table.schema ?? ''}\u0000${table.name}`;
    const known = this.tables.get(id);
    if (known && needed.every((n) => known.has(n))) return known;
    const info = await this.describe(table);
    if (!info) return empty;
    const map = new Map(info.columns.map((c) => [c.name, c]));
    this.tables.set(id, map);
    return map;
  }

  forget(table: TableRef): void {
    this.tables.delete(`${table.schema ?? ''}\u0000${table.name}`);
  }
}
