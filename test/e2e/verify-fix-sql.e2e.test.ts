import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { MARIADB, POSTGRES, scratchDir, scratchMariaDb, scratchPostgres, type ScratchMariaDb, type ScratchPostgres } from '../services/scratch-databases.ts';
import { runCli } from './sync-harness.ts';

/** `--fix-sql`: repair scripts that the databases' own clients run, twice, and then the tables are equal. */
const exec = promisify(execFile);
let src: ScratchMariaDb;
let copy: ScratchMariaDb;
let pgdb: ScratchPostgres;
let dir: Awaited<ReturnType<typeof scratchDir>>;
let config: string;

before(async () => {
  [src, copy, pgdb, dir] = await Promise.all([scratchMariaDb(), scratchMariaDb(), scratchPostgres(), scratchDir('sluice-fixsql-')]);
  await src.conn.query(`CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(60) NULL, price DECIMAL(10,2) NOT NULL, seen DATETIME(6) NULL,
    stamp TIMESTAMP(6) NULL, doc JSON NULL, bin VARBINARY(16) NULL, flag BOOLEAN NULL)`);
  const rows = Array.from({ length: 50 }, (_, i) => [i + 1, i === 3 ? "O'Brien \\\\ C:\\\\path 'quoted' 東京" : `item ${i + 1}`, `${i}.25`,
    `2024-02-29 12:00:${String(i).padStart(2, '0')}.000123`, '2024-06-01 00:00:00.5', `{"n": ${i}, "big": 12345678901234567890}`, Buffer.from([0, 39, 92, i]), i % 2 === 0]);
  await src.conn.query('INSERT INTO items VALUES ?', [rows]);
  config = join(dir.dir, 'fix.yaml');
  await writeFile(config, stringify({
    dataDir: join(dir.dir, 'data'), log: { level: 'warn' }, connections: { src: src.config, copy: copy.config, pg: pgdb.config },
    sync: [{ name: 'to-copy', from: { connection: 'src', tables: ['items'] }, to: { connection: 'copy' } }, { name: 'to-pg', from: { connection: 'src', tables: ['items'] }, to: { connection: 'pg' } }],
    verify: [{ name: 'items', source: { connection: 'src', table: 'items' }, targets: [{ connection: 'copy', table: 'items' }, { connection: 'pg', table: 'items' }] }],
  }));
  const synced = await runCli(['sync', '-c', config]);
  assert.equal(synced.code, 0, synced.stderr);
});
after(async () => {
  await Promise.all([src?.drop(), copy?.drop(), pgdb?.drop(), dir?.drop()]);
});

test('--fix-sql writes one script per target that psql and the mariadb client apply, idempotently, making the tables equal', async () => {
  await copy.conn.query(`DELETE FROM items WHERE id = 4; UPDATE items SET price = 0 WHERE id = 7; INSERT INTO items (id, price) VALUES (99, 1)`);
  await pgdb.client.query(`DELETE FROM items WHERE id = 4; UPDATE items SET doc = '{"n": 0}' WHERE id = 8; INSERT INTO items (id, price) VALUES (98, 1)`);
  const out = join(dir.dir, 'fix');
  const run = await runCli(['verify', '-c', config, '--fix-sql', out]);
  assert.equal(run.code, 1, run.stderr);
  const files = (await readdir(out)).sort();
  assert.deepEqual(files, ['items.1.items.sql', 'items.2.items.sql']);
  const mariaScript = join(out, files[0]!);
  const pgScript = join(out, files[1]!);
  assert.match(await readFile(pgScript, 'utf8'), /ON CONFLICT/);
  for (let i = 0; i < 2; i++) {
    await exec('sh', ['-c', `mariadb -h ${MARIADB.host} -P ${MARIADB.port} -u ${MARIADB.user} ${copy.database} < ${mariaScript}`]);
    await exec('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-f', pgScript], { env: { ...process.env, PGHOST: POSTGRES.host, PGPORT: String(POSTGRES.port), PGUSER: POSTGRES.user, PGDATABASE: pgdb.database } });
  }
  const again = await runCli(['verify', '-c', config]);
  assert.equal(again.code, 0, again.stderr);
});
