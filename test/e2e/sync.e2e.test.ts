import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SqlConnectionConfig } from '../../src/connectors/sql/connection-spec.ts';
import { sqlConnectionSchema } from '../../src/connectors/sql/connection-spec.ts';
import { openEngine } from '../../src/connectors/sql/open-engine.ts';
import type { SqlEngine } from '../../src/connectors/sql/sql-engine.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { MetadataStore } from '../../src/store/metadata-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runSyncTask } from '../../src/sync/run-sync-task.ts';
import { syncTaskSchema } from '../../src/sync/spec.ts';
import type { SyncReport } from '../../src/sync/sync-report.ts';
import { scratchDir, scratchMariaDb, scratchPostgres, type ScratchMariaDb, type ScratchPostgres } from '../services/scratch-databases.ts';
import { startMariaDb } from '../services/mariadb.ts';
import { seedItems, tableRows } from './sync-harness.ts';

/** `sluice sync` in-process against real MariaDB, PostgreSQL and SQLite. */
let maria: ScratchMariaDb;
let maria2: ScratchMariaDb;
let pgdb: ScratchPostgres;
let dir: { dir: string; drop(): Promise<void> };
let store: MetadataStore;
const engines: SqlEngine[] = [];
const ROWS = 2_500;
const key = ['region', 'id'];

before(async () => {
  [maria, maria2, pgdb, dir] = await Promise.all([scratchMariaDb(), scratchMariaDb(), scratchPostgres(), scratchDir('sluice-sync-')]);
  store = await openStore(`sqlite:${join(dir.dir, 'meta.db')}`);
  await seedItems(maria.conn, 'items', ROWS);
});
after(async () => {
  await Promise.all(engines.map((e) => e.close().catch(() => undefined)));
  await store?.close();
  await Promise.all([maria?.drop(), maria2?.drop(), pgdb?.drop(), dir?.drop()]);
});

async function engine(config: Record<string, unknown>): Promise<SqlEngine> {
  const e = await openEngine(sqlConnectionSchema.parse(config) as SqlConnectionConfig);
  engines.push(e);
  return e;
}

async function sync(task: Record<string, unknown>, source: SqlEngine, target: SqlEngine): Promise<SyncReport> {
  return runSyncTask(syncTaskSchema.parse({ from: { connection: 'a' }, to: { connection: 'b' }, ...task }), source, target, {
    store, logger: silentLogger, signal: new AbortController().signal,
  });
}

describe('sync between engines', () => {
  test('MariaDB → PostgreSQL → MariaDB, and MariaDB → SQLite: every common type, composite keys, NULLs, unicode', async () => {
    const m = await engine(maria.config);
    const p = await engine(pgdb.config);
    const m2 = await engine(maria2.config);
    const s = await engine({ type: 'sqlite', file: join(dir.dir, 'copy.db') });
    const expected = await tableRows(m, { name: 'items' }, key);
    assert.equal(expected.length, ROWS);

    const toPg = await sync({ name: 'm2p', from: { connection: 'a', tables: ['items'] }, workers: 3, readBatch: 400, writeBatch: 150 }, m, p);
    assert.equal(toPg.status, 'ok', JSON.stringify(toPg.tables[0]?.error));
    assert.equal(toPg.totals.rowsWritten, ROWS);
    assert.ok(toPg.totals.chunks >= 7, `chunks: ${toPg.totals.chunks}`);
    assert.deepEqual(await tableRows(p, { name: 'items' }, key), expected);

    const back = await sync({ name: 'p2m', from: { connection: 'a', tables: ['items'] }, to: { connection: 'b', table: 'items_back' } }, p, m2);
    assert.equal(back.status, 'ok', JSON.stringify(back.tables[0]?.error));
    assert.deepEqual(await tableRows(m2, { name: 'items_back' }, key), expected);

    const toSqlite = await sync({ name: 'm2s', from: { connection: 'a', tables: ['items'] }, workers: 2, readBatch: 1000 }, m, s);
    assert.equal(toSqlite.status, 'ok', JSON.stringify(toSqlite.tables[0]?.error));
    assert.deepEqual(await tableRows(s, { name: 'items' }, key), expected);
  });

  test('a re-run is idempotent: same rows, nothing duplicated or changed', async () => {
    const m = await engine(maria.config);
    const p = await engine(pgdb.config);
    const before = await tableRows(p, { name: 'items' }, key);
    const again = await sync({ name: 'm2p', from: { connection: 'a', tables: ['items'] }, workers: 3, readBatch: 400 }, m, p);
    assert.equal(again.status, 'ok');
    assert.equal(again.totals.rowsWritten, ROWS);
    assert.deepEqual(await tableRows(p, { name: 'items' }, key), before);
  });

  test('incremental: only changed rows are read; deletes are reconciled when asked', async () => {
    const m = await engine(maria.config);
    const p = await engine(pgdb.config);
    // Distinct change times, 10 s apart: id 1 is the newest (2023-12-31 23:59:50).
    await maria.conn.query(`CREATE TABLE inc LIKE items; INSERT INTO inc SELECT * FROM items;
      UPDATE inc SET updated_at = TIMESTAMPADD(SECOND, -10 * id, '2024-01-01 00:00:00')`);
    const task = { name: 'inc', from: { connection: 'a', tables: ['inc'] }, incremental: { column: 'updated_at', overlap: '1s', deletes: true }, readBatch: 300 };
    const first = await sync(task, m, p);
    assert.equal(first.status, 'ok', JSON.stringify(first.tables[0]?.error));
    assert.equal(first.totals.rowsRead, ROWS);

    await maria.conn.query(`UPDATE inc SET qty = -1, updated_at = '2024-05-01 10:00:00.000001' WHERE id IN (3, 4, 5, 6, 7);
      INSERT INTO inc (region, id, name, updated_at) VALUES ('north', 900001, 'new one', '2024-05-01 10:00:01'), ('south', 900002, 'new two', '2024-05-01 10:00:02'), ('東京', 900003, NULL, '2024-05-01 10:00:03');
      DELETE FROM inc WHERE id IN (11, 12)`);
    const second = await sync(task, m, p);
    assert.equal(second.status, 'ok', JSON.stringify(second.tables[0]?.error));
    assert.equal(second.totals.rowsRead, 9, 'the 5 updated and 3 inserted rows, and id 1 again (within the 1 s overlap of the cursor)');
    assert.equal(second.totals.deleted, 2);
    assert.deepEqual(await tableRows(p, { name: 'inc' }, key), await tableRows(m, { name: 'inc' }, key));

    const third = await sync(task, m, p);
    assert.equal(third.totals.rowsRead, 2, 'nothing changed: only the rows of the last second before the cursor (10:00:02 and 10:00:03) are read again');
    assert.equal(third.totals.deleted, 0);
  });

  test('rows the target rejects are kept with the reason; over maxErrors the task fails', async () => {
    const m = await engine(maria.config);
    const p = await engine(pgdb.config);
    await maria.conn.query(`CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL);
      INSERT INTO people VALUES (1, 'ann'), (2, 'a name that is far too long'), (3, 'bob'), (4, 'another long one'), (5, 'eve')`);
    await pgdb.client.query('CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(5) NOT NULL)');
    const tolerant = await sync({ name: 'people', from: { connection: 'a', tables: ['people'] }, maxErrors: 5, writeBatch: 10 }, m, p);
    assert.equal(tolerant.status, 'ok');
    assert.equal(tolerant.totals.rowsWritten, 3);
    assert.equal(tolerant.totals.rejected, 2);
    assert.deepEqual(tolerant.rejects.map((r) => r.key), [{ id: 2 }, { id: 4 }]);
    assert.match(tolerant.rejects[0]!.reason, /too long|varying\(5\)/i);
    const kept = await store.db.all<{ key_json: string; reason: string; row_json: string }>(`SELECT key_json, reason, row_json FROM sluice_sync_rejects WHERE task = 'people' ORDER BY id`);
    assert.deepEqual(kept.map((k) => JSON.parse(k.key_json) as unknown), [{ id: 2 }, { id: 4 }]);
    assert.equal(JSON.parse(kept[0]!.row_json).name, 'a name that is far too long');
    assert.deepEqual((await pgdb.client.query('SELECT id FROM people ORDER BY id')).rows.map((r) => r.id), [1, 3, 5]);

    const strict = await sync({ name: 'people-strict', from: { connection: 'a', tables: ['people'] }, maxErrors: 1 }, m, p);
    assert.equal(strict.status, 'failed');
    assert.equal(strict.tables[0]!.error?.code, 'SLUICE_7102');
  });

  test('MariaDB → PostgreSQL: a chunk binary COPY cannot write goes as text, and a column it cannot convert sends the table to text', async () => {
    const m = await engine(maria.config);
    const p = await engine(pgdb.config);
    await maria.conn.query(`CREATE TABLE dated (id INT PRIMARY KEY, d DATE, t TIME, name VARCHAR(20));
      INSERT INTO dated SELECT seq, DATE_ADD('2024-01-01', INTERVAL seq DAY), SEC_TO_TIME(seq * 61), CONCAT('n', seq) FROM seq_1_to_60;
      SET SESSION sql_mode = ''; UPDATE dated SET d = '0000-00-00' WHERE id = 25; SET SESSION sql_mode = DEFAULT`);
    // Without the TIME column: chunk 3 holds the zero date, which binary cannot convert and PostgreSQL rejects as text.
    const dates = await sync({ name: 'dated', from: { connection: 'a', tables: ['dated'] }, columns: { exclude: ['t'] }, readBatch: 10, maxErrors: 5 }, m, p);
    assert.equal(dates.status, 'ok', JSON.stringify(dates.tables[0]?.error));
    assert.deepEqual([dates.totals.rowsWritten, dates.totals.rejected], [59, 1]);
    assert.deepEqual(dates.rejects.map((r) => r.key), [{ id: 25 }]);
    const want = (await maria.conn.query("SELECT id, DATE_FORMAT(d, '%Y-%m-%d') AS d, name FROM dated WHERE id <> 25 ORDER BY id") as unknown as [unknown[]])[0];
    assert.deepEqual((await pgdb.client.query('SELECT id, d::text AS d, name FROM dated ORDER BY id')).rows, JSON.parse(JSON.stringify(want)));
    // With it (TIME has no binary plan): every chunk is copied, as text.
    await pgdb.client.query('DROP TABLE dated');
    await maria.conn.query('UPDATE dated SET d = NULL WHERE id = 25');
    const times = await sync({ name: 'timed', from: { connection: 'a', tables: ['dated'] }, readBatch: 10 }, m, p);
    assert.equal(times.status, 'ok', JSON.stringify(times.tables[0]?.error));
    assert.equal(times.totals.rowsWritten, 60);
    const all = (await maria.conn.query("SELECT id, CAST(t AS CHAR) AS t FROM dated ORDER BY id") as unknown as [unknown[]])[0];
    assert.deepEqual((await pgdb.client.query('SELECT id, t::text AS t FROM dated ORDER BY id')).rows, JSON.parse(JSON.stringify(all)));
  });

  test('MariaDB → PostgreSQL from a server that refuses prepared statements: the table is read as text', async () => {
    const server = await startMariaDb({ binlog: false, bufferPool: '32M', extraArgs: ['--max-prepared-stmt-count=0'] });
    try {
      const conn = await server.connect();
      await conn.query(`CREATE DATABASE shop; USE shop; CREATE TABLE shop.notes (id INT PRIMARY KEY, body VARCHAR(40), at DATETIME(3));
        INSERT INTO shop.notes SELECT seq, CONCAT('note ', seq), TIMESTAMPADD(SECOND, seq, '2024-01-01') FROM seq_1_to_120`);
      await conn.end();
      const m = await engine({ type: 'mysql', host: server.host, port: server.port, user: server.user, password: '', database: 'shop' });
      const p = await engine(pgdb.config);
      const report = await sync({ name: 'no-prepare', from: { connection: 'a', tables: ['notes'] }, readBatch: 50 }, m, p);
      assert.equal(report.status, 'ok', JSON.stringify(report.tables[0]?.error));
      assert.equal(report.totals.rowsWritten, 120);
      const { rows } = await pgdb.client.query("SELECT count(*)::int AS n, max(body) AS body, max(at)::text AS at FROM notes");
      assert.deepEqual(rows, [{ n: 120, body: 'note 99', at: '2024-01-01 00:02:00' }]);
    } finally {
      await server.stop();
    }
  });

  test('columns: exclude and rename, and a WHERE filter; an unknown column is named', async () => {
    const m = await engine(maria.config);
    const s = await engine({ type: 'sqlite', file: join(dir.dir, 'columns.db') });
    await maria.conn.query(`CREATE TABLE accounts (id INT PRIMARY KEY, email VARCHAR(50), secret VARCHAR(20), balance DECIMAL(10,2), status VARCHAR(10));
      INSERT INTO accounts VALUES (1, 'a@x', 'pw1', 10.50, 'active'), (2, 'b@x', 'pw2', 0.00, 'closed'), (3, 'c@x', 'pw3', 99.99, 'active')`);
    const report = await sync({
      name: 'cols', from: { connection: 'a', tables: ['accounts'] }, to: { connection: 'b', table: 'acct' },
      columns: { exclude: ['secret'], rename: { email: 'mail' } }, where: "status = 'active'",
    }, m, s);
    assert.equal(report.status, 'ok', JSON.stringify(report.tables[0]?.error));
    assert.deepEqual((await s.describe({ name: 'acct' }))!.columns.map((c) => c.name), ['id', 'mail', 'balance', 'status']);
    assert.deepEqual(await s.readRange({ name: 'acct' }, ['id', 'mail', 'balance', 'status'], ['id'], {}), [[1, 'a@x', '10.50', 'active'], [3, 'c@x', '99.99', 'active']]);

    const bad = await sync({ name: 'cols-bad', from: { connection: 'a', tables: ['accounts'] }, to: { connection: 'b', table: 'acct2' }, columns: { include: ['email', 'nope'] } }, m, s);
    assert.equal(bad.status, 'failed');
    assert.equal(bad.tables[0]!.error?.code, 'SLUICE_7101');
    assert.match(bad.tables[0]!.error!.message, /columns\.include: "nope" not a column of accounts/);
  });

  test('several tables by pattern, each with its own ledger', async () => {
    const m = await engine(maria.config);
    const s = await engine({ type: 'sqlite', file: join(dir.dir, 'multi.db') });
    await maria.conn.query(`CREATE TABLE t_a (id INT PRIMARY KEY, v TEXT); CREATE TABLE t_b (k VARCHAR(10) PRIMARY KEY, n DECIMAL(10,2));
      CREATE TABLE other (id INT PRIMARY KEY);
      INSERT INTO t_a VALUES (1, 'one'), (2, 'two'); INSERT INTO t_b VALUES ('x', 1.50), ('y', NULL); INSERT INTO other VALUES (1)`);
    const report = await sync({ name: 'multi', from: { connection: 'a', tables: ['t_*'] } }, m, s);
    assert.equal(report.status, 'ok');
    assert.deepEqual(report.tables.map((t) => [t.table, t.rowsWritten]), [['t_a', 2], ['t_b', 2]]);
    assert.equal(await s.describe({ name: 'other' }), undefined);
    const ledgers = await store.db.all<{ tbl: string; status: string }>(`SELECT tbl, status FROM sluice_sync_tables WHERE task = 'multi' ORDER BY tbl`);
    assert.deepEqual(ledgers.map((l) => ({ ...l })), [{ tbl: 't_a', status: 'done' }, { tbl: 't_b', status: 'done' }]);
    assert.deepEqual(await tableRows(s, { name: 't_b' }, ['k']), await tableRows(m, { name: 't_b' }, ['k']));
  });
});
