import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackoffError, RetryableError, UnrecoverableError, type SluiceError } from '../../core/errors.ts';
import { httpTarget, insertRecords } from './fixtures.ts';
import { closedPortUrl, startReceiver, type Reply } from './receiver-fixture.ts';

async function failureOf(reply: Reply, options: Record<string, unknown> = {}): Promise<SluiceError> {
  const receiver = await startReceiver(() => reply);
  try {
    const { sink, rule } = await httpTarget({ url: receiver.url, ...options });
    const error: unknown = await sink.write(insertRecords(rule, 2)).then(() => undefined, (err: unknown) => err);
    assert.ok(error instanceof Error, 'write must fail');
    return error as SluiceError;
  } finally {
    await receiver.close();
  }
}

test('408, 429 and 5xx are retryable server errors (SLUICE_3005)', async () => {
  for (const status of [408, 429, 500, 503]) {
    const error = await failureOf({ status, headers: { 'retry-after': '3' } });
    assert.ok(error instanceof RetryableError, `status ${status}`);
    assert.equal(error.code, 'SLUICE_3005');
    assert.equal(error.details.status, status);
    assert.equal(error.details.retryAfter, '3');
  }
});

test('another 4xx rejects the batch (SLUICE_3002) with what the operator needs', async () => {
  const body = `{"error":"column status is not allowed"}${' '.repeat(600)}`;
  const error = await failureOf({ status: 400, body });
  assert.ok(error instanceof UnrecoverableError);
  assert.equal(error.code, 'SLUICE_3002');
  assert.match(error.message, /POST http:\/\/127\.0\.0\.1:\d+\/hook answered 400 Bad Request/);
  assert.equal(error.details.status, 400);
  assert.equal(error.details.body, body.slice(0, 500));
  assert.equal(error.details.events, 2);
  assert.equal(error.details.firstEventId, '0-1-1#0');
  assert.equal(error.details.lastEventId, '0-1-2#0');
  assert.match(String(error.details.batchId), /^[0-9a-f]{32}$/);
});

test('a redirect is not followed: the batch is rejected with the location', async () => {
  const error = await failureOf({ status: 301, headers: { location: 'https://elsewhere.example/hook' } });
  assert.equal(error.code, 'SLUICE_3002');
  assert.equal(error.details.location, 'https://elsewhere.example/hook');
});

test('no answer within the timeout is SLUICE_3003', async () => {
  const error = await failureOf('hang', { timeout: '150ms' });
  assert.ok(error instanceof BackoffError);
  assert.equal(error.code, 'SLUICE_3003');
  assert.equal(error.details.timeoutMs, 150);
});

test('a refused connection is SLUICE_3001', async () => {
  const { sink, rule } = await httpTarget({ url: await closedPortUrl() });
  await assert.rejects(sink.write(insertRecords(rule, 1)), (err: SluiceError) => {
    assert.ok(err instanceof BackoffError);
    assert.equal(err.code, 'SLUICE_3001');
    assert.equal(err.details.code, 'ECONNREFUSED');
    return true;
  });
});

test("the caller's abort ends a write with the caller's reason", async (t) => {
  const controller = new AbortController();
  const reason = new Error('pipeline stopping');
  const receiver = await startReceiver(() => {
    controller.abort(reason);
    return 'hang';
  });
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url });
  await assert.rejects(sink.write(insertRecords(rule, 1), controller.signal), (err) => err === reason);
});

test('ping succeeds on any HTTP answer and fails when nothing listens', async (t) => {
  const receiver = await startReceiver(() => ({ status: 405 }));
  t.after(() => receiver.close());
  const { sink } = await httpTarget({ url: receiver.url });
  await sink.ping();
  assert.deepEqual(receiver.requests.map((r) => r.method), ['HEAD']);
  await sink.close();
  await sink.close();

  const { sink: unreachable } = await httpTarget({ url: await closedPortUrl() });
  await assert.rejects(unreachable.ping(), (err: SluiceError) => err.code === 'SLUICE_3001');
});
