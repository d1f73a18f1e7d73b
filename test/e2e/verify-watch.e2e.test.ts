import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sqlConnectionSchema, type SqlConnectionConfig } from '../../src/connectors/sql/connection-spec.ts';
import { openEngine } from '../../src/connectors/sql/open-engine.ts';
import type { SqlEngine } from '../../src/connectors/sql/sql-engine.ts';
import { verifySignature } from '../../src/connectors/http/signature.ts';
import { silentLogger } from '../../src/core/logger.ts';
import type { MetadataStore } from '../../src/store/metadata-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { verifyTaskSchema } from '../../src/verify/spec.ts';
import { Watcher } from '../../src/verify/watcher.ts';
import { VerifyMetrics } from '../../src/verify/verify-metrics.ts';
import { Metrics } from '../../src/core/metrics.ts';
import { scratchDir, scratchMariaDb, type ScratchMariaDb } from '../services/scratch-databases.ts';
import { waitFor } from '../services/process.ts';
import { startSmtp } from '../services/smtp.ts';
import { startReceiver } from './http-receiver.ts';
import { runCli } from './sync-harness.ts';
import { stringify } from 'yaml';

/** Continuous compensation: new and changed rows are checked, re-checked after the grace period, and reported once by callback. */
let src: ScratchMariaDb;
let dst: ScratchMariaDb;
let dir: Awaited<ReturnType<typeof scratchDir>>;
let store: MetadataStore;
const engines: SqlEngine[] = [];

before(async () => {
  [src, dst, dir] = await Promise.all([scratchMariaDb(), scratchMariaDb(), scratchDir('sluice-watch-')]);
  store = await openStore(`sqlite:${join(dir.dir, 'meta.db')}`);
  const ddl = 'CREATE TABLE users (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, amount DECIMAL(10,2) NOT NULL, update_time TIMESTAMP(6) NOT NULL)';
  const rows = Array.from({ length: 100 }, (_, i) => [i + 1, `user ${i + 1}`, `${i}.50`, '2024-01-01 00:00:00']);
  await src.conn.query(ddl);
  await dst.conn.query(ddl);
  await src.conn.query('INSERT INTO users VALUES ?', [rows]);
  await dst.conn.query('INSERT INTO users VALUES ?', [rows]);
});
after(async () => {
  await Promise.all(engines.map((e) => e.close().catch(() => undefined)));
  await store?.close();
  await Promise.all([src?.drop(), dst?.drop(), dir?.drop()]);
});

const engine = async (c: Record<string, unknown>) => {
  const e = await openEngine(sqlConnectionSchema.parse(c) as SqlConnectionConfig);
  engines.push(e);
  return e;
};

test('an insert and an update the target misses are reported once, in cupid format and signed; one fixed within the grace period is not', async () => {
  const receiver = await startReceiver();
  try {
    const task = verifyTaskSchema.parse({
      name: 'users-watch', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
      watch: { updateColumn: 'update_time', overlap: '1s', grace: '2s', callback: { url: receiver.url, format: 'cupid', signing: { keyId: 'k', secret: 's' }, retryEvery: 0 } },
    });
    const metrics = new Metrics();
    const watcher = new Watcher(task, await engine(src.config), { name: 'users' }, [{ engine: await engine(dst.config), ref: { name: 'users' }, columns: {} }], store, silentLogger, new VerifyMetrics(metrics.registry));
    await watcher.prepare();
    const t0 = Date.now();
    await watcher.pass(t0);
    assert.equal(watcher.stats.checked, 200, 'the new-rows and the changed-rows passes each read the 100 rows once');
    assert.equal(watcher.stats.held, 0);
    const pending = async () => Number((await store.db.all<{ n: number }>('SELECT COUNT(*) AS n FROM sluice_verify_pending'))[0]!.n);

    await src.conn.query(`INSERT INTO users VALUES (101, 'new in source', 1.00, UTC_TIMESTAMP(6)), (102, 'replicated late', 2.00, UTC_TIMESTAMP(6));
      UPDATE users SET name = 'renamed', update_time = UTC_TIMESTAMP(6) WHERE id = 5`);
    await watcher.pass(t0 + 100);
    assert.equal(await pending(), 3, '101 and 102 missing, 5 different: held in the store for the grace period');
    assert.equal(receiver.requests.length, 0, 'nothing is reported before the grace period ends');

    await dst.conn.query(`INSERT INTO users SELECT * FROM \`${src.database}\`.users WHERE id = 102`);
    await watcher.pass(t0 + 2200);
    assert.deepEqual(watcher.stats.reported, { missing: 1, differs: 1 });
    assert.equal(await pending(), 0);
    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as { type: number; srcColumn: Record<string, string | null> });
    assert.deepEqual(bodies.map((b) => [b.type, b.srcColumn.id, b.srcColumn.name]).sort(), [[1, '101', 'new in source'], [2, '5', 'renamed']]);
    for (const r of receiver.requests) assert.equal(verifySignature({ headers: r.headers, body: r.body, secrets: { k: 's' } }).ok, true);

    await watcher.pass(t0 + 4400);
    assert.equal(receiver.requests.length, 2, 'a mismatch is reported once per idempotency key');
    const text = await metrics.registry.metrics();
    assert.match(text, /sluice_verify_mismatches_total\{task="users-watch",kind="missing"\} 1/);
    assert.match(text, /sluice_verify_mismatches_total\{task="users-watch",kind="differs"\} 1/);
    assert.match(text, /sluice_outbox_depth\{status="sent"\} 2/);
    assert.match(text, /sluice_callback_duration_seconds_count\{task="users-watch"\} 2/);
  } finally {
    await receiver.close();
  }
});

test('catching up: each pass reads page by page up to maxRowsPerPass, saving the cursor per page, and the next pass goes on from there', async () => {
  const receiver = await startReceiver();
  try {
    const task = verifyTaskSchema.parse({
      name: 'paging', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
      watch: { updateColumn: 'update_time', pageRows: 10, maxRowsPerPass: 25, grace: 0, callback: { url: receiver.url, retryEvery: 0 } },
    });
    const watcher = new Watcher(task, await engine(src.config), { name: 'users' }, [{ engine: await engine(dst.config), ref: { name: 'users' }, columns: {} }], store, silentLogger);
    await watcher.prepare();
    const rowsSeen: number[] = [];
    for (let pass = 0, caughtUp = false; !caughtUp && pass < 20; pass++) {
      const before = watcher.stats.checked;
      caughtUp = await watcher.pass(Date.now());
      rowsSeen.push(watcher.stats.checked - before);
    }
    const rows = Number((await src.conn.query('SELECT COUNT(*) AS n FROM users') as unknown as [{ n: number }[]])[0][0]!.n);
    // New rows and changed rows each: 25 per pass (pages of 10, 10, 5) until the last, shorter pass.
    assert.equal(rowsSeen.reduce((a, b) => a + b, 0), 2 * rows, `passes checked ${rowsSeen.join(', ')} rows`);
    assert.deepEqual(rowsSeen.slice(0, -1), Array(rowsSeen.length - 1).fill(50));
    assert.ok(rowsSeen.at(-1)! < 50);
    const cursor = await store.db.all<{ cursor_json: string }>(`SELECT cursor_json FROM sluice_verify_cursors WHERE task = 'paging' AND kind = 'new'`);
    const maxId = Number((await src.conn.query('SELECT MAX(id) AS m FROM users') as unknown as [{ m: number }[]])[0][0]!.m);
    assert.deepEqual(JSON.parse(cursor[0]!.cursor_json).map(Number), [maxId]);
  } finally {
    await receiver.close();
  }
});

test('`sluice verify --watch` runs until SIGTERM and delivers callbacks in the sluice format', { timeout: 60_000 }, async () => {
  const receiver = await startReceiver();
  try {
    const config = join(dir.dir, 'watch.yaml');
    await writeFile(config, stringify({
      dataDir: join(dir.dir, 'cli'), log: { level: 'warn' }, connections: { a: src.config, b: dst.config },
      verify: [{ name: 'cli-watch', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
        watch: { interval: '200ms', grace: '300ms', callback: { url: receiver.url, retryEvery: '100ms' } } }],
    }));
    await src.conn.query(`INSERT INTO users VALUES (500, 'only in source', 5.00, UTC_TIMESTAMP(6))`);
    const run = runCli(['verify', '-c', config, '--watch'], {}, (child) => {
      const timer = setInterval(() => {
        if (receiver.requests.length > 0) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }, 50);
      child.once('exit', () => clearInterval(timer));
    });
    const result = await run;
    assert.equal(result.code, 0, result.stderr);
    const bodies = receiver.requests.map((r) => JSON.parse(r.body) as { kind: string; key: { id: number } });
    assert.ok(bodies.some((b) => b.kind === 'missing' && b.key.id === 500), JSON.stringify(bodies));
  } finally {
    await receiver.close();
  }
});

test('alerts: a high mismatch rate and callbacks that keep failing reach a Slack-format webhook, at most once per `every`', async () => {
  const alerts = await startReceiver();
  try {
    const task = verifyTaskSchema.parse({
      name: 'alerting', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
      watch: {
        grace: 0, callback: { url: 'http://127.0.0.1:9/unreachable', timeout: '1s', retryEvery: 0, fastAttempts: 1 },
        alerts: { url: alerts.url, format: 'slack', mismatchRate: 0.01, every: '10m' },
      },
    });
    const watcher = new Watcher(task, await engine(src.config), { name: 'users' }, [{ engine: await engine(dst.config), ref: { name: 'users' }, columns: {} }], store, silentLogger);
    await watcher.prepare();
    const now = Date.now();
    await watcher.pass(now);
    const texts = alerts.requests.map((r) => (JSON.parse(r.body) as { text: string }).text);
    assert.equal(texts.length, 2, texts.join(' | '));
    assert.ok(texts.some((t) => /rows do not match/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /callbacks keep failing[\s\S]*127\.0\.0\.1:9/.test(t)), texts.join(' | '));
    await watcher.pass(now + 1000);
    assert.equal(alerts.requests.length, 2, 'no repeat within `every`');
  } finally {
    await alerts.close();
  }
});

test('alerts by e-mail through a real SMTP server', async () => {
  const smtp = await startSmtp();
  try {
    const task = verifyTaskSchema.parse({
      name: 'mailing', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
      watch: {
        newRows: true, grace: 0, callback: { url: 'http://127.0.0.1:9/unreachable', timeout: '1s', retryEvery: 0 },
        alerts: { email: { host: smtp.host, port: smtp.port, from: 'sluice@example.test', to: ['dba@example.test'] }, mismatchRate: 0.01 },
      },
    });
    const watcher = new Watcher(task, await engine(src.config), { name: 'users' }, [{ engine: await engine(dst.config), ref: { name: 'users' }, columns: {} }], store, silentLogger);
    await watcher.prepare();
    await watcher.pass(Date.now());
    await waitFor('the alert e-mail', async () => {
      if (!/Subject: sluice verify mailing: \d+ of \d+ rows do not match/.test(smtp.output())) throw new Error(smtp.output().slice(-500) || 'nothing yet');
    }, 10_000);
    assert.match(smtp.output(), /To: dba@example\.test/);
  } finally {
    await smtp.stop();
  }
});

test('kill -9 while the receiver is down: after a restart every callback arrives, once per idempotency key', { timeout: 90_000 }, async () => {
  let up = false;
  const receiver = await startReceiver(() => (up ? 200 : 503));
  try {
    const dataDir = join(dir.dir, 'killed');
    const config = join(dir.dir, 'killed.yaml');
    await writeFile(config, stringify({
      dataDir, log: { level: 'warn' }, connections: { a: src.config, b: dst.config },
      verify: [{ name: 'killed', source: { connection: 'a', table: 'users' }, targets: [{ connection: 'b', table: 'users' }],
        watch: { interval: '200ms', grace: '200ms', callback: { url: receiver.url, retryEvery: '200ms', fastAttempts: 1000 } } }],
    }));
    await src.conn.query(`INSERT INTO users VALUES (701, 'a', 1, UTC_TIMESTAMP(6)), (702, 'b', 1, UTC_TIMESTAMP(6)), (703, 'c', 1, UTC_TIMESTAMP(6))`);
    const queued = async () => {
      const { DatabaseSync } = await import('node:sqlite');
      try {
        const db = new DatabaseSync(join(dataDir, 'sluice.db'), { readOnly: true });
        try {
          return Number((db.prepare(`SELECT COUNT(*) AS n FROM sluice_outbox WHERE idempotency_key LIKE 'killed:%' AND attempts > 0`).get() as { n: number }).n);
        } finally {
          db.close();
        }
      } catch {
        return 0;
      }
    };
    const first = await runCli(['verify', '-c', config, '--watch'], {}, (child) => {
      const timer = setInterval(() => {
        void queued().then((n) => {
          // Every missing row (701-703 and the earlier ones) has a callback that failed at least once.
          if (n >= 3) {
            clearInterval(timer);
            child.kill('SIGKILL');
          }
        });
      }, 100);
      child.once('exit', () => clearInterval(timer));
    });
    assert.equal(first.code, null, 'killed by SIGKILL');
    assert.equal(receiver.requests.length, 0);
    up = true;
    const second = await runCli(['verify', '-c', config, '--watch'], {}, (child) => {
      const timer = setInterval(() => {
        const ids = new Set(receiver.requests.map((r) => (JSON.parse(r.body) as { key: { id: number } }).key.id));
        if ([701, 702, 703].every((id) => ids.has(id))) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }, 100);
      child.once('exit', () => clearInterval(timer));
    });
    assert.equal(second.code, 0, second.stderr);
    const keys = receiver.requests.map((r) => String(r.headers['idempotency-key']));
    assert.equal(new Set(keys).size, keys.length, `each idempotency key once: ${keys.join(', ')}`);
  } finally {
    await receiver.close();
  }
});
