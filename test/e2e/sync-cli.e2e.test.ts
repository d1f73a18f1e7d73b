import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { scratchDir, scratchMariaDb, scratchPostgres, MARIADB, type ScratchMariaDb, type ScratchPostgres } from '../services/scratch-databases.ts';
import { runCli, runSync } from './sync-harness.ts';

/** `sluice sync` as a process: kill -9 and resume, SIGTERM, the goshift task row, exit codes. */
let maria: ScratchMariaDb;
let pgdb: ScratchPostgres;
let dir: { dir: string; drop(): Promise<void> };
const ROWS = 60_000;

before(async () => {
  [maria, pgdb, dir] = await Promise.all([scratchMariaDb(), scratchPostgres(), scratchDir('sluice-sync-cli-')]);
  await maria.conn.query(`CREATE TABLE big (id INT PRIMARY KEY, grp VARCHAR(10) NOT NULL, amount DECIMAL(14,2), note VARCHAR(60))`);
  for (let i = 0; i < ROWS; i += 5_000) {
    const values = Array.from({ length: 5_000 }, (_, j) => [i + j + 1, `g${(i + j) % 7}`, `${i + j}.${(i + j) % 100}`, `note ${i + j}`]);
    await maria.conn.query('INSERT INTO big VALUES ?', [values]);
  }
});
after(async () => {
  await Promise.all([maria?.drop(), pgdb?.drop(), dir?.drop()]);
});

async function configFile(name: string, task: Record<string, unknown>): Promise<string> {
  const file = join(dir.dir, `${name}.yaml`);
  await writeFile(file, stringify({
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' },
    connections: { maria: maria.config, pg: pgdb.config },
    sync: [{ name, from: { connection: 'maria', tables: ['big'] }, to: { connection: 'pg' }, ...task }],
  }));
  return file;
}

const pgCount = async (table: string) => Number((await pgdb.client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
const pgDigest = async (table: string) => (await pgdb.client.query(`SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amount, md5(string_agg(id || grp || note, ',' ORDER BY id)) AS h FROM ${table}`)).rows[0];

test('kill -9 in the middle of a copy, then a re-run resumes from the finished chunks: an exact copy, no duplicates', { timeout: 120_000 }, async () => {
  // Plain INSERT: a duplicated row would fail the run, a missing one shows in the digest.
  const file = await configFile('killed', { mode: 'insert', workers: 4, readBatch: 1000, writeBatch: 250, throttle: { rowsPerSecond: 15_000 } });
  const killed = await runSync(['-c', file], {}, (child) => {
    const timer = setInterval(() => {
      void pgCount('big').then((n) => {
        if (n >= 10_000) {
          clearInterval(timer);
          child.kill('SIGKILL');
        }
      }).catch(() => undefined);
    }, 50);
    child.once('exit', () => clearInterval(timer));
  });
  assert.equal(killed.code, null, 'killed by SIGKILL');
  const partial = await pgCount('big');
  assert.ok(partial > 0 && partial < ROWS, `partial copy: ${partial}`);

  const resumed = await runSync(['-c', file]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const table = resumed.report.tables[0];
  assert.equal(table.resumed, true);
  assert.ok(table.chunksSkipped >= 5, `skipped ${table.chunksSkipped} finished chunks`);
  assert.ok(table.rowsWritten < ROWS, 'the finished chunks were not copied again');
  const [want] = (await maria.conn.query('SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amount FROM big')) as unknown as [[{ n: number; ids: string; amount: string }]];
  const got = await pgDigest('big');
  assert.equal(Number(got.n), ROWS);
  assert.equal(String(got.ids), String(want[0]!.ids));
  assert.equal(String(got.amount), String(want[0]!.amount));
});

test('SIGTERM stops after the chunks in flight (exit 1, status stopped); the next run completes', { timeout: 120_000 }, async () => {
  const file = await configFile('termed', { to: { connection: 'pg', table: 'big_term' }, workers: 2, readBatch: 2000, throttle: { rowsPerSecond: 20_000 } });
  // SIGTERM once the copy is under way (the first rows are in), not at a fixed time: startup is slower on a busy machine.
  const stopped = await runSync(['-c', file], {}, (child) => {
    const timer = setInterval(() => {
      void pgCount('big_term').then((n) => {
        if (n > 0) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }).catch(() => undefined);
    }, 50);
    child.once('exit', () => clearInterval(timer));
  });
  assert.equal(stopped.code, 1, stopped.stderr);
  assert.equal(stopped.report.status, 'stopped');
  const done = await runSync(['-c', file, '--report', join(dir.dir, 'report.json')]);
  assert.equal(done.code, 0, done.stderr);
  assert.equal(done.report.status, 'ok');
  assert.equal(await pgCount('big_term'), ROWS);
});

test('a goshift task row runs, with connections from its JSON config and secrets from the environment', { timeout: 60_000 }, async () => {
  await maria.conn.query(`CREATE TABLE task_def_sync_manager (
    id INT AUTO_INCREMENT PRIMARY KEY, from_app VARCHAR(50), from_db_type VARCHAR(50), from_db VARCHAR(64), from_table VARCHAR(255),
    to_app VARCHAR(50), to_db_type VARCHAR(20), to_db VARCHAR(64), to_table VARCHAR(255), params TEXT, online_status INT,
    task_desc TEXT, task_status VARCHAR(100), owner VARCHAR(100), create_time DATETIME NOT NULL, update_time DATETIME NOT NULL)`);
  await maria.conn.query(`INSERT INTO task_def_sync_manager VALUES (5, 'local_dw', 'mysql', ?, 'big', 'local_dw', 'postgres', ?, 'big_goshift', ?, 1, 'copy', '1', 'ops', NOW(), NOW())`,
    [maria.database, pgdb.database, JSON.stringify({ pk: { src: 'id', dest: 'id' }, worker_num: 3, read_batch: 5000, write_batch: 500 })]);
  const conn = (db: string) => ({ host: 'GS_HOST', user: 'GS_USER', password: 'GS_PASSWORD', db, port: MARIADB.port, charset: 'utf8' });
  const goshift = join(dir.dir, 'local.json');
  await writeFile(goshift, JSON.stringify({
    task_meta_mysql: conn(maria.database),
    from: { mysql: { [`local_dw_${maria.database}`]: conn(maria.database) } },
    to: { postgres: { [`local_dw_${pgdb.database}`]: { host: 'GS_PG_HOST', user: 'GS_PG_USER', password: 'GS_PG_PASSWORD', db: pgdb.database, port: 5432 } } },
  }));
  const env = { GS_HOST: '127.0.0.1', GS_USER: 'root', GS_PASSWORD: '', GS_PG_HOST: '127.0.0.1', GS_PG_USER: 'postgres', GS_PG_PASSWORD: '' };
  const run = await runSync(['--goshift-config', goshift, '--id', '5', '--data-dir', join(dir.dir, 'goshift')], env);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.report.task, 'goshift-5');
  assert.equal(run.report.totals.rowsWritten, ROWS);
  assert.equal(await pgCount('big_goshift'), ROWS);

  const missing = await runSync(['--goshift-config', goshift, '--id', '6', '--data-dir', join(dir.dir, 'goshift')], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /SLUICE_7103.*no task with id 6/);
});

test('a task stored with `sluice sync-task add` is listed and runs by name', { timeout: 60_000 }, async () => {
  const config = join(dir.dir, 'connections.yaml');
  await writeFile(config, stringify({ dataDir: join(dir.dir, 'stored'), log: { level: 'warn' }, connections: { maria: maria.config, pg: pgdb.config } }));
  const taskFile = join(dir.dir, 'task.yaml');
  await writeFile(taskFile, stringify({ name: 'stored', from: { connection: 'maria', tables: ['big'] }, to: { connection: 'pg', table: 'big_stored' }, where: 'id <= 1000' }));
  const added = await runCli(['sync-task', 'add', taskFile, '-c', config]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /saved sync task stored/);
  const listed = await runCli(['sync-task', 'list', '-c', config]);
  assert.match(listed.stdout, /^stored\tmaria → pg\tbig\tupsert$/m);
  const run = await runSync(['-c', config, '-t', 'stored']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(await pgCount('big_stored'), 1000);
  const unknown = await runSync(['-c', config, '-t', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /SLUICE_6001.*nope.*tasks: stored/);
});
