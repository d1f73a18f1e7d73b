import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isDataError } from './data-errors.ts';
import { openEngine } from './open-engine.ts';
import type { SqlEngine, SqlRow, TableInfo } from './sql-engine.ts';
import { createTestDatabase, type TestDatabase } from './test-databases.ts';
import { decodeTextRows, mayRepeatKey, type TextRows } from './text-rows.ts';

/** TextRows whose fields are the given strings (no decoding needed for mayRepeatKey). */
function keyRows(fields: (string | null)[][]): TextRows {
  const width = fields[0]?.length ?? 0;
  const data = Buffer.from(fields.flat().map((f) => f ?? '').join(''), 'latin1');
  const bounds = new Int32Array(2 * width * fields.length);
  let at = 0;
  fields.flat().forEach((f, i) => {
    bounds[2 * i] = f === null ? -1 : at;
    bounds[2 * i + 1] = f === null ? -1 : (at += f.length);
  });
  return { count: fields.length, width, columns: [], forms: [], data, bounds, row: () => [] };
}

test('mayRepeatKey: equal bytes in the key columns repeat; a field boundary or NULL keeps keys apart', () => {
  assert.equal(mayRepeatKey(keyRows([['1', 'a'], ['2', 'a'], ['3', 'b']]), [0]), false);
  assert.equal(mayRepeatKey(keyRows([['1', 'a'], ['2', 'a'], ['3', 'b']]), [1]), true);
  assert.equal(mayRepeatKey(keyRows([['ab', 'c'], ['a', 'bc'], ['abc', '']]), [0, 1]), false);
  assert.equal(mayRepeatKey(keyRows([['', 'x'], [null, 'x']]), [0, 1]), false);
  assert.equal(mayRepeatKey(keyRows([[null, 'x'], [null, 'x']]), [0, 1]), true);
  const many = keyRows(Array.from({ length: 100_000 }, (_, i) => [String(i), 'v']));
  assert.equal(mayRepeatKey(many, [0]), false);
  assert.equal(mayRepeatKey(keyRows([]), [0]), false);
});

/** A MariaDB table of every type with edge values, read as TextRows and written to PostgreSQL by COPY. */
const mysqlDdl = `CREATE TABLE every_type (id INT NOT NULL PRIMARY KEY, c_tiny TINYINT, c_small SMALLINT, c_medium MEDIUMINT UNSIGNED,
  c_int INT, c_uint INT UNSIGNED, c_big BIGINT, c_ubig BIGINT UNSIGNED, c_dec DECIMAL(30,10), c_dec0 DECIMAL(5,0), c_float FLOAT,
  c_double DOUBLE, c_bool BOOLEAN, c_bit1 BIT(1), c_bit64 BIT(64), c_year YEAR, c_char CHAR(8), c_vc VARCHAR(100), c_latin VARCHAR(20) CHARACTER SET latin1,
  c_text TEXT, c_enum ENUM('a','b c'), c_set SET('x','y'), c_date DATE, c_dt DATETIME(6), c_dt0 DATETIME, c_ts TIMESTAMP(6) NULL,
  c_time TIME(6), c_json JSON, c_bin BINARY(4), c_vbin VARBINARY(10), c_blob BLOB, c_uuid UUID, c_point POINT) DEFAULT CHARSET=utf8mb4`;
const columns = ['id', 'c_tiny', 'c_small', 'c_medium', 'c_int', 'c_uint', 'c_big', 'c_ubig', 'c_dec', 'c_dec0', 'c_float', 'c_double', 'c_bool',
  'c_bit1', 'c_bit64', 'c_year', 'c_char', 'c_vc', 'c_latin', 'c_text', 'c_enum', 'c_set', 'c_date', 'c_dt', 'c_dt0', 'c_ts', 'c_time', 'c_json',
  'c_bin', 'c_vbin', 'c_blob', 'c_uuid', 'c_point'];
const edgeRows = [
  `(1, -128, -32768, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615, '-12345678901234567890.0123456789', -99999,
    3.14159, 1.7976931348623157e308, 1, b'1', b'1111111111111111111111111111111111111111111111111111111111111111', 2155, 'ab', 'tab\\there\\nnew\\rcr\\\\back',
    'ünï', REPEAT('long ✓ 😀 ', 500), 'b c', 'x,y', '9999-12-31', '2024-02-29 23:59:59.123456', '1000-01-01 00:00:00', '2038-01-19 03:14:07.999999',
    '23:59:59.999999', '{"a": [1, 2.50, {"b": null}], "big": 18446744073709551615, "s": "tab\\\\t 😀"}', x'0009ff5c', x'0a0d', x'00010203fffe',
    '123e4567-e89b-12d3-a456-426614174000', ST_GeomFromText('POINT(1 2)'))`,
  `(2, ${Array(columns.length - 1).fill('NULL').join(', ')})`,
  `(3, 0, 0, 0, 0, 0, 0, 0, '0.0000000000', 0, -0.0000001, -0, 0, b'0', b'0', 1901, '', '', '', '', 'a', '', '1000-01-01', '1000-01-01 00:00:00.000001',
    '2024-01-01 00:00:00', '1970-01-01 00:00:01', '00:00:00', '[]', x'00000000', x'', x'', '00000000-0000-0000-0000-000000000000', ST_GeomFromText('POINT(0 0)'))`,
  `(4, 127, 32767, 1, 2147483647, 1, 9007199254740993, 9007199254740993, '0.0000000001', 99999, 1234567, 0.1, 1, b'1', b'1000000000000000000000000000000000000000000000000000000000000000', 0,
    '\\\\N', '\\\\.', 'x', 'a\\\\b', 'a', 'y', '2024-02-29', '2024-02-29 00:00:00.500000', '2024-02-29 12:00:00', '2024-02-29 12:00:00.5', '24:00:00.000000', '"s"', x'01', x'ff', x'5c5c', NULL, NULL)`,
];
const plainRows = Array.from({ length: 60 }, (_, i) => {
  const n = 100 + i;
  return `(${n}, ${i % 100}, -${i}, ${i}, ${n * 1000}, ${n}, ${n} * 1000000000000, ${n}, '${n}.5', ${i}, ${i}.25, ${n} / 7, ${i % 2}, b'${i % 2}', ${n}, ${1901 + i},
    'c${i}', 'name-${n}', 'l${i}', 'a note #${n}', 'a', 'x', '2024-01-01' + INTERVAL ${i} DAY, '2024-01-01 00:00:00.123' + INTERVAL ${n} SECOND, '2024-01-01',
    '2024-01-01 00:00:00' + INTERVAL ${n} MINUTE, '12:00:00', '{"n": ${n}}', x'${n.toString(16).padStart(8, '0')}', x'${n.toString(16)}', x'ab', UUID(), ST_GeomFromText('POINT(${i} ${n})'))`;
});

describe('MariaDB rows as TextRows, written to PostgreSQL by COPY from their text', () => {
  let my: TestDatabase;
  let pg: TestDatabase;
  let source: SqlEngine;
  let target: SqlEngine;
  let info: TableInfo;
  let text: TextRows;
  let read: SqlRow[];

  before(async () => {
    [my, pg] = await Promise.all([createTestDatabase('mysql'), createTestDatabase('postgres')]);
    [source, target] = await Promise.all([openEngine(my.config), openEngine(pg.config)]);
    await my.exec(mysqlDdl);
    await my.exec(`INSERT INTO every_type (${columns.join(', ')}) VALUES ${[...edgeRows, ...plainRows].join(',\n')}`);
    info = (await source.describe({ name: 'every_type' }))!;
    read = await source.readRange(info.ref, columns, ['id'], {});
    text = await source.readRangeText!(info.ref, columns, ['id'], {}, { expectRows: 4 });
  });

  after(async () => {
    await Promise.all([source?.close(), target?.close()]);
    await Promise.all([my?.drop(), pg?.drop()]);
  });

  test('every row decodes to exactly what readRange returns', () => {
    assert.equal(text.count, 64);
    assert.deepEqual(decodeTextRows(text), read);
    assert.deepEqual(text.row(0), read[0]);
    assert.throws(() => text.row(64), RangeError);
  });

  test('a DOUBLE reads as the double the server holds (mysql2 alone is an ulp off past 2^53 digits)', async () => {
    await my.exec('CREATE TABLE doubles (id INT PRIMARY KEY, d DOUBLE); INSERT INTO doubles VALUES (1, 635 / 7e0), (2, 1 / 3e0), (3, 1e300 / 7), (4, -1.5e0), (5, 4.35)');
    const got = await source.readRange({ name: 'doubles' }, ['d'], ['id'], {});
    assert.deepEqual(got.map((r) => r[0]), [635 / 7, 1 / 3, 1e300 / 7, -1.5, 4.35]);
  });

  test('fields are text, bytes, or values only the row gives', () => {
    const forms = Object.fromEntries(columns.map((c, i) => [c, text.forms[i]]));
    const value = ['c_float', 'c_bit1', 'c_bit64', 'c_year'];
    const bytes = ['c_bin', 'c_vbin', 'c_blob', 'c_point'];
    for (const c of columns) assert.equal(forms[c], value.includes(c) ? 'value' : bytes.includes(c) ? 'bytes' : 'text', c);
  });

  test('into a created table: the same rows as COPY of the decoded rows, for every write mode', async () => {
    await target.createTable({ name: 'by_text' }, info.columns, ['id']);
    await target.createTable({ name: 'by_rows' }, info.columns, ['id']);
    for (const mode of ['insert', 'upsert', 'replace', 'insert-ignore'] as const) {
      const handled = await target.transaction((w) => w.writeText!({ name: 'by_text' }, columns, ['id'], text, mode));
      assert.equal(handled, true, mode);
      await target.transaction((w) => w.write({ name: 'by_rows' }, columns, ['id'], read, mode));
      if (mode === 'insert') {
        const a = await target.readRange({ name: 'by_text' }, columns, ['id'], {});
        assert.deepEqual(a, await target.readRange({ name: 'by_rows' }, columns, ['id'], {}));
        assert.equal(a.length, 64);
        await Promise.all([pg.exec('DELETE FROM by_text WHERE id >= 100'), pg.exec('DELETE FROM by_rows WHERE id >= 100')]);
      }
    }
    assert.deepEqual(await target.readRange({ name: 'by_text' }, columns, ['id'], {}), await target.readRange({ name: 'by_rows' }, columns, ['id'], {}));
  });

  test('into columns of other types (text, real, timestamptz): each field as its value, as write does', async () => {
    const other = (name: string) => `CREATE TABLE ${name} (id int PRIMARY KEY, c_float double precision, c_double real, c_dt text, c_ts timestamp(6),
      c_dec text, c_bool integer, c_json text, c_year text, c_vc text, c_time text, c_date text)`;
    await pg.exec(`${other('other_text')}; ${other('other_rows')}`);
    const names = ['id', 'c_float', 'c_double', 'c_dt', 'c_ts', 'c_dec', 'c_bool', 'c_json', 'c_year', 'c_vc', 'c_time', 'c_date'];
    const part = await source.readRangeText!(info.ref, names, ['id'], {}, { where: 'id <> 1' });
    assert.equal(await target.transaction((w) => w.writeText!({ name: 'other_text' }, names, ['id'], part, 'insert')), true);
    await target.transaction((w) => w.write({ name: 'other_rows' }, names, ['id'], decodeTextRows(part), 'insert'));
    const a = await target.readRange({ name: 'other_text' }, names, ['id'], {});
    assert.equal(a.length, part.count);
    assert.deepEqual(a, await target.readRange({ name: 'other_rows' }, names, ['id'], {}));
  });

  test('ZEROFILL integers and DECIMALs: the same as write into number and text columns', async () => {
    await my.exec(`CREATE TABLE zero (id INT PRIMARY KEY, i INT(5) ZEROFILL, d DECIMAL(6,2) ZEROFILL, u BIGINT UNSIGNED);
      INSERT INTO zero SELECT seq, seq, seq / 4, 18446744073709551615 - seq FROM seq_1_to_60`);
    await pg.exec(`CREATE TABLE zero_text (id int PRIMARY KEY, i text, d text, u numeric(20,0), i2 numeric, d2 double precision);
      CREATE TABLE zero_rows (LIKE zero_text)`);
    const names = ['id', 'i', 'd', 'u', 'i2', 'd2'];
    const zero = await source.readRangeText!({ name: 'zero' }, ['id', 'i', 'd', 'u', 'i', 'd'], ['id'], {});
    assert.equal(zero.count, 60);
    assert.equal(await target.transaction((w) => w.writeText!({ name: 'zero_text' }, names, ['id'], zero, 'insert')), true);
    await target.transaction((w) => w.write({ name: 'zero_rows' }, names, ['id'], decodeTextRows(zero), 'insert'));
    const a = await target.readRange({ name: 'zero_text' }, names, ['id'], {});
    assert.deepEqual(a, await target.readRange({ name: 'zero_rows' }, names, ['id'], {}));
    assert.deepEqual(a[41], [42, '42', '0010.50', '18446744073709551573', '42', 10.5]);
  });

  test('declines what COPY of their text cannot do: few rows, bytes into text, a repeated key', async () => {
    await pg.exec('CREATE TABLE declined (id int, c_vc text, c_blob text, c_float real)');
    const few = await source.readRangeText!(info.ref, ['id', 'c_vc'], ['id'], {}, { limit: 10 });
    const bytes = await source.readRangeText!(info.ref, ['id', 'c_blob'], ['id'], {});
    const repeated = await source.readRangeText!(info.ref, ['c_tiny', 'c_vc'], ['id'], {});
    const floatKey = await source.readRangeText!(info.ref, ['c_float', 'c_vc'], ['id'], {});
    await target.transaction(async (w) => {
      assert.equal(await w.writeText!({ name: 'declined' }, ['id', 'c_vc'], ['id'], few, 'insert'), false);
      assert.equal(await w.writeText!({ name: 'declined' }, ['id', 'c_blob'], ['id'], bytes, 'insert'), false);
      assert.equal(await w.writeText!({ name: 'declined' }, ['id', 'c_vc'], ['id'], repeated, 'upsert'), false);
      assert.equal(await w.writeText!({ name: 'declined' }, ['c_float', 'c_vc'], ['c_float'], floatKey, 'upsert'), false);
      assert.equal(await w.writeText!({ name: 'declined' }, ['id', 'c_vc'], ['id'], repeated, 'insert'), true);
    });
  });

  test('a value the column rejects fails the write as a data error and leaves the transaction usable', async () => {
    await pg.exec('CREATE TABLE narrow (id int PRIMARY KEY, c_vc varchar(5))');
    const rows = await source.readRangeText!(info.ref, ['id', 'c_vc'], ['id'], {});
    await target.transaction(async (w) => {
      await assert.rejects(w.writeText!({ name: 'narrow' }, ['id', 'c_vc'], ['id'], rows, 'upsert'), (err) => isDataError(err));
      await w.write({ name: 'narrow' }, ['id', 'c_vc'], ['id'], [[1, 'ok']], 'insert');
    });
    assert.deepEqual(await target.readRange({ name: 'narrow' }, ['id', 'c_vc'], ['id'], {}), [[1, 'ok']]);
  });
});
