import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startMariaDb, type MariaDbServer } from '../services/mariadb.ts';
import { startAll } from '../services/start-all.ts';
import { freePort } from '../services/process.ts';
import { startReceiver } from './http-receiver.ts';
import { eventually } from './pipeline-harness.ts';

const bin = join(import.meta.dirname, '../../bin/sluice.js');
const run = promisify(execFile);

async function sluice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function writeConfig(dir: string, db: MariaDbServer, targets: unknown[], extra: Record<string, unknown> = {}): Promise<string> {
  const file = join(dir, `sluice-${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, stringify({
    name: 'cli-test', dataDir: join(dir, 'data'), log: { level: 'warn' },
    source: { type: 'mariadb', host: '127.0.0.1', port: db.port, user: 'root', password: '${SLUICE_TEST_PASSWORD:-}', serverId: 4242 },
    targets, ...extra,
  }));
  return file;
}

describe('sluice CLI', () => {
  let good: MariaDbServer;
  let noBinlog: MariaDbServer;
  let dir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  before(async () => {
    [good, noBinlog] = await startAll(() => startMariaDb(), () => startMariaDb({ binlog: false, extraArgs: ['--binlog-row-metadata=MINIMAL'] }));
    dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
    await Promise.all([good?.stop(), noBinlog?.stop()]);
  });

  test('check passes on a correctly configured source and reachable target (exit 0)', async () => {
    const file = await writeConfig(dir, good, [{ type: 'http', http: { url: receiver.url } }]);
    const r = await sluice(['check', '-c', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /all checks passed/);
  });

  test('check reports binlog off, row metadata, server_id clash, missing privileges and an unreachable target (exit 1)', async () => {
    const file = await writeConfig(dir, noBinlog, [{ type: 'http', http: { url: 'http://127.0.0.1:9/hook' } }]);
    const r = await sluice(['check', '-c', file]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✖ binlog: log_bin=OFF\n\s+SLUICE_2002/);
    assert.match(r.stdout, /✖ binlog_row_metadata: binlog_row_metadata=MINIMAL\n\s+SLUICE_2005/);
    assert.match(r.stdout, /✖ target http: .*\n\s+SLUICE_3001/);
    const clash = await writeConfig(dir, good, [{ type: 'http', http: { url: receiver.url } }]);
    await writeFile(clash, (await readFile(clash, 'utf8')).replace('serverId: 4242', 'serverId: 1'));
    const r2 = await sluice(['check', '-c', clash]);
    assert.equal(r2.code, 1);
    assert.match(r2.stdout, /✖ server_id: serverId 1 is used by the source itself/);
    const conn = await good.connect();
    await conn.query(`CREATE USER IF NOT EXISTS 'weak'@'127.0.0.1' IDENTIFIED BY 'weakpass'; GRANT SELECT ON *.* TO 'weak'@'127.0.0.1'`);
    await conn.end();
    const weak = await writeConfig(dir, good, [{ type: 'http', http: { url: receiver.url } }]);
    await writeFile(weak, (await readFile(weak, 'utf8')).replace('user: root', 'user: weak').replace('${SLUICE_TEST_PASSWORD:-}', 'weakpass'));
    const r3 = await sluice(['check', '-c', weak]);
    assert.equal(r3.code, 1);
    assert.match(r3.stdout, /✖ privileges: missing REPLICATION SLAVE, REPLICATION CLIENT\n\s+SLUICE_2006/);
  });

  test('an invalid config names the file, the path and what is allowed', async () => {
    const file = await writeConfig(dir, good, [{ type: 'http', http: { url: receiver.url, method: 'PATCH' } }]);
    const r = await sluice(['check', '-c', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SLUICE_1003/);
    assert.ok(r.stderr.includes(file));
    assert.match(r.stderr, /targets\[0\]\.http\.method: .*"POST"\|"PUT"/);
  });

  test('stream runs until SIGTERM, exits 0 with the checkpoint saved; metrics; position show/set', async () => {
    const metricsPort = await freePort();
    const file = await writeConfig(dir, good, [{ type: 'http', http: { url: receiver.url } }], { metrics: { listen: `127.0.0.1:${metricsPort}` } });
    const child = spawn(process.execPath, [bin, 'stream', '-c', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const conn = await good.connect();
    await conn.query('CREATE DATABASE IF NOT EXISTS cli; CREATE TABLE IF NOT EXISTS cli.t (id INT PRIMARY KEY, v VARCHAR(10))');
    // `latest` starts where the binlog is when the stream connects: keep writing until rows arrive.
    await eventually('rows to reach the receiver', async () => {
      await conn.query('INSERT INTO cli.t VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)', [1, String(Date.now() % 1e9)]);
      return receiver.events().some((e) => e.table === 't');
    });
    const [[status]] = await conn.query('SHOW MASTER STATUS') as unknown as [[{ File: string; Position: number }]];
    await conn.end();
    await eventually('the last row to arrive', async () => receiver.events().some((e) => String(e.position).startsWith(`${status.File}:${status.Position}`)));
    const metrics = await eventually('the checkpoint to be saved', async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      return /sluice_checkpoint_timestamp_seconds [1-9]/.test(text) && text;
    });
    assert.match(metrics, /sluice_events_in_total\{table="cli\.t",op="(insert|update)"\} \d+/);
    assert.match(metrics, /sluice_events_out_total\{target="http",table="cli\.t",op="(insert|update)"\} \d+/);
    assert.match(metrics, /sluice_lag_seconds\{target="http"\} \d/);
    assert.match(metrics, /sluice_batch_duration_seconds_count\{target="http"\} [1-9]/);
    assert.match(metrics, /sluice_checkpoint_age_seconds \d/);
    assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    const shown = await sluice(['position', 'show', '-c', file]);
    assert.equal(shown.code, 0);
    assert.match(shown.stdout, new RegExp(`cli-test ${status.File}:${status.Position}@0-1-\\d+`));
    const set = await sluice(['position', 'set', 'binlog.000001:4', '-c', file]);
    assert.equal(set.code, 0, set.stderr);
    assert.match((await sluice(['position', 'show', '-c', file])).stdout, /cli-test binlog\.000001:4 /);
    const bad = await sluice(['position', 'set', 'nonsense', '-c', file]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /SLUICE_2011/);
  });
});
