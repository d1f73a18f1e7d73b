import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { ColumnCache } from '../sql/column-cache.ts';
import { sqliteFile } from '../sql/connection-params.ts';
import type { SqlConnectionConfig } from '../sql/connection-spec.ts';
import { sqliteDialect as d, quoteTable } from '../sql/dialect.ts';
import { byKeyBatches, presentKeysSql, rowsForKeysSql, boundarySql, cursorSql, rangeSql, type CursorPosition, type SelectContext, type Statement } from '../sql/select-sql.ts';
import { guard, sqlError } from '../sql/sql-error.ts';
import type { KeyRange, ReadOptions, SqlColumn, SqlEngine, SqlRow, SqlValue, TableInfo, TableRef, TableWriter, WriteMode } from '../sql/sql-engine.ts';
import { beyondInt64, ddlType } from '../sql/type-mapping.ts';
import { repairScriptStatements } from '../sql/sql-literal.ts';
import { deleteStatements } from '../sql/write-sql.ts';
import { describeSqlite, listSqliteTables } from './introspect.ts';
import { sqliteParam, sqliteValue, type SqliteParam, type SqliteResult } from './values.ts';
import { sqliteWriteStatements } from './writes.ts';

type Columns = ReadonlyMap<string, SqlColumn>;

/**
 * SQLite through node:sqlite: one connection writes (transactions, DDL) one at a time, another
 * reads (WAL: readers see committed data and never wait for the writer). `:memory:` uses one.
 */
class SqliteEngine implements SqlEngine {
  readonly kind = 'sqlite' as const;
  readonly label: string;
  private readonly writeDb: DatabaseSync;
  private readonly readDb: DatabaseSync;
  private readonly cache: ColumnCache;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(writeDb: DatabaseSync, readDb: DatabaseSync, label: string) {
    this.writeDb = writeDb;
    this.readDb = readDb;
    this.label = label;
    this.cache = new ColumnCache((t) => this.describe(t));
  }

  /** Runs `work` after every earlier transaction or DDL on the writer has finished. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  describe(table: TableRef): Promise<TableInfo | undefined> {
    return guard(this.label, 'describing', table, () => describeSqlite(this.readDb, table));
  }

  listTables(schema?: string): Promise<TableRef[]> {
    return guard(this.label, 'listing tables of', schema === undefined ? undefined : { name: schema }, () => listSqliteTables(this.readDb, schema));
  }

  async now(): Promise<string> {
    const row = await guard(this.label, 'reading the clock', undefined, () => this.readDb.prepare("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now') AS t").get() as { t: string });
    return `${row.t}000Z`;
  }

  private context(columns: Columns): SelectContext {
    return { dialect: d, convert: (name, value) => sqliteParam(columns.get(name), value) };
  }

  private select(table: TableRef, names: readonly string[], columns: Columns, statement: Statement): Promise<SqlRow[]> {
    return guard(this.label, 'reading', table, () => {
      const s = this.readDb.prepare(statement.sql);
      s.setReturnArrays(true);
      const rows = s.all(...(statement.params as SqliteParam[])) as unknown as SqliteResult[][];
      const cols = names.map((n) => columns.get(n));
      return rows.map((r) => r.map((v, i) => sqliteValue(cols[i], v)));
    });
  }

  async keysPresent(table: TableRef, key: readonly string[], keys: readonly SqlRow[], options: ReadOptions = {}): Promise<boolean[]> {
    const columns = await this.cache.columns(table, key);
    const present = keys.map(() => false);
    await byKeyBatches(keys, (slice) => this.select(table, ['i'], columns, presentKeysSql(this.context(columns), table, key, slice, options.where)), (i) => (present[i] = true));
    return present;
  }

  async rowsForKeys(table: TableRef, names: readonly string[], key: readonly string[], keys: readonly SqlRow[]): Promise<(SqlRow | undefined)[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const rows: (SqlRow | undefined)[] = keys.map(() => undefined);
    await byKeyBatches(keys, (slice) => this.select(table, ['i', ...names], columns, rowsForKeysSql(this.context(columns), table, names, key, slice)), (i, row) => {
      rows[i] ??= row.slice(1);
    });
    return rows;
  }

  async repairScript(table: TableRef, names: readonly string[], key: readonly string[], rows: readonly SqlRow[], deleteKeys: readonly SqlRow[]): Promise<string[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const convert = (n: string, v: SqlValue) => sqliteParam(columns.get(n), v);
    return repairScriptStatements(this.kind, d, table, key, rows, deleteKeys, (upsert) => sqliteWriteStatements(table, names, key, upsert, 'upsert', convert), convert);
  }

  async boundary(table: TableRef, key: readonly string[], after: SqlRow | undefined, count: number, options: ReadOptions = {}): Promise<SqlRow | undefined> {
    const columns = await this.cache.columns(table, key);
    return (await this.select(table, key, columns, boundarySql(this.context(columns), table, key, after, count, options.where)))[0];
  }

  async readRange(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number } = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    return this.select(table, names, columns, rangeSql(this.context(columns), table, names, key, range, options.where, options.limit));
  }

  async readByCursor(table: TableRef, names: readonly string[], cursor: string, key: readonly string[], position: CursorPosition, upTo: SqlValue, limit: number, options: ReadOptions = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, [...names, cursor, ...key]);
    return this.select(table, names, columns, cursorSql(this.context(columns), table, names, cursor, key, position, upTo, limit, options.where));
  }

  /** Runs the statements on the writer; when there are several, in a savepoint so none stays applied after a failure. */
  private run(statements: readonly Statement[], action: string, table: TableRef): number {
    const db = this.writeDb;
    const savepoint = statements.length > 1;
    let changes = 0;
    try {
      if (savepoint) db.exec('SAVEPOINT sluice_write');
      for (const s of statements) changes += Number(db.prepare(s.sql).run(...(s.params as SqliteParam[])).changes);
      if (savepoint) db.exec('RELEASE sluice_write');
      return changes;
    } catch (err) {
      if (savepoint && db.isTransaction) {
        try {
          db.exec('ROLLBACK TO sluice_write; RELEASE sluice_write');
        } catch { /* the transaction is gone already */ }
      }
      throw sqlError(this.label, action, table, err);
    }
  }

  private writer(): TableWriter {
    return {
      write: async (table: TableRef, names: readonly string[], key: readonly string[], rows: readonly SqlRow[], mode: WriteMode) => {
        if (rows.length === 0) return;
        const columns = await this.cache.columns(table, names);
        this.run(sqliteWriteStatements(table, names, key, rows, mode, (n, v) => sqliteParam(columns.get(n), v)), 'writing', table);
      },
      deleteKeys: async (table: TableRef, key: readonly string[], keys: readonly SqlRow[]) => {
        if (keys.length === 0) return 0;
        const columns = await this.cache.columns(table, key);
        return this.run(deleteStatements(d, table, key, keys, (n, v) => sqliteParam(columns.get(n), v)), 'deleting from', table);
      },
    };
  }

  transaction<T>(work: (writer: TableWriter) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      await guard(this.label, 'beginning a transaction on', undefined, () => this.writeDb.exec('BEGIN IMMEDIATE'));
      try {
        const result = await work(this.writer());
        await guard(this.label, 'committing on', undefined, () => this.writeDb.exec('COMMIT'));
        return result;
      } catch (err) {
        if (this.writeDb.isTransaction) this.writeDb.exec('ROLLBACK');
        throw err;
      }
    });
  }

  truncate(table: TableRef): Promise<void> {
    return this.exclusive(() => guard(this.label, 'truncating', table, () => {
      this.writeDb.exec(`DELETE FROM ${quoteTable(d, table)}`);
    }));
  }

  createTable(table: TableRef, columns: readonly SqlColumn[], primaryKey: readonly string[]): Promise<void> {
    const keySet = new Set(primaryKey);
    const defs = columns.map((c) => {
      const inKey = keySet.has(c.name);
      const q = d.quote(c.name);
      // A key column that may get values past 2^63-1 refuses them instead of storing a rounded REAL.
      const check = inKey && beyondInt64(c) ? ` CHECK (typeof(${q}) = 'integer')` : '';
      return `${q} ${ddlType('sqlite', c, inKey)}${!c.nullable || inKey ? ' NOT NULL' : ''}${check}`;
    });
    if (primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map((k) => d.quote(k)).join(', ')})`);
    const sql = `CREATE TABLE ${quoteTable(d, table)} (\n  ${defs.join(',\n  ')}\n)`;
    return this.exclusive(() => guard(this.label, 'creating', table, () => {
      this.writeDb.exec(sql);
      this.cache.forget(table);
    }));
  }

  async close(): Promise<void> {
    await this.queue;
    if (this.readDb !== this.writeDb) this.readDb.close();
    this.writeDb.close();
  }
}

/** Opens (creating if missing) the SQLite file in WAL mode. */
export async function openSqliteEngine(config: SqlConnectionConfig): Promise<SqlEngine> {
  const { DatabaseSync } = await import('node:sqlite');
  const file = sqliteFile(config);
  const label = `sqlite:${file}`;
  try {
    if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
    const options = { timeout: 5000, readBigInts: true };
    const writeDb = new DatabaseSync(file, options);
    writeDb.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    const readDb = file === ':memory:' || file === '' ? writeDb : new DatabaseSync(file, options);
    return new SqliteEngine(writeDb, readDb, label);
  } catch (err) {
    throw sqlError(label, 'opening', undefined, err);
  }
}
