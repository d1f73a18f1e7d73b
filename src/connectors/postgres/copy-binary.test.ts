import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { openEngine } from '../sql/open-engine.ts';
import type { SqlEngine, TableRef, WriteMode } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';

/**
 * MariaDB → PostgreSQL through binary COPY (readRangeBinary → writeBinary) against the text path
 * (readRangeText → writeText, itself tested against decoded rows): the same table must come out,
 * value for value, and where binary cannot write a column or a value it must say so and write nothing.
 */
const ddl = `CREATE TABLE wide (
  id INT NOT NULL PRIMARY KEY,
  c_tiny TINYINT, c_tiny_u TINYINT UNSIGNED, c_small SMALLINT, c_small_u SMALLINT UNSIGNED, c_med MEDIUMINT, c_med_u MEDIUMINT UNSIGNED,
  c_int INT, c_int_u INT UNSIGNED, c_big BIGINT, c_big_u BIGINT UNSIGNED, c_bool BOOLEAN,
  c_dec DECIMAL(30,10), c_dec0 DECIMAL(5,0), c_dec_wide DECIMAL(65,30), c_double DOUBLE, c_float FLOAT,
  c_date DATE, c_dt DATETIME, c_dt6 DATETIME(6), c_ts TIMESTAMP(3) NULL,
  c_char CHAR(8), c_vc VARCHAR(100), c_text TEXT, c_enum ENUM('a','b','c'), c_set SET('x','y','z'), c_json JSON,
  c_blob BLOB, c_vbin VARBINARY(8), c_bin BINARY(4)
) DEFAULT CHARSET=utf8mb4`;

const rows = [
  `(1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, 1,
    '12345678901234567890.0123456789', -99999, '-12345678901234567890123456789012345.123456789012345678901234567890', 0.1, 3.14159,
    '1000-01-01', '1970-01-01 00:00:00', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:01.000',
    'ab', 'tab\\tnew\\nline back\\\\slash ü 😀 𝄞', REPEAT('long text ', 500), 'b', 'x,z', '{"a": [1, 2.50, {"b": null}], "big": 18446744073709551615}',
    UNHEX('00FF5C090A0D'), UNHEX('DEADBEEF'), 'ab')`,
  `(2, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 9223372036854775807, 0,
    '-0.0000000001', 0, '0', -0.0, -0.0, '9999-12-31', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999',
    '', '', '', 'a', '', '[]', '', '', UNHEX('00000000'))`,
  `(3, 0, 1, 0, 1, 0, 1, 0, 1, 0, 0, NULL, '0.5', 1, '0.000000000000000000000000000001', 1.7976931348623157e308, 1e38,
    '2000-01-01', '2000-01-01 00:00:00', '2000-01-01 00:00:00.000001', '1999-12-31 23:59:59.500',
    'abcdefgh', 'x', 'y', 'c', 'x,y,z', '"s"', UNHEX('01'), UNHEX(''), UNHEX('7F800001'))`,
  `(4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
  `(5, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, '120.50', 7, '1.5', 5e-324, -1.17549435e-38, '2024-02-29', '2024-02-29 12:34:56',
    '1999-12-31 23:59:59.5', '2024-02-29 00:00:00', ' lead', 'trail ', '\\\\N', 'a', 'y', '{}', UNHEX('5C4E'), UNHEX('0A'), UNHEX('09'))`,
];

describe('binary COPY from MariaDB', () => {
  let my: TestDatabase, pg_: TestDatabase;
  let source: SqlEngine, target: SqlEngine;
  const src: TableRef = { name: 'wide' };
  let columns: string[];

  before(async () => {
    [my, pg_] = await Promise.all([createTestDatabase('mysql'), createTestDatabase('postgres')]);
    [source, target] = await Promise.all([openEngine(my.config), openEngine(pg_.config)]);
    await my.exec(ddl);
    await my.exec(`INSERT INTO wide VALUES ${rows.join(', ')}`);
    // More rows than one COPY part holds, so parts split between tuples.
    await my.exec(`INSERT INTO wide (id, c_big_u, c_dec, c_dt6, c_text) SELECT seq, seq * 7919, seq / 7, TIMESTAMPADD(MICROSECOND, seq * 999999, '1950-06-15'), REPEAT('z', seq % 300)
                   FROM seq_100_to_20000`);
    columns = (await source.describe(src))!.columns.map((c) => c.name);
  });

  after(async () => {
    await Promise.all([source?.close(), target?.close()]);
    await Promise.all([my?.drop(), pg_?.drop()]);
  });

  /** Creates the target table as sync does (type mapping) and copies the source through binary or text. */
  async function copy(name: string, via: 'binary' | 'text', mode: WriteMode, cols = columns): Promise<boolean | string> {
    const info = (await source.describe(src))!;
    const table = { name };
    if (!(await target.describe(table))) await target.createTable(table, info.columns.filter((c) => cols.includes(c.name)), ['id']);
    if (via === 'binary') {
      const read = await source.readRangeBinary!(src, cols, ['id'], {});
      return target.transaction((w) => w.writeBinary!(table, cols, ['id'], read, mode));
    }
    const read = await source.readRangeText!(src, cols, ['id'], {});
    return target.transaction((w) => w.writeText!(table, cols, ['id'], read, mode));
  }

  /** Rows of `a` and `b` (same columns) that differ in their text form, or are in one only; and the rows of `a`. */
  async function compare(a: string, b: string): Promise<{ differ: number; rows: number }> {
    const client = new pg.Client({ host: pg_.config.host, port: pg_.config.port, user: pg_.config.user, database: pg_.config.database });
    await client.connect();
    try {
      const { rows: [r] } = await client.query<{ differ: string; rows: string }>(
        `SELECT count(*) FILTER (WHERE a::text IS DISTINCT FROM b::text) AS differ, count(a.id) AS rows FROM ${a} a FULL JOIN ${b} b USING (id)`);
      return { differ: Number(r!.differ), rows: Number(r!.rows) };
    } finally {
      await client.end();
    }
  }

  test('every supported type comes out as the text path writes it, in insert and upsert mode', async () => {
    assert.equal(await copy('by_text', 'text', 'insert'), true);
    assert.equal(await copy('by_binary', 'binary', 'insert'), true);
    assert.deepEqual(await compare('by_binary', 'by_text'), { differ: 0, rows: 19906 });
    // Upsert of the same rows (optimistic COPY meets the keys, then the staging table): nothing changes.
    assert.equal(await copy('by_binary', 'binary', 'upsert'), true);
    assert.deepEqual(await compare('by_binary', 'by_text'), { differ: 0, rows: 19906 });
    // The comparison sees a one-microsecond difference.
    await pg_.exec("UPDATE by_text SET c_dt6 = c_dt6 + interval '1 microsecond' WHERE id = 3");
    assert.deepEqual(await compare('by_binary', 'by_text'), { differ: 1, rows: 19906 });
  });

  test('a column binary cannot convert, or a value, makes the write decline and write nothing', async () => {
    await my.exec(`CREATE TABLE odd (id INT PRIMARY KEY, t TIME, big BIGINT UNSIGNED, d DATE, flag BOOLEAN, name VARCHAR(20));
      SET SESSION sql_mode = ''; INSERT INTO odd VALUES (1, '12:00:00', 1, '2024-01-01', 1, 'ok'); SET SESSION sql_mode = DEFAULT`);
    await pg_.exec(`CREATE TABLE odd (id integer PRIMARY KEY, t time, big bigint, d date, flag boolean, name varchar(3))`);
    const odd = { name: 'odd' };
    const attempt = async (cols: string[]) => {
      const read = await source.readRangeBinary!(odd, cols, ['id'], {});
      return target.transaction((w) => w.writeBinary!(odd, cols, ['id'], read, 'upsert'));
    };
    assert.equal(await attempt(['id', 't']), 'column', 'TIME has no binary plan');
    assert.equal(await attempt(['id', 'big', 'd', 'flag']), true, 'the values that fit are written');
    for (const [change, cols] of [
      ['big = 9223372036854775808', ['id', 'big']],
      ["d = '0000-00-00'", ['id', 'd']],
      ["d = '2024-00-10'", ['id', 'd']],
      ['flag = 2', ['id', 'flag']],
    ] as const) {
      await my.exec(`SET SESSION sql_mode = ''; UPDATE odd SET ${change}; SET SESSION sql_mode = DEFAULT`);
      assert.equal(await attempt([...cols]), 'value', change);
    }
    // Types named like numeric but not numeric itself (a domain over bigint, an array) take no binary numeric.
    await my.exec('CREATE TABLE amounts (id INT PRIMARY KEY, a DECIMAL(10,2), b DECIMAL(10,2)); INSERT INTO amounts VALUES (1, 0.00, 12.50)');
    await pg_.exec('CREATE DOMAIN numeric_id AS bigint; CREATE TABLE amounts (id integer PRIMARY KEY, a numeric_id, b numeric[])');
    for (const col of ['a', 'b']) {
      const read = await source.readRangeBinary!({ name: 'amounts' }, ['id', col], ['id'], {});
      assert.equal(await target.transaction((w) => w.writeBinary!({ name: 'amounts' }, ['id', col], ['id'], read, 'insert')), 'column', col);
    }
    await my.exec("UPDATE odd SET name = 'too long'");
    await assert.rejects(attempt(['id', 'name']), (err: Error & { cause?: { code?: string } }) => err.cause?.code === '22001', 'a value too long for the column is the database\'s data error');
    const client = new pg.Client({ host: pg_.config.host, port: pg_.config.port, user: pg_.config.user, database: pg_.config.database });
    await client.connect();
    const { rows: back } = await client.query('SELECT id, t, big, d::text AS d, flag, name FROM odd');
    await client.end();
    assert.deepEqual(back, [{ id: 1, t: null, big: '1', d: '2024-01-01', flag: true, name: null }], 'only the write that succeeded is there');
  });
});
