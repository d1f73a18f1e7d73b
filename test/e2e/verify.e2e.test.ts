import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { scratchDir, scratchMariaDb, scratchPostgres, type ScratchMariaDb, type ScratchPostgres } from '../services/scratch-databases.ts';
import { runCli } from './sync-harness.ts';

/** `sluice verify` finds a seeded set of differences exactly, and nothing on equal data. */
let maria: ScratchMariaDb;
let copy: ScratchMariaDb;
let pgdb: ScratchPostgres;
let dir: { dir: string; drop(): Promise<void> };
let config: string;
const ROWS = 3_000;

before(async () => {
  [maria, copy, pgdb, dir] = await Promise.all([scratchMariaDb(), scratchMariaDb(), scratchPostgres(), scratchDir('sluice-verify-')]);
  await maria.conn.query(`CREATE TABLE acct (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note VARCHAR(40) NULL, amount DECIMAL(10,3) NOT NULL,
    price DECIMAL(10,2) NOT NULL, ratio DOUBLE NOT NULL, seen DATETIME(6) NOT NULL, stamp TIMESTAMP(6) NULL, doc JSON NULL)`);
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const id = i + 1;
    return [id, id === 60 ? 'café' : `name ${id}`, id % 7 === 0 ? null : id === 30 ? '' : `note ${id}`, id === 40 ? '12.345' : `${id}.${id % 1000}`,
      `${id % 100}.50`, id / 3, `2024-01-02 03:04:${String(id % 60).padStart(2, '0')}.${String(id).padStart(6, '0')}`, '2024-05-06 07:08:09.123456',
      `{"id": ${id}, "big": 12345678901234567890, "tags": ["a", "b"]}`];
  });
  await maria.conn.query('INSERT INTO acct VALUES ?', [rows]);
  config = join(dir.dir, 'verify.yaml');
  await writeFile(config, stringify({
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' },
    connections: { src: maria.config, pg: pgdb.config, copy: copy.config },
    sync: [
      { name: 'to-pg', from: { connection: 'src', tables: ['acct'] }, to: { connection: 'pg' } },
      { name: 'to-copy', from: { connection: 'src', tables: ['acct'] }, to: { connection: 'copy' } },
    ],
    verify: [
      { name: 'pg', source: { connection: 'src', table: 'acct' }, targets: [{ connection: 'pg', table: 'acct' }], chunkRows: 500 },
      { name: 'both', source: { connection: 'src', table: 'acct' }, targets: [{ connection: 'copy', table: 'acct' }, { connection: 'pg', table: 'acct' }] },
      { name: 'throttled', source: { connection: 'src', table: 'acct' }, targets: [{ connection: 'pg', table: 'acct' }], chunkRows: 500, throttle: { rowsPerSecond: 1500 } },
      { name: 'resumable', source: { connection: 'src', table: 'acct' }, targets: [{ connection: 'pg', table: 'acct' }], pushdown: false, chunkRows: 100, throttle: { rowsPerSecond: 800 } },
    ],
  }));
  const synced = await runCli(['sync', '-c', config]);
  assert.equal(synced.code, 0, synced.stderr);
});
after(async () => {
  await Promise.all([maria?.drop(), copy?.drop(), pgdb?.drop(), dir?.drop()]);
});

test('equal data verifies equal across engines (exit 0), with no false positives', async () => {
  // A wider scale on the target holds the same numbers: '1.50' = '1.5000'.
  await pgdb.client.query('ALTER TABLE acct ALTER COLUMN price TYPE numeric(12,4)');
  const run = await runCli(['verify', '-c', config]);
  assert.equal(run.code, 0, run.stderr);
  const [pg, both] = run.report;
  assert.equal(pg.status, 'equal');
  assert.equal(pg.rowsInSource, ROWS);
  assert.equal(pg.chunks, 6);
  assert.deepEqual(both.targets.map((t: { missing: number; extra: number; differing: number }) => t.missing + t.extra + t.differing), [0, 0]);
});

test('missing, extra, changed, NULL vs empty, DECIMAL scale, time zone and Unicode form are each found, and nothing else (exit 1)', async () => {
  await pgdb.client.query(`
    DELETE FROM acct WHERE id = 10;
    INSERT INTO acct (id, name, amount, price, ratio, seen) VALUES (5000, 'only here', 1, 1, 1, '2024-01-01');
    UPDATE acct SET name = 'changed' WHERE id = 20;
    UPDATE acct SET note = NULL WHERE id = 30;
    UPDATE acct SET amount = round(amount, 2) WHERE id = 40;
    UPDATE acct SET stamp = stamp + interval '8 hours' WHERE id = 50;
    UPDATE acct SET name = '${'cafe\u0301'}' WHERE id = 60;`);
  const run = await runCli(['verify', '-c', config, '-t', 'pg', '--report', join(dir.dir, 'report.json')]);
  assert.equal(run.code, 1, run.stderr);
  const target = run.report.targets[0];
  assert.equal(run.report.status, 'different');
  assert.deepEqual([target.missing, target.extra, target.differing], [1, 1, 5]);
  const found = target.differences.map((d: { kind: string; key: { id: number }; columns?: { column: string }[] }) => `${d.kind} ${d.key.id} ${(d.columns ?? []).map((c) => c.column).join(',')}`).sort();
  assert.deepEqual(found, ['differs 20 name', 'differs 30 note', 'differs 40 amount', 'differs 50 stamp', 'differs 60 name', 'extra 5000 ', 'missing 10 '].sort());
  const stamp = target.differences.find((d: { key: { id: number } }) => d.key.id === 50).columns[0];
  assert.deepEqual([stamp.source, stamp.target], ['2024-05-06 07:08:09.123456', '2024-05-06 15:08:09.123456']);
  assert.match(run.stderr, /verify pg: DIFFERENT/);
  assert.match(run.stderr, /missing +\{"id":10\}/);
});

test('a missing target table is an error (exit 2) that names it', async () => {
  const bad = join(dir.dir, 'bad.yaml');
  await writeFile(bad, stringify({
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' }, connections: { src: maria.config, pg: pgdb.config },
    verify: [{ name: 'nope', source: { connection: 'src', table: 'acct' }, targets: [{ connection: 'pg', table: 'no_such_table' }] }],
  }));
  const run = await runCli(['verify', '-c', bad]);
  assert.equal(run.code, 2);
  assert.equal(run.report.status, 'error');
  assert.match(run.report.error.message, /no_such_table does not exist/);
});

test('same engine: digests computed in the databases narrow to the ranges that differ and find the same differences', async () => {
  await copy.conn.query(`DELETE FROM acct WHERE id = 11; INSERT INTO acct (id, name, amount, price, ratio, seen) VALUES (6000, 'only here', 1, 1, 1, '2024-01-01');
    UPDATE acct SET name = 'name 21|x' WHERE id = 21; UPDATE acct SET note = NULL WHERE id = 30; UPDATE acct SET amount = 12.35 WHERE id = 40;
    UPDATE acct SET name = 'café' WHERE id = 2999`);
  const run = await runCli(['verify', '-c', config, '-t', 'both']);
  assert.equal(run.code, 1, run.stderr);
  const target = run.report.targets[0];
  assert.equal(target.table, 'acct');
  const found = target.differences.map((d: { kind: string; key: { id: number }; columns?: { column: string }[] }) => `${d.kind} ${d.key.id} ${(d.columns ?? []).map((c) => c.column).join(',')}`).sort();
  assert.deepEqual(found, ['differs 21 name', 'differs 2999 name', 'differs 30 note', 'differs 40 amount', 'extra 6000 ', 'missing 11 '].sort());
  assert.equal(target.rowsCompared, ROWS);
  assert.equal(run.report.rowsInSource, ROWS);
});

test('--repair makes every target equal (upserts missing and different rows, deletes extra ones) and verifies again (exit 0)', async () => {
  const run = await runCli(['verify', '-c', config, '-t', 'both', '--repair']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report.before.status, 'different');
  assert.equal(run.report.status, 'equal');
  // MariaDB copy: 1 missing + 4 differing upserted, 1 extra deleted; PostgreSQL: 1 missing + 5 differing, 1 extra.
  assert.deepEqual(run.report.repaired.map((r: { upserted: number; deleted: number }) => [r.upserted, r.deleted]), [[5, 1], [6, 1]]);
  assert.match(run.stderr, /repaired: acct 5 upserted, 1 deleted; acct 6 upserted, 1 deleted; verifying again/);
  const again = await runCli(['verify', '-c', config]);
  assert.equal(again.code, 0, again.stderr);
});

test('a cupid-go JSON config runs as it is; -s starts at an id', async () => {
  const cupid = join(dir.dir, 'cupid.json');
  const dsn = (db: string) => `root:@tcp(127.0.0.1:3306)/${db}?charset=utf8`;
  await writeFile(cupid, JSON.stringify({
    workerNumber: 3, logDir: '/tmp', failureJobRetrySecond: 10,
    src: { dsn: dsn(maria.database), table: 'acct', byColumn: 'id', insert: true, insertIntervalMillisecond: 2000 },
    des: [{ dsn: dsn(copy.database), table: 'acct', columns: { id: 'id', name: 'name', note: 'note' }, byColumn: 'id', callbackNotification: { url: '127.0.0.1:20000/cb' } }],
  }));
  await copy.conn.query(`UPDATE acct SET name = 'x' WHERE id IN (5, 2000); UPDATE acct SET price = 0 WHERE id = 6`);
  const all = await runCli(['verify', '--cupid-config', cupid]);
  assert.equal(all.code, 1, all.stderr);
  const ids = (r: typeof all) => r.report.targets[0].differences.map((d: { key: { id: number } }) => d.key.id);
  assert.deepEqual(ids(all), [5, 2000], 'price is not in cupid\'s column map, so id 6 is not compared');
  const fromId = await runCli(['verify', '--cupid-config', cupid, '-s', '1000']);
  assert.equal(fromId.code, 1, fromId.stderr);
  assert.deepEqual(ids(fromId), [2000]);
  assert.equal(fromId.report.rowsInSource, ROWS - 999);
});

test('throttle: at most rowsPerSecond source rows are compared per second', async () => {
  const run = await runCli(['verify', '-c', config, '-t', 'throttled']);
  assert.equal(run.code, 0, run.stderr);
  // 3,000 rows at 1,500 rows/s: the first 1,500 pass at once (the bucket), the rest take about a second.
  assert.ok(run.report.seconds >= 0.8, `took ${run.report.seconds} s`);
  assert.equal(run.report.rowsInSource, ROWS);
});

test('kill -9 in the middle: the next run goes on from the last finished range and reports exactly what one whole run reports', { timeout: 60_000 }, async () => {
  await pgdb.client.query(`UPDATE acct SET name = 'resumed' WHERE id IN (150, 2800); DELETE FROM acct WHERE id = 2900`);
  const ledger = async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(join(dir.dir, 'data', 'sluice.db'), { readOnly: true });
    try {
      const row = db.prepare(`SELECT state_json, finished_at FROM sluice_verify_runs WHERE task = 'resumable'`).get() as { state_json: string; finished_at: number | null } | undefined;
      return row ? { ...(JSON.parse(row.state_json) as { rowsInSource?: number }), finished: row.finished_at !== null } : undefined;
    } finally {
      db.close();
    }
  };
  let rowsBeforeKill = 0;
  const killed = await runCli(['verify', '-c', config, '-t', 'resumable'], {}, (child) => {
    const poll = setInterval(() => {
      ledger().then((state) => {
        if (state && !state.finished && (state.rowsInSource ?? 0) >= 600) {
          clearInterval(poll);
          rowsBeforeKill = state!.rowsInSource!;
          child.kill('SIGKILL');
        }
      }).catch(() => undefined);
    }, 50);
    child.on('exit', () => clearInterval(poll));
  });
  assert.equal(killed.code, null, `killed by SIGKILL (${killed.stderr})`);
  assert.ok(rowsBeforeKill >= 600 && rowsBeforeKill < ROWS, `killed after ${rowsBeforeKill} rows`);

  const resumed = await runCli(['verify', '-c', config, '-t', 'resumable']);
  assert.equal(resumed.code, 1, resumed.stderr);
  assert.equal(resumed.report.resumed, true);
  const whole = await runCli(['verify', '-c', config, '-t', 'resumable', '--restart']);
  assert.equal(whole.code, 1, whole.stderr);
  assert.equal(whole.report.resumed, undefined);
  for (const run of [resumed, whole]) {
    const target = run.report.targets[0];
    assert.equal(run.report.rowsInSource, ROWS);
    assert.equal(target.rowsCompared, ROWS);
    assert.deepEqual([target.missing, target.extra, target.differing], [1, 0, 2]);
    assert.deepEqual(target.differences.map((d: { kind: string; key: { id: number } }) => `${d.kind} ${d.key.id}`).sort(), ['differs 150', 'differs 2800', 'missing 2900']);
  }
  assert.equal((await ledger())?.finished, true, 'a finished run is marked so the next one starts over');
});
