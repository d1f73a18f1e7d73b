import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SluiceError } from '../../core/errors.ts';
import { isDataError } from '../sql/data-errors.ts';
import type { SqlEngine, SqlRow, TableRef, TableWriter, WriteMode } from '../sql/sql-engine.ts';
import { createTestDatabase, type TestDatabase } from '../sql/test-databases.ts';
import { writeRows, type RejectedRow } from '../../sync/write-rows.ts';
import { COPY_MIN_ROWS, openPostgresEngine } from './sql-engine.ts';

/** Enough rows for a write to go through COPY: `rows` first, then filler rows from `fill(i)`. */
function copyRows(rows: readonly SqlRow[], fill: (i: number) => SqlRow): SqlRow[] {
  const out = [...rows];
  for (let i = 0; out.length < COPY_MIN_ROWS; i++) out.push(fill(i));
  return out;
}

/** Expects a data error from the write and returns the SQLSTATE it carries. */
async function dataError(write: () => Promise<unknown>): Promise<string> {
  try {
    await write();
  } catch (err) {
    assert.ok(err instanceof SluiceError, String(err));
    assert.ok(isDataError(err), err.message);
    assert.equal(err.code, 'SLUICE_7002');
    return String(err.details.code);
  }
  assert.fail('the write was accepted');
}

describe('postgres writes through COPY', () => {
  let db: TestDatabase;
  let engine: SqlEngine;
  const vals = { name: 'vals' };
  const cols = ['id', 't', 'vc', 'ch', 'b', 'bt', 'big', 'num', 'f8', 'f4', 'by', 'js', 'jn', 'ts', 'tz', 'd', 'tm', 'u', 'arr'];
  const short = { name: 'short' };
  const kv = { name: 'kv' };
  const all = (t: TableRef, c: readonly string[], after?: number) => engine.readRange(t, c, ['id'], after === undefined ? {} : { after: [after] });
  const write = (t: TableRef, c: readonly string[], rows: readonly SqlRow[], mode: WriteMode, w?: TableWriter) =>
    w ? w.write(t, c, ['id'], rows, mode) : engine.transaction((x) => x.write(t, c, ['id'], rows, mode));

  before(async () => {
    db = await createTestDatabase('postgres');
    engine = await openPostgresEngine(db.config);
    await db.exec(`CREATE TABLE vals (id bigint PRIMARY KEY, t text, vc varchar(20), ch char(4), b boolean, bt text, big bigint, num numeric,
        f8 float8, f4 real, "by" bytea, js jsonb, jn json, ts timestamp(6), tz timestamptz(6), d date, tm time, u uuid, arr text[]);
      CREATE TABLE short (id int PRIMARY KEY, s varchar(5), n int NOT NULL);
      CREATE TABLE kv (id int PRIMARY KEY, v text, n int, made text NOT NULL DEFAULT 'default');
      CREATE VIEW kv_view AS SELECT id, v, n FROM kv;
      CREATE TABLE ids (id int PRIMARY KEY, u uuid);
      CREATE TABLE loose (id int, v text);
      CREATE TABLE deferred (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED, v text);
      CREATE TABLE ruled (id int PRIMARY KEY, v text);
      CREATE TABLE ruled_log (id int);
      CREATE RULE log_insert AS ON INSERT TO ruled DO ALSO INSERT INTO ruled_log VALUES (NEW.id)`);
  });
  after(async () => {
    await engine?.close();
    await db?.drop();
  });

  test('every value reads back as the same value written by a multi-row INSERT', async () => {
    const tricky: SqlRow[] = [
      ['tab\there', 'nl\nand\rcr', 'ab', true, true, '9223372036854775807', '123456789012345678901234567890.123', Number.NaN, 3.5,
        Buffer.from([0, 0x5c, 0x0a, 0x09, 0xff]), '{"a": "x\\ny\\\\z", "b": "\\t", "c": null}', '{"k" : [1,2] }',
        '2024-02-29 12:00:00.5Z', '2024-02-29 23:30:00+05:30', '2024-02-29', '23:59:59.999999', '00000000-0000-0000-0000-00000000000a', '{a,"b\\"c",NULL}'],
      ['back\\slash \\N \\. end', '', 'abcd', false, false, -42, '-0.000001', Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
        new Uint8Array(0), '[]', '"text"', '0001-01-01 00:00:00', '1970-01-01 00:00:00Z', '9999-12-31', '00:00:00', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', '{}'],
      ['ünïcödé 😀 \u0001\u001f\u007f', '\\N', ' ', null, null, 9007199254740993, '1e3', 1e21, 1.401298464324817e-45,
        Buffer.from('\\x41', 'latin1'), '{"emoji": "😀", "esc": "\\u00e9\\"\\\\"}', '1.50', '2024-06-01 12:34:56.123456', '2024-06-01 12:34:56.123456Z', '2000-01-01', '12:00', null, null],
      [null, null, null, null, null, null, null, 5e-324, null, null, null, null, null, null, null, null, null, null],
    ];
    const byInsert = tricky.map((r, i) => [i + 1, ...r]);
    const byCopy = copyRows(tricky.map((r, i) => [101 + i, ...r]), (i) => [201 + i, ...tricky[0]!]);
    for (const row of byInsert) await write(vals, cols, [row], 'insert');
    await write(vals, cols, byCopy, 'insert');
    const inserted = (await all(vals, cols)).slice(0, tricky.length).map((r) => r.slice(1));
    const copied = (await all(vals, cols, 100)).slice(0, tricky.length).map((r) => r.slice(1));
    assert.deepEqual(copied, inserted);
    assert.equal(copied[1]![0], 'back\\slash \\N \\. end');
    assert.equal(copied[2]![1], '\\N');
    assert.equal(copied[3]![0], null);
    assert.equal(copied[0]![4], 'true'); // a boolean into a text column, as a pg parameter writes it
    assert.deepEqual(copied[0]![9], Buffer.from([0, 0x5c, 0x0a, 0x09, 0xff]));
    assert.equal(copied[1]![17], '{}');
  });

  test('-0 stays -0 in a float column', async () => {
    await write(vals, ['id', 'f8'], copyRows([[1000, -0]], (i) => [1001 + i, 0]), 'insert');
    const [[f8]] = await engine.readRange(vals, ['f8'], ['id'], { after: [999], upTo: [1000] }) as [[number]];
    assert.ok(Object.is(f8, -0));
  });

  test('upsert: existing keys updated, new ones added, the last row of a key wins; columns left out keep their default', async () => {
    await write(kv, ['id', 'v', 'n'], copyRows([], (i) => [i, 'old', i]), 'insert');
    const rows = copyRows([[0, 'first', 0], [0, 'last', 100], [1000, 'new', 1]], (i) => [i + 1, 'new', i]);
    await write(kv, ['id', 'v', 'n'], rows, 'upsert');
    const got = await all(kv, ['id', 'v', 'n', 'made']);
    assert.deepEqual(got[0], [0, 'last', 100, 'default']);
    assert.deepEqual(got[1], [1, 'new', 0, 'default']);
    assert.deepEqual(got.at(-1), [1000, 'new', 1, 'default']);
    assert.equal(got.length, COPY_MIN_ROWS + 1);
  });

  test('insert-ignore keeps existing rows and the first of a key; replace swaps whole rows', async () => {
    await engine.truncate(kv);
    await write(kv, ['id', 'v', 'n', 'made'], copyRows([], (i) => [i, 'old', i, 'old']), 'insert');
    await write(kv, ['id', 'v'], copyRows([[500, 'first'], [500, 'second'], [0, 'ignored']], (i) => [i + 1, 'ignored']), 'insert-ignore');
    let got = await all(kv, ['id', 'v', 'n', 'made']);
    assert.deepEqual(got[0], [0, 'old', 0, 'old']);
    assert.deepEqual(got.at(-1), [500, 'first', null, 'default']);
    await write(kv, ['id', 'v'], copyRows([[0, 'a'], [0, 'b'], [600, 'c']], (i) => [i + 1, 'r']), 'replace');
    got = await all(kv, ['id', 'v', 'n', 'made']);
    assert.deepEqual(got[0], [0, 'b', null, 'default']);
    assert.deepEqual(got[1], [1, 'r', null, 'default']);
    assert.deepEqual(got.at(-2), [500, 'first', null, 'default']);
    assert.deepEqual(got.at(-1), [600, 'c', null, 'default']);
    await assert.rejects(write(kv, ['v'], copyRows([], (i) => [String(i)]), 'replace'), /needs the key columns/);
  });

  test('a view takes inserts through the staging table', async () => {
    await engine.truncate(kv);
    await engine.transaction(async (w) => {
      await w.write({ name: 'kv_view' }, ['id', 'v', 'n'], ['id'], copyRows([], (i) => [i, 'v', i]), 'insert');
      await w.write({ name: 'kv_view' }, ['id', 'v', 'n'], ['id'], copyRows([], (i) => [100 + i, 'v', i]), 'insert');
    });
    assert.equal((await all(kv, ['id'])).length, 2 * COPY_MIN_ROWS);
  });

  test('bytes into a uuid column (BINARY(16) keys) are sent in binary as before', async () => {
    const u = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    await engine.transaction((w) => w.write({ name: 'ids' }, ['id', 'u'], ['id'], copyRows([], (i) => [i, u]), 'upsert'));
    assert.deepEqual((await engine.readRange({ name: 'ids' }, ['u'], ['id'], {}, { limit: 1 }))[0], ['00010203-0405-0607-0809-0a0b0c0d0e0f']);
  });

  test('bad rows are data errors with their SQLSTATE; nothing of the call is applied and the transaction goes on', async () => {
    const good = (base: number) => copyRows([], (i) => [base + i, 'ok', i]);
    const tooLong = (base: number) => copyRows([[base, 'too long', 1]], (i) => [base + 1 + i, 'ok', i]);
    const noN = (base: number) => copyRows([], (i) => [base + i, 'ok', i === 7 ? null : i]);
    await engine.transaction(async (w) => {
      // The first call of the transaction fails after creating its staging table: the next one makes it again.
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], tooLong(0), 'upsert', w)), '22001');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], tooLong(0), 'insert', w)), '22001');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], noN(0), 'insert', w)), '23502');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], noN(0), 'upsert', w)), '23502');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], noN(0), 'replace', w)), '23502');
      await write(short, ['id', 's', 'n'], good(0), 'upsert', w);
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], good(0), 'insert', w)), '23505');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], tooLong(1000), 'insert-ignore', w)), '22001');
      assert.equal(await dataError(() => write(short, ['id', 's', 'n'], [...good(2000), ...noN(3000)], 'insert-ignore', w)), '23502');
      await write(short, ['id', 's', 'n'], good(1000), 'upsert', w);
      await write(short, ['id', 'n'], good(2000).map((r) => [r[0]!, r[2]!]), 'upsert', w);
    });
    const rows = await all(short, ['id', 's', 'n']);
    assert.equal(rows.length, 3 * COPY_MIN_ROWS);
    assert.deepEqual(rows.map((r) => r[0]), [...good(0), ...good(1000), ...good(2000)].map((r) => r[0]));
    assert.ok(rows.every((r) => r[1] === (Number(r[0]) >= 2000 ? null : 'ok')));
  });

  test('a COPY the server refuses while megabytes of it are still queued fails cleanly, and the engine goes on', async () => {
    const big = { name: 'big' };
    await db.exec('CREATE TABLE big (id int PRIMARY KEY, v text)');
    await write(big, ['id', 'v'], [[1, 'exists']], 'upsert');
    // 40 MB of rows whose first key exists: the server stops the COPY at once, long before it has them all.
    const rows = Array.from({ length: 20_000 }, (_, i): SqlRow => [i + 1, 'x'.repeat(2000)]);
    assert.equal(await dataError(() => write(big, ['id', 'v'], rows, 'insert')), '23505');
    await new Promise((resolve) => setTimeout(resolve, 200));
    await write(big, ['id', 'v'], [[2, 'after']], 'upsert');
    assert.deepEqual(await all(big, ['id', 'v']), [[1, 'exists'], [2, 'after']]);
  });

  test('a failed transaction leaves nothing, its staging tables go with it', async () => {
    await engine.truncate(short);
    await assert.rejects(engine.transaction(async (w) => {
      await write(short, ['id', 's', 'n'], copyRows([], (i) => [i, 'x', i]), 'upsert', w);
      throw new Error('abort');
    }), /abort/);
    await engine.transaction((w) => write(short, ['id', 's', 'n'], copyRows([], (i) => [i, 'y', i]), 'upsert', w));
    assert.ok((await all(short, ['s'])).every((r) => r[0] === 'y'));
  });

  test('without a unique index on the key: upsert fails as ON CONFLICT does, replace still deletes the old rows', async () => {
    const loose = { name: 'loose' };
    await write(loose, ['id', 'v'], copyRows([], (i) => [i, 'old']), 'insert');
    await assert.rejects(write(loose, ['id', 'v'], copyRows([], (i) => [1000 + i, 'new']), 'upsert'), (err: SluiceError) =>
      !isDataError(err) && err.details.code === '42P10');
    await write(loose, ['id', 'v'], copyRows([], (i) => [i, 'new']), 'replace');
    const rows = await engine.readRange(loose, ['id', 'v'], ['id'], {});
    assert.equal(rows.length, COPY_MIN_ROWS);
    assert.ok(rows.every((r) => r[1] === 'new'));
  });

  test('a deferrable key cannot arbitrate ON CONFLICT: upsert fails as before, nothing is applied', async () => {
    await assert.rejects(write({ name: 'deferred' }, ['id', 'v'], copyRows([], (i) => [i, 'v']), 'upsert'), (err: SluiceError) => !isDataError(err));
    assert.deepEqual(await engine.readRange({ name: 'deferred' }, ['id'], ['id'], {}), []);
  });

  test('a table with rules is written with INSERT, so its rules apply', async () => {
    await write({ name: 'ruled' }, ['id', 'v'], copyRows([], (i) => [i, 'v']), 'insert');
    await write({ name: 'ruled' }, ['id', 'v'], copyRows([], (i) => [100 + i, 'v']), 'replace');
    const log = await engine.readRange({ name: 'ruled_log' }, ['id'], ['id'], {});
    assert.equal(log.length, 2 * COPY_MIN_ROWS);
  });

  test('upserts that keep meeting existing rows, then new ones again', async () => {
    await engine.truncate(kv);
    await write(kv, ['id', 'v'], copyRows([], (i) => [i, 'v0']), 'upsert');
    for (let round = 1; round <= 12; round++) {
      await engine.transaction(async (w) => {
        await w.write(kv, ['id', 'v'], ['id'], copyRows([], (i) => [i, `v${round}`]), 'upsert');
        await w.write(kv, ['id', 'v'], ['id'], copyRows([], (i) => [round * 1000 + i, `v${round}`]), 'upsert');
      });
    }
    const rows = await all(kv, ['id', 'v']);
    assert.equal(rows.length, 13 * COPY_MIN_ROWS);
    assert.ok(rows.slice(0, COPY_MIN_ROWS).every((r) => r[1] === 'v12'));
    assert.deepEqual(rows.at(-1), [12_000 + COPY_MIN_ROWS - 1, 'v12']);
  });

  test('sync bisection over COPY writes: the rejected rows are isolated, the others written', async () => {
    await engine.truncate(short);
    const rows: SqlRow[] = Array.from({ length: 40 * COPY_MIN_ROWS }, (_, i) => [i, i % 397 === 5 ? 'too long' : 'ok', i === 1234 ? null : i]);
    const rejected: RejectedRow[] = [];
    const written = await engine.transaction((w) =>
      writeRows(w, { table: short, columns: ['id', 's', 'n'], key: ['id'], mode: 'upsert', writeBatch: 500 }, rows, rejected));
    const bad = rows.filter((r) => r[1] !== 'ok' || r[2] === null).map((r) => r[0]);
    assert.deepEqual(rejected.map((r) => r.row[0]), bad);
    assert.match(rejected[0]!.reason, /too long|varying\(5\)/);
    assert.match(rejected.find((r) => r.row[0] === 1234)!.reason, /null value/);
    assert.equal(written, rows.length - bad.length);
    assert.deepEqual((await all(short, ['id'])).map((r) => r[0]), rows.map((r) => r[0]).filter((id) => !bad.includes(id)));
  });
});
