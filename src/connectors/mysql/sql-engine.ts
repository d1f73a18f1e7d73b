import type { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { TransactionSlots } from '../sql/transaction-slots.ts';
import { ColumnCache } from '../sql/column-cache.ts';
import { serverParams } from '../sql/connection-params.ts';
import type { SqlConnectionConfig } from '../sql/connection-spec.ts';
import { mysqlDialect as d, quoteTable } from '../sql/dialect.ts';
import { byKeyBatches, presentKeysSql, rangeAggregateSql, rowsForKeysSql, boundarySql, cursorSql, rangeSql, type CursorPosition, type SelectContext, type Statement } from '../sql/select-sql.ts';
import { guard, sqlError } from '../sql/sql-error.ts';
import type { KeyRange, RangeDigest, ReadOptions, SqlColumn, SqlEngine, SqlRow, SqlValue, TableInfo, TableRef, TableWriter, WriteMode } from '../sql/sql-engine.ts';
import type { BinaryRows } from '../sql/binary-rows.ts';
import type { TextRows } from '../sql/text-rows.ts';
import { ddlType } from '../sql/type-mapping.ts';
import { repairScriptStatements } from '../sql/sql-literal.ts';
import { shortestFloat32 } from '../sql/values.ts';
import { deleteStatements } from '../sql/write-sql.ts';
import { describeMysql, listMysqlTables } from './introspect.ts';
import { queryBinaryRows } from './binary-read.ts';
import { queryTextRows, type TextRowsSize } from './text-read.ts';
import { mysqlParam, mysqlTypeCast } from './values.ts';
import { mysqlWriteStatements } from './writes.ts';

/** Every connection: UTC session (TIMESTAMP values), strict mode (a too-long value errors instead of being cut). */
const sessionSql = "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'";

type Queryable = Pick<Pool, 'query'>;
type Columns = ReadonlyMap<string, SqlColumn>;

const isFloat24 = (c: SqlColumn | undefined) => c?.family === 'float' && c.length === 24;

/** MySQL/MariaDB through a mysql2 pool. */
class MysqlEngine implements SqlEngine {
  readonly kind = 'mysql' as const;
  readonly label: string;
  private readonly pool: Pool;
  private readonly mariadb: boolean;
  private readonly cache: ColumnCache;
  /** Bytes per row of the last text read of a table's columns, to size the next one's buffer. */
  private readonly rawRowBytes = new Map<string, number>();

  private readonly slots: TransactionSlots;

  constructor(pool: Pool, label: string, mariadb: boolean, poolSize: number) {
    this.pool = pool;
    this.slots = new TransactionSlots(poolSize);
    this.label = label;
    this.mariadb = mariadb;
    this.cache = new ColumnCache((t) => this.describe(t));
  }

  describe(table: TableRef): Promise<TableInfo | undefined> {
    return guard(this.label, 'describing', table, () => describeMysql(this.pool, table, this.mariadb));
  }

  listTables(schema?: string): Promise<TableRef[]> {
    return guard(this.label, 'listing tables of', schema === undefined ? undefined : { name: schema }, () => listMysqlTables(this.pool, schema));
  }

  async now(): Promise<string> {
    const [rows] = await guard(this.label, 'reading the clock', undefined, () =>
      this.pool.query({ sql: "SELECT DATE_FORMAT(UTC_TIMESTAMP(6), '%Y-%m-%d %H:%i:%s.%f')", rowsAsArray: true }));
    return `${(rows as string[][])[0]![0]}Z`;
  }

  /** Parameters per column type; FLOAT columns read as DOUBLE (MySQL prints FLOAT with 6 digits) and shortened again. */
  private context(columns: Columns): SelectContext {
    return {
      dialect: d,
      convert: (name, value) => mysqlParam(columns.get(name), value),
      selectColumn: (name) => (isFloat24(columns.get(name)) ? `(${d.quote(name)} + 0E0)` : d.quote(name)),
    };
  }

  /** What every read does to a row mysql2 returned: FLOAT values (read as DOUBLE) shortened to their float32. */
  private adjuster(names: readonly string[], columns: Columns): ((row: SqlRow) => SqlRow) | undefined {
    const floats = names.flatMap((n, i) => (isFloat24(columns.get(n)) ? [i] : []));
    if (floats.length === 0) return undefined;
    return (row) => {
      for (const i of floats) if (typeof row[i] === 'number') row[i] = shortestFloat32(row[i]);
      return row;
    };
  }

  private async select(table: TableRef, names: readonly string[], columns: Columns, statement: Statement): Promise<SqlRow[]> {
    const [rows] = await guard(this.label, 'reading', table, () => this.pool.query({ sql: statement.sql, rowsAsArray: true }, statement.params));
    const adjust = this.adjuster(names, columns);
    const result = rows as SqlRow[];
    if (adjust) for (const row of result) adjust(row);
    return result;
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

  async digest(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions = {}): Promise<RangeDigest> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    // Text and bytes as HEX, so a '|' inside a value cannot shift it into the next column (numbers and
    // dates hold none; HEX of a number would round it); the ISNULL flags tell NULL from ''.
    const hexed = new Set<string>(['string', 'binary', 'json', 'other']);
    const value = (n: string) => (hexed.has(columns.get(n)?.family ?? 'other') ? `HEX(${d.quote(n)})` : d.quote(n));
    const text = `CONCAT_WS('|', ${names.map(value).join(', ')}, CONCAT(${names.map((n) => `ISNULL(${d.quote(n)})`).join(', ')}))`;
    const aggregates = `COUNT(*), CAST(COALESCE(SUM(CAST(CONV(SUBSTRING(MD5(${text}), 1, 15), 16, 10) AS UNSIGNED)), 0) AS CHAR)`;
    const [row] = await this.select(table, ['count', 'sum'], columns, rangeAggregateSql(this.context(columns), table, aggregates, key, range, options.where));
    return { count: Number(row![0]), sum: String(row![1]) };
  }

  async repairScript(table: TableRef, names: readonly string[], key: readonly string[], rows: readonly SqlRow[], deleteKeys: readonly SqlRow[]): Promise<string[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const convert = (n: string, v: SqlValue) => mysqlParam(columns.get(n), v);
    return repairScriptStatements(this.kind, d, table, key, rows, deleteKeys, (upsert) => mysqlWriteStatements(table, names, key, upsert, 'upsert', convert), convert);
  }

  async boundary(table: TableRef, key: readonly string[], after: SqlRow | undefined, count: number, options: ReadOptions = {}): Promise<SqlRow | undefined> {
    const columns = await this.cache.columns(table, key);
    const rows = await this.select(table, key, columns, boundarySql(this.context(columns), table, key, after, count, options.where));
    return rows[0];
  }

  async readRange(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number } = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    return this.select(table, names, columns, rangeSql(this.context(columns), table, names, key, range, options.where, options.limit));
  }

  /** readRange's rows kept as the protocol's text (see TextRows); decoded to the same values on demand. */
  readRangeText(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number; expectRows?: number } = {}): Promise<TextRows> {
    return this.readRaw('text', table, names, key, range, options, (sql, params, columns, size, adjust) => queryTextRows(this.pool, sql, params, columns, size, adjust));
  }

  /** readRange's rows as a prepared statement's binary protocol rows (see BinaryRows). */
  readRangeBinary(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number; expectRows?: number } = {}): Promise<BinaryRows> {
    return this.readRaw('binary', table, names, key, range, options, (sql, params, columns, size) => queryBinaryRows(this.pool, sql, params, columns, size));
  }

  /** A range read kept as the wire's bytes, its buffers sized by the bytes per row the last such read of the columns took. */
  private async readRaw<T>(wire: string, table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number; expectRows?: number },
    query: (sql: string, params: unknown[], columns: (SqlColumn | undefined)[], size: TextRowsSize, adjust: (row: SqlRow) => SqlRow) => Promise<{ rows: T; rowBytes: number }>): Promise<T> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const statement = rangeSql(this.context(columns), table, names, key, range, options.where, options.limit);
    const adjust = this.adjuster(names, columns) ?? ((row: SqlRow) => row);
    const id = [wire, table.schema ?? '', table.name, ...names].join('\u0000');
    const size = { rows: options.expectRows ?? options.limit ?? 1000, rowBytes: this.rawRowBytes.get(id) ?? 64 };
    const { rows, rowBytes } = await guard(this.label, 'reading', table, () => query(statement.sql, statement.params, names.map((n) => columns.get(n)), size, adjust));
    if (rowBytes > 0) this.rawRowBytes.set(id, Math.ceil(rowBytes * 1.05));
    return rows;
  }

  async readByCursor(table: TableRef, names: readonly string[], cursor: string, key: readonly string[], position: CursorPosition, upTo: SqlValue, limit: number, options: ReadOptions = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, [...names, cursor, ...key]);
    return this.select(table, names, columns, cursorSql(this.context(columns), table, names, cursor, key, position, upTo, limit, options.where));
  }

  /** Runs the statements; when there are several, in a savepoint so a failure leaves none of them applied. */
  private async run(conn: Queryable, statements: readonly Statement[], action: string, table: TableRef): Promise<number> {
    const savepoint = statements.length > 1;
    let affected = 0;
    try {
      if (savepoint) await conn.query('SAVEPOINT sluice_write');
      for (const s of statements) affected += ((await conn.query(s.sql, s.params))[0] as ResultSetHeader).affectedRows;
      if (savepoint) await conn.query('RELEASE SAVEPOINT sluice_write');
      return affected;
    } catch (err) {
      // A single failed statement is rolled back by InnoDB on its own; a deadlock ends the whole transaction.
      if (savepoint) await conn.query('ROLLBACK TO SAVEPOINT sluice_write').catch(() => undefined);
      throw sqlError(this.label, action, table, err);
    }
  }

  private writer(conn: PoolConnection): TableWriter {
    return {
      write: async (table: TableRef, names: readonly string[], key: readonly string[], rows: readonly SqlRow[], mode: WriteMode) => {
        if (rows.length === 0) return;
        const columns = await this.cache.columns(table, names);
        await this.run(conn, mysqlWriteStatements(table, names, key, rows, mode, (n, v) => mysqlParam(columns.get(n), v)), 'writing', table);
      },
      deleteKeys: async (table: TableRef, key: readonly string[], keys: readonly SqlRow[]) => {
        if (keys.length === 0) return 0;
        const columns = await this.cache.columns(table, key);
        return this.run(conn, deleteStatements(d, table, key, keys, (n, v) => mysqlParam(columns.get(n), v)), 'deleting from', table);
      },
    };
  }

  transaction<T>(work: (writer: TableWriter) => Promise<T>): Promise<T> {
    return this.slots.run(() => this.transact(work));
  }

  private async transact<T>(work: (writer: TableWriter) => Promise<T>): Promise<T> {
    const conn = await guard(this.label, 'connecting to', undefined, () => this.pool.getConnection());
    let healthy = true;
    try {
      await guard(this.label, 'beginning a transaction on', undefined, () => conn.beginTransaction());
      const result = await work(this.writer(conn));
      await guard(this.label, 'committing on', undefined, () => conn.commit());
      return result;
    } catch (err) {
      await conn.rollback().catch(() => { healthy = false; });
      throw err;
    } finally {
      if (healthy) conn.release();
      else conn.destroy();
    }
  }

  async truncate(table: TableRef): Promise<void> {
    await guard(this.label, 'truncating', table, () => this.pool.query(`TRUNCATE TABLE ${quoteTable(d, table)}`));
  }

  async createTable(table: TableRef, columns: readonly SqlColumn[], primaryKey: readonly string[]): Promise<void> {
    const keySet = new Set(primaryKey);
    const defs = columns.map((c) => {
      const type = ddlType('mysql', c, keySet.has(c.name));
      const notNull = !c.nullable || keySet.has(c.name);
      // An explicit default stops old servers (explicit_defaults_for_timestamp=OFF) adding ON UPDATE CURRENT_TIMESTAMP.
      const extra = notNull && type.startsWith('TIMESTAMP') ? ` DEFAULT CURRENT_${type.replace(' ', '')}` : '';
      return `${d.quote(c.name)} ${type} ${notNull ? 'NOT NULL' : 'NULL'}${extra}`;
    });
    if (primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map((k) => d.quote(k)).join(', ')})`);
    const sql = `CREATE TABLE ${quoteTable(d, table)} (\n  ${defs.join(',\n  ')}\n) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`;
    await guard(this.label, 'creating', table, () => this.pool.query(sql));
    this.cache.forget(table);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Opens a pool and checks the server answers (MariaDB is told apart by its version string). */
export async function openMysqlEngine(config: SqlConnectionConfig): Promise<SqlEngine> {
  const mysql = await import('mysql2/promise');
  const params = serverParams(config);
  const pool = mysql.createPool({
    host: params.host, port: params.port, password: params.password,
    ...(params.user === undefined ? {} : { user: params.user }),
    ...(params.database === undefined ? {} : { database: params.database }),
    connectionLimit: config.pool,
    supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, jsonStrings: true,
    typeCast: mysqlTypeCast,
  });
  pool.pool.on('connection', (conn) => {
    conn.query(sessionSql, (err) => {
      if (err) conn.destroy();
    });
  });
  try {
    const [rows] = await pool.query({ sql: 'SELECT VERSION()', rowsAsArray: true });
    const version = String((rows as string[][])[0]![0]);
    return new MysqlEngine(pool, params.label, /mariadb/i.test(version), config.pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw sqlError(params.label, 'connecting to', undefined, err);
  }
}
