import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { syncConfigSchema } from '../../src/config/sluice-config.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { createFireRunner } from '../../src/scheduler/fire-runner.ts';
import { startNodeServer } from '../../src/scheduler/node-server.ts';
import { signRequest } from '../../src/scheduler/request-signing.ts';
import { nonceCache, sluiceRun, verifySluiceRequest } from '../../sdk/executor.mjs';
import type { FireOutcome } from '../../src/scheduler/fire-types.ts';
import { schedulerSchema, type JobInput } from '../../src/scheduler/spec.ts';
import type { MetadataStore } from '../../src/store/metadata-store.ts';
import { openStore } from '../../src/store/open-store.ts';
import { seedItems, tableRows } from './sync-harness.ts';
import { startReceiver } from './http-receiver.ts';
import { openEngine } from '../../src/connectors/sql/open-engine.ts';
import { sqlConnectionSchema, type SqlConnectionConfig } from '../../src/connectors/sql/connection-spec.ts';
import type { SqlEngine } from '../../src/connectors/sql/sql-engine.ts';
import { MARIADB, scratchDir, scratchMariaDb, type ScratchMariaDb } from '../services/scratch-databases.ts';
import { deadExecutorUrl, fireOf, recorder, startExecutor, type TestExecutor } from './schedule-executor-harness.ts';

/** The fire runner against real loopback executors and a real SQLite metadata store. */
let dir: { dir: string; drop(): Promise<void> };
let store: MetadataStore;
const executors: TestExecutor[] = [];
const runners: { close(): Promise<void> }[] = [];

before(async () => {
  dir = await scratchDir('sluice-sched-');
  store = await openStore(`sqlite:${join(dir.dir, 'meta.db')}`);
});
after(async () => {
  await Promise.all(runners.map((r) => r.close()));
  await Promise.all(executors.map((e) => e.close()));
  await store?.close();
  await dir?.drop();
});

async function executor(...args: Parameters<typeof startExecutor>): Promise<TestExecutor> {
  const e = await startExecutor(...args);
  executors.push(e);
  return e;
}

function runner(settings: Record<string, unknown> = {}, extra: { registryCacheMs?: number } = {}) {
  const r = createFireRunner({ store, settings: schedulerSchema.parse(settings), config: syncConfigSchema.parse({}), logger: silentLogger, node: 'test-node', ...extra });
  runners.push(r);
  return r;
}

/** Runs `n` fires of the job, `parallel` at a time. */
async function fires(r: ReturnType<typeof runner>, job: JobInput, n: number, parallel = 20): Promise<FireOutcome[]> {
  const out: FireOutcome[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, () => r.run(fireOf(job), recorder(), new AbortController().signal));
    out.push(...await Promise.all(batch));
  }
  return out;
}

const engines: SqlEngine[] = [];
after(async () => {
  await Promise.all(engines.map((e) => e.close().catch(() => undefined)));
});
async function openVerifyEngine(config: Record<string, unknown>): Promise<SqlEngine> {
  const e = await openEngine(sqlConnectionSchema.parse(config) as SqlConnectionConfig);
  engines.push(e);
  return e;
}

const share = (e: TestExecutor) => e.calls.length;
const fresh = (list: TestExecutor[]) => list.forEach((e) => e.calls.splice(0));

describe('routing over real executors', () => {
  let a: TestExecutor, b: TestExecutor, c: TestExecutor;
  before(async () => {
    [a, b, c] = await Promise.all([executor(), executor(), executor()]);
  });
  const job = (routing: string, weights = [1, 1, 1]): JobInput => ({
    name: `route-${routing}`, http: { path: '/run' }, executors: { routing: routing as never, static: [a, b, c].map((e, i) => ({ url: e.url, weight: weights[i]! })) },
  });

  test('round-robin: exactly one third each', async () => {
    fresh([a, b, c]);
    const outcomes = await fires(runner(), job('round-robin'), 300);
    assert.ok(outcomes.every((o) => o.status === 'succeeded'));
    assert.deepEqual([share(a), share(b), share(c)], [100, 100, 100]);
  });

  test('weighted-round-robin 1:2:3: exactly 100/200/300 of 600', async () => {
    fresh([a, b, c]);
    await fires(runner(), job('weighted-round-robin', [1, 2, 3]), 600);
    assert.deepEqual([share(a), share(b), share(c)], [100, 200, 300]);
  });

  test('random and weighted-random: shares within 5 standard deviations of uniform and 1:2:3', async () => {
    fresh([a, b, c]);
    await fires(runner(), job('random'), 600);
    for (const e of [a, b, c]) assert.ok(Math.abs(share(e) - 200) < 60, `random: ${[a, b, c].map(share)}`);
    fresh([a, b, c]);
    await fires(runner(), job('weighted-random', [1, 2, 3]), 600);
    const expected = [100, 200, 300];
    [a, b, c].forEach((e, i) => assert.ok(Math.abs(share(e) - expected[i]!) < 60, `weighted-random: ${[a, b, c].map(share)}`));
  });

  test('consistent-hash: every fire of a job goes to the same executor; different jobs spread', async () => {
    fresh([a, b, c]);
    const r = runner();
    const owners = new Set<string>();
    for (let j = 0; j < 12; j++) {
      const before = [a, b, c].map(share);
      await fires(r, { ...job('consistent-hash'), name: `hashed-${j}` }, 10);
      const got = [a, b, c].map((e, i) => share(e) - before[i]!);
      assert.equal(got.filter((n) => n > 0).length, 1, `job hashed-${j}: ${got}`);
      assert.equal(Math.max(...got), 10);
      owners.add(String(got.findIndex((n) => n > 0)));
    }
    assert.ok(owners.size >= 2, 'twelve jobs do not all hash to one executor');
  });

  test('failover: always the first executor while it answers, the next one when it is down', async () => {
    fresh([a, b, c]);
    const r = runner();
    await fires(r, job('failover'), 30);
    assert.deepEqual([share(a), share(b), share(c)], [30, 0, 0]);
    const dead = await deadExecutorUrl();
    const outcomes = await fires(r, { ...job('failover'), executors: { routing: 'failover', static: [{ url: dead }, { url: b.url }, { url: c.url }] }, retry: { attempts: 1, interval: '10ms' } }, 30, 1);
    assert.ok(outcomes.every((o) => o.status === 'succeeded'));
    assert.deepEqual([share(a), share(b), share(c)], [30, 30, 0]);
  });

  test('least-busy: fewest calls in flight from this node plus the busy value of heartbeats', async () => {
    const held = await Promise.all([executor(() => 'hang'), executor(() => 'hang'), executor(() => 'hang')]);
    const now = Date.now();
    for (const [i, busy] of [2, 0, 0].entries()) {
      await store.db.run('INSERT INTO sluice_executors (grp, address, weight, busy, last_seen) VALUES (?, ?, 1, ?, ?)', ['lb', held[i]!.url, busy, now]);
    }
    const r = runner({}, { registryCacheMs: 0 });
    const lbJob: JobInput = { name: 'least-busy', http: { path: '/run' }, executors: { group: 'lb', routing: 'least-busy' } };
    const running: Promise<FireOutcome>[] = [];
    for (let i = 0; i < 7; i++) {
      const total = held.reduce((s, e) => s + e.calls.length, 0);
      running.push(r.run(fireOf(lbJob), recorder(), new AbortController().signal));
      while (held.reduce((s, e) => s + e.calls.length, 0) === total) await new Promise((res) => setTimeout(res, 5));
    }
    // loads (busy + in flight) 2,0,0 → b c b c, then a b c by list order on ties
    assert.deepEqual(held.map((e) => e.calls.length), [1, 3, 3]);
    held.forEach((e) => e.releaseAll());
    assert.ok((await Promise.all(running)).every((o) => o.status === 'succeeded'));
  });
});

describe('retries, timeouts and failover', () => {
  test('timeout (executor told to stop), then a 500, then success: three attempts on three executors', async () => {
    const slow = await executor(() => ({ status: 200, delayMs: 3000 }));
    const failing = await executor(() => ({ status: 500, body: 'database is down' }));
    const good = await executor(() => ({ status: 200, body: '{"code":0,"rows":12}' }));
    const hooks = recorder();
    const fire = fireOf({
      name: 'retrying', timeout: '300ms', retry: { attempts: 3, interval: '20ms' },
      http: { path: '/run', cancelPath: '/cancel/{{fireId}}', expect: { jsonPath: 'code', equals: 0 } },
      executors: { routing: 'failover', static: [{ url: slow.url }, { url: failing.url }, { url: good.url }] },
    });
    const outcome = await runner().run(fire, hooks, new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', String(outcome.error));
    assert.deepEqual(hooks.final.map((r) => [r.attempt, r.executor, r.status, r.httpStatus]), [
      [1, slow.url, 'timeout', undefined], [2, failing.url, 'failed', 500], [3, good.url, 'succeeded', 200],
    ]);
    assert.equal(hooks.started.length, 3);
    assert.match(hooks.final[0]!.error ?? '', /SLUICE_7224/);
    assert.match(hooks.final[1]!.error ?? '', /SLUICE_7222/);
    assert.equal(hooks.final[1]!.excerpt, 'database is down');
    assert.deepEqual(outcome.result, { index: 0, items: [], status: 'succeeded', attempts: 3, executor: good.url, httpStatus: 200, output: { code: 0, rows: 12 } });
    // The same fire id and idempotency key on every attempt, the attempt number counting up.
    const calls = [slow.calls[0]!, failing.calls[0]!, good.calls[0]!];
    assert.deepEqual(calls.map((c) => c.headers['idempotency-key']), Array(3).fill(`${fire.fireId}:0`));
    assert.deepEqual(calls.map((c) => c.headers['x-sluice-attempt']), ['1', '2', '3']);
    const env = calls[2]!.json();
    assert.equal(env.fireId, fire.fireId);
    assert.equal(env.jobId, 'retrying');
    assert.equal(env.attempt, 3);
    assert.equal(Number(calls[2]!.headers['x-sluice-deadline']) - Number(env.deadline), 0);
    assert.ok((env.deadline as number) - Date.now() < 300);
    await waitUntil(() => slow.cancels.length === 1);
    assert.equal(slow.cancels[0]!.url, `/cancel/${fire.fireId}`);
    assert.deepEqual(slow.cancels[0]!.json(), { fireId: fire.fireId, attempt: 1, shardIndex: 0 });
  });

  test('4xx is not retried; without failover a retry goes back to the same executor', async () => {
    const rejecting = await executor(() => ({ status: 400, body: 'unknown parameter' }));
    const other = await executor();
    const hooks = recorder();
    const outcome = await runner().run(fireOf({
      name: 'bad-request', retry: { attempts: 3, interval: '10ms' }, http: { path: '/run' },
      executors: { routing: 'failover', static: [{ url: rejecting.url }, { url: other.url }] },
    }), hooks, new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.error!, /SLUICE_7223.*HTTP 400/);
    assert.equal(hooks.final.length, 1);
    assert.equal(other.calls.length, 0);

    const flaky = await executor((_, n) => (n < 3 ? { status: 503 } : { status: 200 }));
    const sticky = recorder();
    const again = await runner().run(fireOf({
      name: 'sticky', failover: false, retry: { attempts: 3, interval: '10ms', backoff: 'exponential' }, http: { path: '/run' },
      executors: { routing: 'failover', static: [{ url: flaky.url }, { url: other.url }] },
    }), sticky, new AbortController().signal);
    assert.equal(again.status, 'succeeded');
    assert.deepEqual(sticky.final.map((r) => [r.executor, r.status]), [[flaky.url, 'failed'], [flaky.url, 'failed'], [flaky.url, 'succeeded']]);
  });

  test('out of attempts: the fire fails with the last error; a cancelled fire stops its attempt', async () => {
    const failing = await executor(() => ({ status: 502 }));
    const hooks = recorder();
    const outcome = await runner().run(fireOf({ name: 'exhausted', retry: { attempts: 2, interval: '10ms' }, http: { path: '/x' }, executors: { static: [{ url: failing.url }] } }), hooks, new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    assert.equal(hooks.final.length, 3);

    const hanging = await executor(() => 'hang');
    const stop = new AbortController();
    const cancelled = recorder();
    const running = runner().run(fireOf({ name: 'cancel-me', http: { path: '/x', cancelPath: '/cancel' }, executors: { static: [{ url: hanging.url }] } }), cancelled, stop.signal);
    await waitUntil(() => hanging.calls.length === 1);
    stop.abort();
    assert.equal((await running).status, 'cancelled');
    assert.equal(cancelled.final[0]!.status, 'cancelled');
    await waitUntil(() => hanging.cancels.length === 1);
  });
});

describe('sharding', () => {
  test('10 items over 3 executors with one down: its shard fails over, each shard retried on its own, the fire succeeds', async () => {
    const provinces = ['tianjin', 'shanghai', 'chongqing', 'hebei', 'shanxi', 'liaoning', 'jilin', 'jiangsu', 'zhejiang', 'anhui'];
    const a = await executor();
    const b = await executor((_, n) => (n === 1 ? { status: 500 } : { status: 200 })); // fails its first call only
    const dead = await deadExecutorUrl();
    const hooks = recorder();
    const fire = fireOf({
      name: 'sharded', http: { path: '/bill/{{shardIndex}}', query: { provinces: '{{shardItem}}' } }, retry: { attempts: 2, interval: '50ms' },
      shards: { items: provinces }, executors: { routing: 'failover', static: [{ url: a.url }, { url: b.url }, { url: dead }] },
    });
    const outcome = await runner().run(fire, hooks, new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', String(outcome.error));
    const shards = (outcome.result as { shards: { index: number; items: string[]; status: string; executor: string; attempts: number }[] }).shards;
    assert.deepEqual(shards.map((s) => s.items.length), [4, 3, 3]);
    assert.deepEqual(shards.map((s) => s.status), ['succeeded', 'succeeded', 'succeeded']);
    assert.deepEqual(shards.map((s) => s.attempts), [1, 2, 2]);
    assert.equal(shards[0]!.executor, a.url);
    assert.notEqual(shards[2]!.executor, dead);
    // Shard 1's retry and shard 2's failover each moved on to the next executor of their own order.
    assert.deepEqual(hooks.final.filter((r) => r.shardIndex === 2).map((r) => [r.executor, r.status]), [[dead, 'failed'], [a.url, 'succeeded']]);
    assert.match(hooks.final.find((r) => r.executor === dead)!.error!, /SLUICE_7221/);
    // Every item was handled exactly once by a successful call, each request carrying its own shard.
    const handled = [...a.calls, ...b.calls.slice(1)].flatMap((c) => new URL(c.url, 'http://x').searchParams.get('provinces')!.split(','));
    assert.deepEqual(handled.sort(), [...provinces].sort());
    const third = a.calls.find((c) => c.headers['x-sluice-shard'] === '2/3')!;
    assert.equal(third.url.split('?')[0], '/bill/2');
    assert.deepEqual((third.json().shard as { items: string[] }).items, provinces.slice(7));
    assert.equal(third.headers['idempotency-key'], `${fire.fireId}:2`);
  });

  test('a shard that fails every attempt fails the fire; the result lists each shard', async () => {
    const ok = await executor();
    const bad = await executor(() => ({ status: 500 }));
    const outcome = await runner().run(fireOf({
      name: 'sharded-fail', failover: false, http: { path: '/x' }, retry: { attempts: 1, interval: '10ms' }, shards: { count: 4 },
      executors: { routing: 'failover', static: [{ url: ok.url }, { url: bad.url }] },
    }), recorder(), new AbortController().signal);
    assert.equal(outcome.status, 'failed');
    const shards = (outcome.result as { shards: { status: string; items: string[] }[] }).shards;
    assert.deepEqual(shards.map((s) => [s.items, s.status]), [[['0', '1'], 'succeeded'], [['2', '3'], 'failed']]);
    assert.match(outcome.error!, /1 of 2 shards failed: #1/);
  });
});

describe('signed requests', () => {
  const signing = { keyId: 'k1', secret: 'a-secret-of-32-characters-length' };

  test('the executor verifies every request with sdk/executor.mjs; a tampered or replayed copy is rejected', async () => {
    const seen = nonceCache();
    const verdicts: string[] = [];
    const verifying = await executor((call) => {
      const v = verifySluiceRequest(call, call.body, { secrets: { k1: signing.secret }, seenNonce: seen });
      verdicts.push(v.ok ? 'ok' : v.reason);
      return v.ok ? { status: 200, body: '{}' } : { status: 401, body: v.reason };
    });
    const job: JobInput = { name: 'signed', params: { region: 'north east' }, http: { path: '/run/{{region}}', query: { at: '{{scheduledAt}}' } }, executors: { static: [{ url: verifying.url }] } };
    const outcome = await runner({ signing }).run(fireOf(job), recorder(), new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', String(outcome.error));
    const call = verifying.calls[0]!;
    assert.equal(call.headers['x-sluice-key-id'], 'k1');
    assert.match(String(call.headers['x-sluice-signature']), /^v2=[0-9a-f]{64}$/);
    assert.match(call.url, /^\/run\/north%20east\?at=\d+$/);
    const run = sluiceRun(call.headers, call.body)!;
    assert.equal(run.jobId, 'signed');
    assert.equal(run.attempt, 1);
    assert.deepEqual([run.shardIndex, run.shardTotal], [0, 1]);

    const headers = Object.fromEntries(Object.entries(call.headers).filter(([k]) => k.startsWith('x-sluice-') || k === 'idempotency-key' || k === 'content-type')) as Record<string, string>;
    const tampered = JSON.stringify({ ...call.json(), params: { region: 'south' } });
    const resend = (body: string, path = call.url) => fetch(`${verifying.url}${path}`, { method: 'POST', headers, body });
    assert.equal((await resend(tampered)).status, 401);
    assert.equal((await resend(call.body, call.url.replace('north', 'south'))).status, 401);
    assert.equal((await resend(call.body)).status, 401);
    assert.deepEqual(verdicts, ['ok', 'signature-mismatch', 'signature-mismatch', 'replayed-nonce']);

    // A job whose key the executor does not know: 401 is a 4xx, so the fire fails without retries.
    const hooks = recorder();
    const wrong = await runner({ signing }).run(fireOf({ ...job, retry: { attempts: 2, interval: '10ms' }, signing: { keyId: 'k2', secret: 'another-secret-of-enough-length' } }), hooks, new AbortController().signal);
    assert.equal(wrong.status, 'failed');
    assert.equal(hooks.final.length, 1);
    assert.equal(verdicts.at(-1), 'unknown-key');
  });
});

describe('async executors and the node endpoint (MariaDB store)', () => {
  const signing = { keyId: 'k1', secret: 'a-secret-of-32-characters-length' };
  let maria: ScratchMariaDb;
  let shared: MetadataStore;
  let server: { url: string; close(): Promise<void> };
  const previousKey = { keyId: 'k0', secret: 'the-previous-secret-still-accepted' };
  before(async () => {
    maria = await scratchMariaDb('sluice_sched');
    shared = await openStore(`mysql://${MARIADB.user}@${MARIADB.host}:${MARIADB.port}/${maria.database}`);
    server = await startNodeServer({ store: shared, settings: schedulerSchema.parse({ listen: { port: 0 }, signing, acceptKeys: [previousKey] }), logger: silentLogger });
  });
  after(async () => {
    await server?.close();
    await shared?.close();
    await maria?.drop();
  });

  /** A request to the node endpoint as an executor sends it: signed with `key`, unless `key` is null. */
  const post = (path: string, payload: unknown, key: { keyId: string; secret: string } | null = signing) => {
    const body = JSON.stringify(payload);
    const headers = { 'content-type': 'application/json', ...(key ? signRequest({ method: 'POST', pathAndQuery: path, body, ...key }) : {}) };
    return fetch(`${server.url}${path}`, { method: 'POST', headers, body });
  };
  const sharedRunner = () => {
    const r = createFireRunner({ store: shared, settings: schedulerSchema.parse({ signing }), config: syncConfigSchema.parse({}), logger: silentLogger, node: 'n1', registryCacheMs: 0 });
    runners.push(r);
    return r;
  };

  test('202 then a signed result → success; one that never calls back fails at the deadline and the retry goes on', async () => {
    const silent = await executor(() => ({ status: 202 }));
    const posting = await executor((call) => {
      const env = call.json();
      setTimeout(() => void post(`/v1/fires/${String(env.fireId)}/result`, { shardIndex: 0, attempt: env.attempt, status: 'succeeded', output: { rows: 5 } }), 50);
      return { status: 202 };
    });
    const hooks = recorder();
    const fire = fireOf({
      name: 'async-job', timeout: '600ms', retry: { attempts: 1, interval: '10ms' }, http: { path: '/start', async: true, cancelPath: '/cancel' },
      executors: { routing: 'failover', static: [{ url: silent.url }, { url: posting.url }] },
    });
    const outcome = await sharedRunner().run(fire, hooks, new AbortController().signal);
    assert.equal(outcome.status, 'succeeded', String(outcome.error));
    assert.deepEqual(hooks.final.map((r) => [r.executor, r.status, r.httpStatus]), [[silent.url, 'timeout', 202], [posting.url, 'succeeded', 202]]);
    assert.match(hooks.final[0]!.error ?? '', /SLUICE_7224.*no result posted/);
    assert.deepEqual((outcome.result as { output: unknown }).output, { rows: 5 });
    await waitUntil(() => silent.cancels.length === 1);
    const rows = await shared.db.all<{ status: string }>('SELECT status FROM sluice_fire_callbacks WHERE fire_id = ?', [Number(fire.fireId)]);
    assert.deepEqual(rows.map((r) => r.status), ['succeeded']);
  });

  test('a result stored by another node is found by polling the store; a posted failure is retried', async () => {
    const fire = fireOf({
      name: 'async-polled', timeout: '5s', retry: { attempts: 1, interval: '10ms' }, http: { path: '/start', async: true },
      executors: { static: [{ url: (await executor(() => ({ status: 202 }))).url }] },
    });
    const hooks = recorder();
    const running = sharedRunner().run(fire, hooks, new AbortController().signal);
    await waitUntil(() => hooks.started.length === 1);
    // Another scheduler node received the executor's post: only the row tells this node.
    await shared.db.run('INSERT INTO sluice_fire_callbacks (fire_id, shard_index, attempt, status, body, received_at) VALUES (?, 0, 1, ?, ?, ?)', [Number(fire.fireId), 'failed', '{"reason":"disk full"}', Date.now()]);
    await waitUntil(() => hooks.started.length === 2);
    await shared.db.run('INSERT INTO sluice_fire_callbacks (fire_id, shard_index, attempt, status, body, received_at) VALUES (?, 0, 2, ?, NULL, ?)', [Number(fire.fireId), 'succeeded', Date.now()]);
    const outcome = await running;
    assert.equal(outcome.status, 'succeeded');
    assert.deepEqual(hooks.final.map((r) => r.status), ['failed', 'succeeded']);
    assert.match(hooks.final[0]!.error ?? '', /SLUICE_7226.*disk full/);
  });

  test('the endpoint: signed heartbeats join a group that jobs route to, leave removes it, unsigned requests get 401', async () => {
    const member = await executor();
    assert.equal((await post('/v1/executors/heartbeat', { group: 'workers', url: member.url, weight: 3, busy: 1 }, null)).status, 401);
    const wrongKey = await post('/v1/executors/heartbeat', { group: 'workers', url: member.url }, { keyId: 'k1', secret: 'not-the-right-secret-at-all' });
    assert.equal(wrongKey.status, 401);
    assert.deepEqual(await wrongKey.json(), { error: 'unauthorized', reason: 'signature-mismatch' });
    assert.equal((await post('/v1/executors/heartbeat', { group: 'workers', url: 'ftp://nope' })).status, 400);
    // During a key rotation the previous key is still accepted (acceptKeys), an unknown key id is not.
    assert.equal((await post('/v1/executors/heartbeat', { group: 'rotating', url: member.url }, previousKey)).status, 200);
    assert.equal((await post('/v1/executors/heartbeat', { group: 'rotating', url: member.url }, { keyId: 'k0-retired', secret: previousKey.secret })).status, 401);
    assert.equal((await fetch(`${server.url}/v1/health`)).status, 200);

    const joined = await post('/v1/executors/heartbeat', { group: 'workers', url: member.url, weight: 3, busy: 1 });
    assert.equal(joined.status, 200);
    assert.deepEqual(await shared.db.all('SELECT grp, address, weight, busy FROM sluice_executors WHERE grp = ?', ['workers']), [{ grp: 'workers', address: member.url, weight: 3, busy: 1 }]);
    const job: JobInput = { name: 'grouped', http: { path: '/run' }, executors: { group: 'workers' } };
    const r = sharedRunner();
    assert.equal((await r.run(fireOf(job), recorder(), new AbortController().signal)).status, 'succeeded');
    assert.equal(member.calls.length, 1);

    assert.equal((await post('/v1/executors/leave', { group: 'workers', url: member.url })).status, 200);
    const hooks = recorder();
    const none = await r.run(fireOf(job), hooks, new AbortController().signal);
    assert.equal(none.status, 'failed');
    assert.match(none.error ?? '', /SLUICE_7225.*group workers/);
    assert.equal(hooks.final[0]!.executor, undefined);

    // The same result posted twice keeps the first.
    assert.equal((await post('/v1/fires/77/result', { attempt: 1, status: 'failed' })).status, 200);
    assert.equal((await post('/v1/fires/77/result', { attempt: 1, status: 'succeeded' })).status, 200);
    assert.deepEqual(await shared.db.all('SELECT status FROM sluice_fire_callbacks WHERE fire_id = 77'), [{ status: 'failed' }]);
  });

  test('without signing the endpoint starts only on a loopback address', async () => {
    await assert.rejects(startNodeServer({ store: shared, settings: schedulerSchema.parse({ listen: { host: '0.0.0.0', port: 0 } }), logger: silentLogger }), /SLUICE_7228/);
    const open = await startNodeServer({ store: shared, settings: schedulerSchema.parse({ listen: { port: 0 } }), logger: silentLogger });
    try {
      const res = await fetch(`${open.url}/v1/executors/heartbeat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ group: 'local', url: 'http://127.0.0.1:1' }) });
      assert.equal(res.status, 200);
    } finally {
      await open.close();
    }
  });
});

describe('built-in tasks and alerts', () => {
  let from: ScratchMariaDb;
  let to: ScratchMariaDb;
  before(async () => {
    [from, to] = await Promise.all([scratchMariaDb(), scratchMariaDb()]);
    await seedItems(from.conn, 'items', 300);
  });
  after(async () => {
    await Promise.all([from?.drop(), to?.drop()]);
  });

  test('a sync job copies the table in-process, a verify job then finds it equal, a snapshot copies it again from scratch', async () => {
    const config = syncConfigSchema.parse({
      connections: { a: from.config, b: to.config },
      sync: [{ name: 'copy-items', from: { connection: 'a', tables: ['items'] }, to: { connection: 'b' } }],
      verify: [{ name: 'check-items', source: { connection: 'a', table: 'items' }, targets: [{ connection: 'b', table: 'items' }] }],
    });
    const r = createFireRunner({ store, settings: schedulerSchema.parse({}), config, logger: silentLogger, node: 'n1' });
    runners.push(r);
    const hooks = recorder();
    const synced = await r.run(fireOf({ name: 'nightly-copy', type: 'sync', task: 'copy-items', timeout: '2m' }), hooks, new AbortController().signal);
    assert.equal(synced.status, 'succeeded', String(synced.error));
    const report = synced.result as { status: string; totals: { rowsWritten: number } };
    assert.equal(report.status, 'ok');
    assert.equal(report.totals.rowsWritten, 300);
    assert.deepEqual(hooks.final.map((h) => [h.executor, h.status]), [['sluice:n1', 'succeeded']]);
    assert.deepEqual(await tableRows(await openVerifyEngine(to.config), { name: 'items' }, ['region', 'id']), await tableRows(await openVerifyEngine(from.config), { name: 'items' }, ['region', 'id']));

    const verified = await r.run(fireOf({ name: 'nightly-check', type: 'verify', task: 'check-items', timeout: '2m' }), recorder(), new AbortController().signal);
    assert.equal(verified.status, 'succeeded', String(verified.error));
    assert.equal((verified.result as { status: string }).status, 'equal');

    await to.conn.query('DELETE FROM items WHERE id <= 10');
    const differs = await r.run(fireOf({ name: 'nightly-check', type: 'verify', task: 'check-items', retry: { attempts: 2, interval: '10ms' } }), recorder(), new AbortController().signal);
    assert.equal(differs.status, 'failed');
    assert.equal((differs.result as { status: string; targets: { missing: number }[] }).targets[0]!.missing, 10);

    const snapshot = await r.run(fireOf({ name: 'full-copy', type: 'snapshot', task: 'copy-items', timeout: '2m' }), recorder(), new AbortController().signal);
    assert.equal(snapshot.status, 'succeeded', String(snapshot.error));
    assert.equal((snapshot.result as { totals: { rowsWritten: number } }).totals.rowsWritten, 300);
    const [[count]] = await to.conn.query('SELECT COUNT(*) AS n FROM items') as unknown as [[{ n: number }]];
    assert.equal(Number(count!.n), 300);

    const unknown = await r.run(fireOf({ name: 'typo', type: 'sync', task: 'no-such-task', retry: { attempts: 3, interval: '10ms' } }), hooks, new AbortController().signal);
    assert.equal(unknown.status, 'failed');
    assert.match(unknown.error ?? '', /SLUICE_7227.*no sync task "no-such-task" \(tasks: copy-items\)/);
    assert.equal(hooks.final.length, 2, 'a config mistake is not retried');
  });

  test('alerts: a failed fire raises one webhook alert, a success only when asked for', async () => {
    const alerts = await startReceiver();
    try {
      const failing = await executor(() => ({ status: 500 }));
      const r = runner();
      const job: JobInput = { name: 'alerting', http: { path: '/x' }, executors: { static: [{ url: failing.url }] }, alerts: { url: alerts.url, on: ['failure'] } };
      assert.equal((await r.run(fireOf(job), recorder(), new AbortController().signal)).status, 'failed');
      await waitUntil(() => alerts.requests.length === 1);
      const alert = alerts.requests[0]!.json as unknown as { kind: string; task: string; title: string; details: { status: string } };
      assert.equal(alert.kind, 'job-failure');
      assert.equal(alert.task, 'alerting');
      assert.equal(alert.details.status, 'failed');
      // Within `every` (10 min by default) the next failure of the job is not alerted again.
      await r.run(fireOf(job), recorder(), new AbortController().signal);
      const good = await executor();
      await r.run(fireOf({ ...job, name: 'quiet', executors: { static: [{ url: good.url }] } }), recorder(), new AbortController().signal);
      await r.run(fireOf({ ...job, name: 'loud', executors: { static: [{ url: good.url }] }, alerts: { url: alerts.url, on: ['success'] } }), recorder(), new AbortController().signal);
      await waitUntil(() => alerts.requests.length === 2);
      await new Promise((res) => setTimeout(res, 200));
      assert.deepEqual(alerts.requests.map((q) => (q.json as unknown as { kind: string; task: string }).task), ['alerting', 'loud']);
    } finally {
      await alerts.close();
    }
  });
});

async function waitUntil(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}
