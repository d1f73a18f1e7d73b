import { SluiceError } from '../../core/errors.ts';

/** What a database error means for the caller. */
export type SqlErrorClass =
  /** The rows are rejected (value too long or out of range, constraint, invalid value): retrying will not help. */
  | 'data'
  /** The database is unreachable or went away: retry with backoff. */
  | 'connection'
  /** Deadlock, lock timeout, serialization failure, busy: retry. */
  | 'conflict'
  /** Anything else (missing table or column, privileges, syntax). */
  | 'statement';

/** The driver fields Sluice looks at: mysql2 (`errno`, `sqlState`, `code`), pg (`code` = SQLSTATE), node:sqlite (`errcode`). */
interface DriverFields {
  errno?: unknown;
  sqlState?: unknown;
  code?: unknown;
  errcode?: unknown;
}

// MySQL/MariaDB server errors about the data of a row.
const mysqlDataErrnos = new Set([
  1048, // column cannot be null
  1062, // duplicate entry
  1263, // NULL supplied to NOT NULL column (multi-row insert)
  1264, // out of range
  1265, // data truncated
  1292, // incorrect date/time value, truncated incorrect value
  1366, // incorrect integer/decimal/string value (e.g. a 4-byte character in utf8mb3)
  1367, // illegal value
  1364, // field has no default value
  1406, // data too long
  1411, // incorrect value for function
  1416, // cannot get geometry object
  1451, 1452, 1216, 1217, // foreign key
  1586, 1557, 1859, // duplicate entry variants
  1690, // value out of range in expression
  3140, 3141, 3146, 3156, // invalid JSON
  3819, // check constraint violated (MySQL)
  4025, // CONSTRAINT failed (MariaDB CHECK, json_valid)
]);
const mysqlConnectionCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST', 'CR_SERVER_GONE_ERROR', 'CR_SERVER_LOST', 'POOL_CLOSED',
]);

// SQLite primary result codes (errcode & 0xff).
const SQLITE_BUSY = 5, SQLITE_LOCKED = 6, SQLITE_IOERR = 10, SQLITE_FULL = 13, SQLITE_CANTOPEN = 14;
const SQLITE_TOOBIG = 18, SQLITE_CONSTRAINT = 19, SQLITE_MISMATCH = 20;

function driverFields(err: unknown): DriverFields | undefined {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof SluiceError) continue;
    const f = e as DriverFields;
    if (f.errno !== undefined || f.errcode !== undefined || typeof f.code === 'string') return f;
  }
  return undefined;
}

function classifyFields(f: DriverFields): SqlErrorClass {
  if (typeof f.errcode === 'number') {
    const primary = f.errcode & 0xff;
    if (primary === SQLITE_CONSTRAINT || primary === SQLITE_MISMATCH || primary === SQLITE_TOOBIG) return 'data';
    if (primary === SQLITE_BUSY || primary === SQLITE_LOCKED) return 'conflict';
    if (primary === SQLITE_IOERR || primary === SQLITE_FULL || primary === SQLITE_CANTOPEN) return 'connection';
    return 'statement';
  }
  const code = typeof f.code === 'string' ? f.code : '';
  if (typeof f.errno === 'number' && (f.sqlState !== undefined || code.startsWith('ER_'))) {
    if (mysqlDataErrnos.has(f.errno)) return 'data';
    if (f.errno === 1213 || f.errno === 1205) return 'conflict';
    if (mysqlConnectionCodes.has(code) || f.errno === 1053 || f.errno === 1040 || (f.errno >= 2000 && f.errno < 3000)) return 'connection';
    const state = typeof f.sqlState === 'string' ? f.sqlState : '';
    if (state.startsWith('22') || state.startsWith('23')) return 'data';
    return 'statement';
  }
  if (mysqlConnectionCodes.has(code)) return 'connection';
  if (/^[0-9A-Z]{5}$/.test(code)) {
    // PostgreSQL SQLSTATE
    const cls = code.slice(0, 2);
    if (cls === '22' || cls === '23') return 'data';
    if (cls === '08' || cls === '53' || code === '57P01' || code === '57P02' || code === '57P03') return 'connection';
    if (code === '40001' || code === '40P01' || code === '55P03' || code === '57014') return 'conflict';
    return 'statement';
  }
  return 'statement';
}

/** Classifies any error from a SQL engine (a Sluice wrapper or the driver's error itself). */
export function classifySqlError(err: unknown): SqlErrorClass {
  if (err instanceof SluiceError && err.code === 'SLUICE_7002') return 'data';
  const f = driverFields(err);
  if (f) return classifyFields(f);
  const message = err instanceof Error ? err.message : String(err);
  if (/Connection terminated|connection (is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(message)) return 'connection';
  return 'statement';
}

/**
 * True when the database rejected the rows themselves — a value too long or out of range, a NOT
 * NULL, unique, foreign key or CHECK violation, an invalid value — on MySQL/MariaDB, PostgreSQL
 * (SQLSTATE classes 22 and 23) or SQLite (SQLITE_CONSTRAINT*, SQLITE_MISMATCH, SQLITE_TOOBIG).
 * Such rows can be isolated and reported; anything else (connection, lock, syntax) cannot.
 */
export function isDataError(err: unknown): boolean {
  return classifySqlError(err) === 'data';
}

/** The driver's error code for details: MySQL errno, PostgreSQL SQLSTATE, SQLite extended result code. */
export function driverCode(err: unknown): Record<string, unknown> {
  const f = driverFields(err);
  if (!f) return {};
  const out: Record<string, unknown> = {};
  if (f.errno !== undefined) out.errno = f.errno;
  if (f.sqlState !== undefined) out.sqlState = f.sqlState;
  if (f.code !== undefined) out.code = f.code;
  if (f.errcode !== undefined) out.errcode = f.errcode;
  return out;
}
