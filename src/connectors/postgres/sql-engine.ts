import type { Pool, PoolClient } from 'pg';
import { TransactionSlots } from '../sql/transaction-slots.ts';
import { ColumnCache } from '../sql/column-cache.ts';
import { serverParams } from '../sql/connection-params.ts';
import type { SqlConnectionConfig } from '../sql/connection-spec.ts';
import { postgresDialect as d, quoteTable } from '../sql/dialect.ts';
import { byKeyBatches, presentKeysSql, rangeAggregateSql, rowsForKeysSql, boundarySql, cursorSql, rangeSql, type CursorPosition, type SelectContext, type Statement } from '../sql/select-sql.ts';
import { guard, sqlError } from '../sql/sql-error.ts';
import type { KeyRange, RangeDigest, ReadOptions, SqlColumn, SqlEngine, SqlRow, SqlValue, TableInfo, TableRef, TableWriter, WriteMode } from '../sql/sql-engine.ts';
import type { BinaryRows } from '../sql/binary-rows.ts';
import { decodeTextRows, type TextRows } from '../sql/text-rows.ts';
import { ddlType } from '../sql/type-mapping.ts';
import { repairScriptStatements } from '../sql/sql-literal.ts';
import { deleteStatements } from '../sql/write-sql.ts';
import { describePostgres, listPostgresTables } from './introspect.ts';
import { postgresParam, postgresTypeParser } from './values.ts';
import type { CopyFrom } from './copy-in.ts';
import { COPY_MIN_ROWS } from './copy-sql.ts';
import { copyText } from './copy-text.ts';
import { copyBinaryRows } from './copy-binary-rows.ts';
import { copyTextRows } from './copy-text-rows.ts';
import { binaryCopyPlan, textCopyPlan } from './text-copy-plan.ts';
import { CopyTargets, postgresCopyTarget } from './copy-target.ts';
import { CopyWriter } from './copy-writer.ts';
import { HeldStatements } from './held-statements.ts';
import { lastPerKey, postgresWriteStatements, replaceKeyIndex } from './writes.ts';

type Columns = ReadonlyMap<string, SqlColumn>;

export { COPY_MIN_ROWS };

/**
 * True when a value would reach a non-bytea column as bytes: a pg parameter sends bytes in binary
 * format (a BINARY(16) into a uuid column, UTF-8 bytes into text), which COPY text cannot express.
 */
function bytesOutsideBytea(columns: readonly (SqlColumn | undefined)[], rows: readonly SqlRow[]): boolean {
  for (let i = 0; i < columns.length; i++) {
    if (columns[i]?.family === 'binary') continue;
    for (const row of rows) if (row[i] instanceof Uint8Array) return true;
  }
  return false;
}

/** PostgreSQL through a pg pool with its own type parsers; every session runs in UTC. */
class PostgresEngine implements SqlEngine {
  readonly kind = 'postgres' as const;
  readonly writesText = true;
  readonly writesBinary = true;
  readonly label: string;
  private readonly pool: Pool;
  private readonly copyFrom: CopyFrom;
  private readonly cache: ColumnCache;
  private readonly copyTargets: CopyTargets;

  private readonly slots: TransactionSlots;

  constructor(pool: Pool, copyFrom: CopyFrom, label: string, poolSize: number) {
    this.pool = pool;
    this.slots = new TransactionSlots(poolSize);
    this.copyFrom = copyFrom;
    this.label = label;
    this.cache = new ColumnCache((t) => this.describe(t));
    this.copyTargets = new CopyTargets((t) => guard(this.label, 'describing', t, () => postgresCopyTarget(this.pool, t)));
  }

  describe(table: TableRef): Promise<TableInfo | undefined> {
    return guard(this.label, 'describing', table, () => describePostgres(this.pool, table));
  }

  listTables(schema?: string): Promise<TableRef[]> {
    return guard(this.label, 'listing tables of', schema === undefined ? undefined : { name: schema }, () => listPostgresTables(this.pool, schema));
  }

  async now(): Promise<string> {
    const { rows } = await guard(this.label, 'reading the clock', undefined, () =>
      this.pool.query<[string]>({ text: "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')", rowMode: 'array' }));
    return `${rows[0]![0]}Z`;
  }

  private context(columns: Columns): SelectContext {
    return { dialect: d, convert: (name, value) => postgresParam(columns.get(name), value) };
  }

  private async select(table: TableRef, statement: Statement): Promise<SqlRow[]> {
    const { rows } = await guard(this.label, 'reading', table, () =>
      this.pool.query<SqlRow>({ text: statement.sql, values: statement.params, rowMode: 'array' }));
    return rows;
  }

  async keysPresent(table: TableRef, key: readonly string[], keys: readonly SqlRow[], options: ReadOptions = {}): Promise<boolean[]> {
    const columns = await this.cache.columns(table, key);
    const present = keys.map(() => false);
    await byKeyBatches(keys, (slice) => this.select(table, presentKeysSql(this.context(columns), table, key, slice, options.where)), (i) => (present[i] = true));
    return present;
  }

  async rowsForKeys(table: TableRef, names: readonly string[], key: readonly string[], keys: readonly SqlRow[]): Promise<(SqlRow | undefined)[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const rows: (SqlRow | undefined)[] = keys.map(() => undefined);
    await byKeyBatches(keys, (slice) => this.select(table, rowsForKeysSql(this.context(columns), table, names, key, slice)), (i, row) => {
      rows[i] ??= row.slice(1);
    });
    return rows;
  }

  async digest(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions = {}): Promise<RangeDigest> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    // Each value as text, quoted by quote_nullable so separators inside values and NULLs stay distinct.
    const text = `concat_ws('|', ${names.map((n) => `quote_nullable(${d.quote(n)}::text)`).join(', ')})`;
    const aggregates = `count(*), coalesce(sum(('x' || substr(md5(${text}), 1, 15))::bit(60)::bigint::numeric), 0)::text`;
    const [row] = await this.select(table, rangeAggregateSql(this.context(columns), table, aggregates, key, range, options.where));
    return { count: Number(row![0]), sum: String(row![1]) };
  }

  async repairScript(table: TableRef, names: readonly string[], key: readonly string[], rows: readonly SqlRow[], deleteKeys: readonly SqlRow[]): Promise<string[]> {
    const columns = await this.cache.columns(table, [...names, ...key]);
    const convert = (n: string, v: SqlValue) => postgresParam(columns.get(n), v);
    return repairScriptStatements(this.kind, d, table, key, rows, deleteKeys, (upsert) => postgresWriteStatements(table, names, key, upsert, 'upsert', convert), convert);
  }

  async boundary(table: TableRef, key: readonly string[], after: SqlRow | undefined, count: number, options: ReadOptions = {}): Promise<SqlRow | undefined> {
    const columns = await this.cache.columns(table, key);
    return (await this.select(table, boundarySql(this.context(columns), table, key, after, count, options.where)))[0];
  }

  async readRange(table: TableRef, names: readonly string[], key: readonly string[], range: KeyRange, options: ReadOptions & { limit?: number } = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, key);
    return this.select(table, rangeSql(this.context(columns), table, names, key, range, options.where, options.limit));
  }

  async readByCursor(table: TableRef, names: readonly string[], cursor: string, key: readonly string[], position: CursorPosition, upTo: SqlValue, limit: number, options: ReadOptions = {}): Promise<SqlRow[]> {
    const columns = await this.cache.columns(table, [cursor, ...key]);
    return this.select(table, cursorSql(this.context(columns), table, names, cursor, key, position, upTo, limit, options.where));
  }

  /**
   * Runs `work` so that if it fails, the transaction goes on and nothing of `work` stays applied:
   * in a savepoint, or, as the transaction's first statement, in the transaction itself (rolled
   * back on failure, the next statement begins a new one; no subtransaction, which costs COPY
   * time per row). `first` (SQL without parameters) runs before `work` in the same round trip, as
   * do the statements `held` back (BEGIN, the last RELEASE); this RELEASE is held in turn.
   */
  private async savepoint<T>(client: PoolClient, held: HeldStatements, action: string, table: TableRef, work: () => Promise<T>, first?: string): Promise<T> {
    if (!held.begun) {
      try {
        await client.query(held.before(first));
        return await work();
      } catch (err) {
        // A failed ROLLBACK leaves the transaction begun: transaction() then drops the connection.
        if (await client.query('ROLLBACK').then(() => true, () => false)) held.restart();
        throw sqlError(this.label, action, table, err);
      }
    }
    try {
      await client.query(held.before(first ? `SAVEPOINT sluice_write; ${first}` : 'SAVEPOINT sluice_write'));
      const result = await work();
      held.hold('RELEASE SAVEPOINT sluice_write');
      return result;
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT sluice_write; RELEASE SAVEPOINT sluice_write').catch(() => undefined);
      throw sqlError(this.label, action, table, err);
    }
  }

  /** Runs the statements in one savepoint; returns the rows they affected. */
  private run(client: PoolClient, held: HeldStatements, statements: readonly Statement[], action: string, table: TableRef): Promise<number> {
    return this.savepoint(client, held, action, table, async () => {
      let affected = 0;
      for (const s of statements) affected += (await client.query(s.sql, s.params)).rowCount ?? 0;
      return affected;
    });
  }

  private writer(client: PoolClient, held: HeldStatements): TableWriter {
    const copier = new CopyWriter(client, this.copyFrom, this.copyTargets, (table, work, first) => this.savepoint(client, held, 'writing', table, work, first));
    return {
      bulk: true,
      write: async (table: TableRef, names: readonly string[], key: readonly string[], input: readonly SqlRow[], mode: WriteMode) => {
        if (input.length === 0) return;
        const columns = await this.cache.columns(table, names);
        const convert = (n: string, v: SqlValue) => postgresParam(columns.get(n), v);
        const byIndex = names.map((n) => columns.get(n));
        const inserts = () => this.run(client, held, postgresWriteStatements(table, names, key, input, mode, convert), 'writing', table);
        if (input.length < COPY_MIN_ROWS || bytesOutsideBytea(byIndex, input)) {
          await inserts();
          return;
        }
        if (mode === 'replace') replaceKeyIndex(table, names, key);
        const rows = mode === 'upsert' || mode === 'replace' ? lastPerKey(names, key, input) : input;
        await copier.write(table, names, key, rows.length, mode, () => copyText(rows, names.length, (i, v) => postgresParam(byIndex[i], v)), inserts);
      },
      writeText: async (table: TableRef, names: readonly string[], key: readonly string[], input: TextRows, mode: WriteMode) => {
        const columns = await this.cache.columns(table, names);
        const byIndex = names.map((n) => columns.get(n));
        const plans = textCopyPlan(input, names, key, mode, byIndex);
        if (!plans) return false;
        if (mode === 'replace') replaceKeyIndex(table, names, key);
        const convert = (i: number, v: SqlValue) => postgresParam(byIndex[i], v);
        // One CopyData message for the usual chunk: each message costs two socket writes.
        const parts = copyTextRows(input, plans, convert, byIndex.map((c) => c?.family === 'binary'), 1 << 20);
        if (!parts) return false;
        const inserts = () => this.run(client, held, postgresWriteStatements(table, names, key, decodeTextRows(input), mode, (n, v) => postgresParam(columns.get(n), v)), 'writing', table);
        await copier.write(table, names, key, input.count, mode, () => parts, inserts);
        return true;
      },
      writeBinary: async (table: TableRef, names: readonly string[], key: readonly string[], input: BinaryRows, mode: WriteMode) => {
        const columns = await this.cache.columns(table, names);
        const plans = binaryCopyPlan(input, names, key, mode, names.map((n) => columns.get(n)));
        if (typeof plans === 'string') return plans;
        const parts = copyBinaryRows(input, plans);
        if (!parts) return 'value';
        if (mode === 'replace') replaceKeyIndex(table, names, key);
        // No INSERTs: where the write would need them (no staging table allowed), the rows are read again as text.
        return (await copier.write(table, names, key, input.count, mode, () => parts, undefined, 'binary')) || 'column';
      },
      deleteKeys: async (table: TableRef, key: readonly string[], keys: readonly SqlRow[]) => {
        if (keys.length === 0) return 0;
        const columns = await this.cache.columns(table, key);
        return this.run(client, held, deleteStatements(d, table, key, keys, (n, v) => postgresParam(columns.get(n), v)), 'deleting from', table);
      },
    };
  }

  /** BEGIN goes with the first statement and COMMIT alone (a transaction that ran nothing sends neither). */
  transaction<T>(work: (writer: TableWriter) => Promise<T>): Promise<T> {
    return this.slots.run(() => this.transact(work));
  }

  private async transact<T>(work: (writer: TableWriter) => Promise<T>): Promise<T> {
    const client = await guard(this.label, 'connecting to', undefined, () => this.pool.connect());
    const held = new HeldStatements();
    let broken: Error | undefined;
    try {
      const result = await work(this.writer(client, held));
      if (held.begun) await guard(this.label, 'committing on', undefined, () => client.query('COMMIT'));
      return result;
    } catch (err) {
      if (held.begun) await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async truncate(table: TableRef): Promise<void> {
    await guard(this.label, 'truncating', table, () => this.pool.query(`TRUNCATE TABLE ${quoteTable(d, table)}`));
  }

  async createTable(table: TableRef, columns: readonly SqlColumn[], primaryKey: readonly string[]): Promise<void> {
    const keySet = new Set(primaryKey);
    const defs = columns.map((c) => `${d.quote(c.name)} ${ddlType('postgres', c, keySet.has(c.name))}${!c.nullable || keySet.has(c.name) ? ' NOT NULL' : ''}`);
    if (primaryKey.length > 0) defs.push(`PRIMARY KEY (${primaryKey.map((k) => d.quote(k)).join(', ')})`);
    await guard(this.label, 'creating', table, () => this.pool.query(`CREATE TABLE ${quoteTable(d, table)} (\n  ${defs.join(',\n  ')}\n)`));
    this.cache.forget(table);
    this.copyTargets.forget(table);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Opens a pool and checks the server answers. */
export async function openPostgresEngine(config: SqlConnectionConfig): Promise<SqlEngine> {
  const [{ default: pg }, { from: copyFrom }] = await Promise.all([import('pg'), import('pg-copy-streams')]);
  const params = serverParams(config);
  const parser = postgresTypeParser(pg.types.getTypeParser(17));
  const pool = new pg.Pool({
    ...(config.url
      ? { connectionString: config.url }
      : { host: params.host, port: params.port, password: params.password, ...(params.user === undefined ? {} : { user: params.user }), ...(params.database === undefined ? {} : { database: params.database }) }),
    max: config.pool,
    types: { getTypeParser: ((oid: number) => parser(oid)) as typeof pg.types.getTypeParser },
    // Awaited before the client is handed out; a failure fails the acquisition.
    onConnect: async (client) => {
      await client.query("SET TimeZone = 'UTC'");
    },
  });
  // An idle client that loses its connection is dropped by the pool; without a listener the error would crash the process.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
    return new PostgresEngine(pool, copyFrom, params.label, config.pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw sqlError(params.label, 'connecting to', undefined, err);
  }
}
