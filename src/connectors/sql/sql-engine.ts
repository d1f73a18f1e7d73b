import type { BinaryDecline, BinaryRows } from './binary-rows.ts';
import type { TextRows } from './text-rows.ts';

/**
 * The connector layer for relational databases (MySQL/MariaDB, PostgreSQL, SQLite): one engine per
 * database, used by `sluice sync` to read and write tables and by `sluice verify` to read them.
 * Engines normalize values to SqlValue so rows move between engines without loss.
 */

export type EngineKind = 'mysql' | 'postgres' | 'sqlite';

/**
 * A column value as Sluice moves it between databases (docs/sync-types.md has the full table):
 * - integers: number when within ±2^53, else a decimal string; DECIMAL/NUMERIC: exact string ("120.50")
 * - FLOAT/DOUBLE/REAL: number; BOOLEAN: boolean (MySQL TINYINT(1) and SQLite BOOLEAN read as 0/1)
 * - DATE 'YYYY-MM-DD'; DATETIME / timestamp without time zone 'YYYY-MM-DD HH:MM:SS[.ffffff]' (wall clock)
 * - TIMESTAMP / timestamptz 'YYYY-MM-DD HH:MM:SS[.ffffff]Z' (UTC); TIME 'HH:MM:SS[.ffffff]'
 * - JSON / JSONB: the JSON text; text types: string; binary: Uint8Array
 */
export type SqlValue = null | string | number | boolean | Uint8Array;

/** Values in the order of the columns the caller asked for. */
export type SqlRow = SqlValue[];

export type TypeFamily =
  | 'integer' | 'decimal' | 'float' | 'boolean' | 'string' | 'binary'
  | 'date' | 'datetime' | 'timestamp' | 'time' | 'json' | 'other';

export interface SqlColumn {
  readonly name: string;
  /** The engine's own type text, lower case: `decimal(12,2)`, `character varying(40)`, `integer`. */
  readonly type: string;
  readonly family: TypeFamily;
  readonly nullable: boolean;
  /**
   * Length for strings/binary, precision for decimals and fractional-second digits for time types;
   * decimal digits for integers (10 for INT, 20 for BIGINT UNSIGNED) and 24 or 53 (bits) for floats.
   */
  readonly length?: number;
  readonly scale?: number;
  readonly unsigned?: boolean;
}

/** `schema` is the database (MySQL), the schema (PostgreSQL, default `public`) or absent (SQLite). */
export interface TableRef {
  readonly schema?: string;
  readonly name: string;
}

export interface TableInfo {
  readonly ref: TableRef;
  readonly columns: readonly SqlColumn[];
  /** Primary key (else the first unique key over NOT NULL columns) in key order; empty if none. */
  readonly primaryKey: readonly string[];
  /** The engine's row estimate (statistics; exact COUNT(*) only for SQLite). */
  readonly estimatedRows: number;
}

/** A key range: rows whose key is > `after` (none: from the start) and <= `upTo` (none: to the end). */
export interface KeyRange {
  readonly after?: SqlRow;
  readonly upTo?: SqlRow;
}

/** What a read may add: a WHERE filter in the source's SQL (`status <> 'draft'`). */
export interface ReadOptions {
  readonly where?: string;
}

export interface RangeDigest {
  readonly count: number;
  /** Exact decimal text of the sum. */
  readonly sum: string;
}

export type WriteMode = 'insert' | 'upsert' | 'replace' | 'insert-ignore';

/** Statements on one connection inside one transaction. */
export interface TableWriter {
  /**
   * Writes `rows` (values in `columns` order) as one multi-row statement, or several if the engine's
   * parameter limit requires. `key` names the conflict columns for upsert. On error nothing of this
   * call is applied (savepoint) and the transaction stays usable, so the caller can bisect.
   */
  write(table: TableRef, columns: readonly string[], key: readonly string[], rows: readonly SqlRow[], mode: WriteMode): Promise<void>;
  /**
   * True when a write's cost is about per row whatever its size (PostgreSQL's COPY): callers may
   * hand a whole chunk of rows to one call rather than statement-sized batches.
   */
  readonly bulk?: boolean;
  /**
   * Writes rows kept as a source's text (TextRows) with the effect `write` has for the decoded
   * rows, taking the source's text as it is where the column reads it as the same value. Resolves
   * false, having written nothing, when it cannot (the caller then writes the decoded rows); on
   * error nothing of this call is applied. Only writers of engines with `writesText`.
   */
  writeText?(table: TableRef, columns: readonly string[], key: readonly string[], rows: TextRows, mode: WriteMode): Promise<boolean>;
  /**
   * Writes rows kept as a source's binary protocol (BinaryRows) with the effect `write` has for
   * the same rows read by readRange, converting each field's bytes to the target's own binary
   * format. Resolves true when written; otherwise, having written nothing, with why (the caller
   * then reads the rows again as text). On error nothing of this call is applied. Only writers
   * of engines with `writesBinary`.
   */
  writeBinary?(table: TableRef, columns: readonly string[], key: readonly string[], rows: BinaryRows, mode: WriteMode): Promise<true | BinaryDecline>;
  /** Deletes the rows with these key values; returns how many were deleted. */
  deleteKeys(table: TableRef, key: readonly string[], keys: readonly SqlRow[]): Promise<number>;
}

export interface SqlEngine {
  readonly kind: EngineKind;
  /** For logs and reports: `mysql://127.0.0.1:3306/shop` (never the password). */
  readonly label: string;
  /** The table, or undefined if it does not exist. */
  describe(table: TableRef): Promise<TableInfo | undefined>;
  /** Base tables of a schema (the connection's default schema/database when omitted), sorted by name. */
  listTables(schema?: string): Promise<TableRef[]>;
  /** The database's clock, as a UTC timestamp value ('YYYY-MM-DD HH:MM:SS.ffffffZ'). */
  now(): Promise<string>;
  /**
   * The key of the `count`-th row after `after` in key order (the end of a chunk of `count` rows),
   * or undefined when fewer rows are left. One index range scan (`ORDER BY key LIMIT 1 OFFSET count-1`).
   */
  boundary(table: TableRef, key: readonly string[], after: SqlRow | undefined, count: number, options?: ReadOptions): Promise<SqlRow | undefined>;
  /** Rows of a key range, in key order; `limit` caps the count. */
  readRange(table: TableRef, columns: readonly string[], key: readonly string[], range: KeyRange, options?: ReadOptions & { limit?: number }): Promise<SqlRow[]>;
  /**
   * readRange's rows as the source received them, decoded only on demand (see TextRows): for a
   * target engine with `writesText`. `expectRows` sizes the buffers. Absent where not supported.
   */
  readRangeText?(table: TableRef, columns: readonly string[], key: readonly string[], range: KeyRange, options?: ReadOptions & { limit?: number; expectRows?: number }): Promise<TextRows>;
  /** True when this engine's writers take TextRows (`TableWriter.writeText`). */
  readonly writesText?: boolean;
  /**
   * readRange's rows as the source's binary protocol sent them (see BinaryRows): for a target
   * engine with `writesBinary`. Absent where not supported.
   */
  readRangeBinary?(table: TableRef, columns: readonly string[], key: readonly string[], range: KeyRange, options?: ReadOptions & { limit?: number; expectRows?: number }): Promise<BinaryRows>;
  /** True when this engine's writers take BinaryRows (`TableWriter.writeBinary`). */
  readonly writesBinary?: boolean;
  /**
   * Incremental reads: rows with `(cursor, key) > (after.cursor, after.key)` (or `cursor >= from`
   * when no `after`), `cursor <= upTo`, in `(cursor, key)` order, at most `limit`. `cursor` is a
   * column name; its values compare as the engine compares them. `from: null` = from the first row;
   * `upTo: null` = no upper bound.
   */
  readByCursor(table: TableRef, columns: readonly string[], cursor: string, key: readonly string[], position: { from: SqlValue; after?: { cursor: SqlValue; key: SqlRow } }, upTo: SqlValue, limit: number, options?: ReadOptions): Promise<SqlRow[]>;
  /**
   * Which of `keys` have a row in the table (and match `where`), compared by the table's own
   * equality — collation included — so the answer is right whatever order the caller's keys came in.
   */
  keysPresent(table: TableRef, key: readonly string[], keys: readonly SqlRow[], options?: ReadOptions): Promise<boolean[]>;
  /** For each of `keys`, the row (values in `columns` order) with that key by the table's equality, or undefined. */
  rowsForKeys(table: TableRef, columns: readonly string[], key: readonly string[], keys: readonly SqlRow[]): Promise<(SqlRow | undefined)[]>;
  /**
   * Count and digest of a key range computed inside the database: the sum of a 60-bit slice of the
   * MD5 of each row's text (columns in the given order, NULLs flagged). Equal only between tables
   * of the same engine holding the same values in the same types; absent where not supported.
   */
  digest?(table: TableRef, columns: readonly string[], key: readonly string[], range: KeyRange, options?: ReadOptions): Promise<RangeDigest>;
  /**
   * An idempotent repair script in this engine's SQL: upserts of `rows` (values in `columns` order)
   * and deletes of `deleteKeys`, every value written in as a literal.
   */
  repairScript(table: TableRef, columns: readonly string[], key: readonly string[], rows: readonly SqlRow[], deleteKeys: readonly SqlRow[]): Promise<string[]>;
  /** Runs `work` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (writer: TableWriter) => Promise<T>): Promise<T>;
  truncate(table: TableRef): Promise<void>;
  /** Creates `table` with columns mapped from another engine's columns (docs/sync-types.md) and the given key. */
  createTable(table: TableRef, columns: readonly SqlColumn[], primaryKey: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
