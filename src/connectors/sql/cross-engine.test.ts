import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openEngine } from './open-engine.ts';
import type { EngineKind, SqlEngine, SqlRow, SqlValue } from './sql-engine.ts';
import { createTestDatabase, type TestDatabase } from './test-databases.ts';

/**
 * One table with every common type, created natively on each engine, filled through the engine,
 * then copied engine → engine for all 9 ordered pairs (readRange → createTable → write) and read
 * back. Values must be equal under the SqlValue conventions (docs/sync-types.md); where an engine
 * cannot hold a type, the expectation says what the convention gives instead.
 */
const kinds: EngineKind[] = ['mysql', 'postgres', 'sqlite'];

const ddl: Record<EngineKind, string> = {
  mysql: `CREATE TABLE all_types (id INT NOT NULL PRIMARY KEY, c_int INT, c_big BIGINT, c_ubig BIGINT UNSIGNED,
    c_dec DECIMAL(30,10), c_double DOUBLE, c_float FLOAT, c_bool BOOLEAN, c_vc VARCHAR(100), c_text TEXT, c_date DATE,
    c_dt DATETIME(6), c_ts TIMESTAMP(6) NULL, c_time TIME(6), c_json JSON, c_blob BLOB) DEFAULT CHARSET=utf8mb4`,
  postgres: `CREATE TABLE all_types (id integer PRIMARY KEY, c_int integer, c_big bigint, c_ubig numeric(20,0),
    c_dec numeric(30,10), c_double double precision, c_float real, c_bool boolean, c_vc varchar(100), c_text text, c_date date,
    c_dt timestamp(6), c_ts timestamptz(6), c_time time(6), c_json jsonb, c_blob bytea)`,
  sqlite: `CREATE TABLE all_types (id INTEGER NOT NULL PRIMARY KEY, c_int INTEGER, c_big BIGINT, c_ubig DECIMAL_TEXT(20,0),
    c_dec DECIMAL_TEXT(30,10), c_double DOUBLE, c_float FLOAT, c_bool BOOLEAN, c_vc VARCHAR(100), c_text TEXT, c_date DATE,
    c_dt DATETIME(6), c_ts TIMESTAMP(6), c_time TIME(6), c_json JSON_TEXT, c_blob BLOB)`,
};

const columns = ['id', 'c_int', 'c_big', 'c_ubig', 'c_dec', 'c_double', 'c_float', 'c_bool', 'c_vc', 'c_text', 'c_date', 'c_dt', 'c_ts', 'c_time', 'c_json', 'c_blob'];
const allBytes = new Uint8Array(Array.from({ length: 256 }, (_, i) => i));
const text = `line 1\nline 2\ttab \\ backslash 'single' "double" ✓ ${'long '.repeat(2000)}`;

/** The rows as written; also what every engine reads back, but for the exceptions in `expected`. */
const rows: SqlRow[] = [
  [1, -2147483648, '9223372036854775807', '18446744073709551615', '12345678901234567890.0123456789', 0.1, 3.14159, true,
    'héllo 😀 𝄞 "q" \'s\' \\', text, '2024-02-29', '2024-02-29 23:59:59.123456', '2024-02-29 12:34:56.789012Z', '13:14:15.123456',
    '{"a":{"b":[1,2,{"c":null}]},"big":18446744073709551615,"s":"😀"}', allBytes],
  [2, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null],
  [3, 0, '9007199254740993', '10000000000000000000', '-0.0000000001', 1.7976931348623157e308, 1234567, false,
    '', '', '1000-01-01', '1970-01-01 00:00:00', '2038-01-19 03:14:07Z', '00:00:00', '[]', new Uint8Array()],
];

/** What `target` reads for a value written as `rows[r][c]`, copied from `source` (absent: the native table). */
function expected(value: SqlValue, column: string, target: EngineKind, source?: EngineKind): SqlValue {
  if (value === null) return null;
  // BOOLEAN is a real type on PostgreSQL only; MySQL's TINYINT(1) and SQLite's BOOLEAN read 0/1.
  if (column === 'c_bool') return target === 'postgres' ? value : Number(value);
  // A timestamptz goes to MySQL DATETIME (TIMESTAMP ends in 2038): the UTC wall clock, without the zone.
  if (column === 'c_ts' && target === 'mysql' && source === 'postgres') return (value as string).slice(0, -1);
  if (value instanceof Uint8Array) return Buffer.from(value);
  return value;
}

/** JSON text compared by meaning: key order, spacing and number text as written (big integers exact). */
function canonicalJson(json: string): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
  };
  const parsed = JSON.parse(json, (_k, v, ctx?: { source?: string }) => (typeof v === 'number' ? `#${ctx?.source}` : v));
  return JSON.stringify(sortKeys(parsed));
}

function comparable(row: SqlRow): unknown[] {
  return row.map((v, i) => (v instanceof Uint8Array ? Buffer.from(v) : columns[i] === 'c_json' && typeof v === 'string' ? canonicalJson(v) : v));
}

function assertRows(actual: SqlRow[], target: EngineKind, source: EngineKind | undefined, what: string): void {
  assert.equal(actual.length, rows.length, what);
  actual.forEach((row, r) => {
    const want = comparable(rows[r]!.map((v, c) => expected(v, columns[c]!, target, source)));
    const got = comparable(row);
    for (let c = 0; c < columns.length; c++) {
      assert.deepEqual(got[c], want[c], `${what}: row id ${rows[r]![0]}, column ${columns[c]}`);
    }
  });
}

describe('cross-engine copies keep every value', () => {
  const dbs = {} as Record<EngineKind, TestDatabase>;
  const engines = {} as Record<EngineKind, SqlEngine>;

  before(async () => {
    for (const kind of kinds) {
      dbs[kind] = await createTestDatabase(kind);
      engines[kind] = await openEngine(dbs[kind].config);
      await dbs[kind].exec(ddl[kind]);
      await engines[kind].transaction((w) => w.write({ name: 'all_types' }, columns, ['id'], rows, 'insert'));
    }
  });

  after(async () => {
    for (const kind of kinds) {
      await engines[kind]?.close();
      await dbs[kind]?.drop();
    }
  });

  for (const kind of kinds) {
    test(`${kind}: the native table reads back what was written`, async () => {
      const back = await engines[kind].readRange({ name: 'all_types' }, columns, ['id'], {});
      assertRows(back, kind, undefined, `${kind} native`);
      const info = await engines[kind].describe({ name: 'all_types' });
      const families = info!.columns.map((c) => c.family);
      assert.deepEqual(families, ['integer', 'integer', 'integer', kind === 'mysql' ? 'integer' : 'decimal', 'decimal', 'float', 'float',
        'boolean', 'string', 'string', 'date', 'datetime', 'timestamp', 'time', 'json', 'binary']);
    });
  }

  for (const source of kinds) {
    for (const target of kinds) {
      test(`${source} → ${target}`, async () => {
        const info = await engines[source].describe({ name: 'all_types' });
        assert.ok(info);
        const table = { name: `copy_from_${source}` };
        await engines[target].createTable(table, info.columns, info.primaryKey);
        const read = await engines[source].readRange(info.ref, columns, info.primaryKey, {});
        await engines[target].transaction((w) => w.write(table, columns, info.primaryKey, read, 'insert'));
        const back = await engines[target].readRange(table, columns, ['id'], {});
        assertRows(back, target, source, `${source} → ${target}`);
        // Upserting the same rows again changes nothing.
        await engines[target].transaction((w) => w.write(table, columns, info.primaryKey, read, 'upsert'));
        assertRows(await engines[target].readRange(table, columns, ['id'], {}), target, source, `${source} → ${target} after upsert`);
      });
    }
  }
});
