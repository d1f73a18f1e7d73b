import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChangeEvent } from '../../core/event.ts';
import type { SinkRecord } from '../types.ts';
import { httpTarget, insertRecords, ordersSchema, testRule } from './fixtures.ts';
import { startReceiver, type ReceivedRequest } from './receiver-fixture.ts';
import { verifySignature } from './signature.ts';

const secret = 'a-long-enough-test-secret';

const eventIds = (request: ReceivedRequest): string[] => JSON.parse(request.body).events.map((e: { id: string }) => e.id);

test('delivers a batch as the sluice envelope, with rule-transformed rows', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url, headers: { 'X-Tenant': 'acme' } });
  const common = { txnId: 'mysql-bin.000003:400', schema: ordersSchema, position: { file: 'mysql-bin.000003', pos: 480 }, commitTime: Date.UTC(2026, 10, 22, 4, 57, 44) };
  const update = createChangeEvent({ ...common, index: 0, op: 'update', before: { id: 7, status: 'new' }, after: { id: 7, status: 'paid' } });
  const remove = createChangeEvent({ ...common, index: 1, op: 'delete', before: { id: 8, status: 'void' }, after: null });
  const records: SinkRecord[] = [
    { event: update, rule, before: { order_id: 7, state: 'new' }, row: { order_id: 7, state: 'paid' }, key: update.key },
    { event: remove, rule, before: { order_id: 8, state: 'void' }, row: null, key: remove.key },
  ];
  const sentAt = Math.floor(Date.now() / 1000);
  await sink.write(records);

  assert.equal(receiver.requests.length, 1);
  const [request] = receiver.requests as [ReceivedRequest];
  const body = JSON.parse(request.body);
  assert.match(body.batchId, /^[0-9a-f]{32}$/);
  assert.deepEqual(body, {
    batchId: body.batchId,
    events: [
      { id: 'mysql-bin.000003:400#0', op: 'update', db: 'shop', table: 'orders', key: [7], before: { order_id: 7, state: 'new' }, after: { order_id: 7, state: 'paid' }, position: 'mysql-bin.000003:480', commitTime: '2026-11-22T04:57:44.000Z' },
      { id: 'mysql-bin.000003:400#1', op: 'delete', db: 'shop', table: 'orders', key: [8], before: { order_id: 8, state: 'void' }, after: null, position: 'mysql-bin.000003:480', commitTime: '2026-11-22T04:57:44.000Z' },
    ],
  });
  assert.equal(request.method, 'POST');
  assert.equal(request.path, '/hook');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['x-sluice-batch-id'], body.batchId);
  assert.equal(request.headers['idempotency-key'], body.batchId);
  assert.ok(Math.abs(Number(request.headers['x-sluice-timestamp']) - sentAt) <= 2);
  assert.equal(request.headers['x-tenant'], 'acme');
  assert.equal(request.headers['x-sluice-signature'], undefined);
});

test('writes the position with its GTID set', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url });
  await sink.write(insertRecords(rule, 1, 28));
  assert.equal(JSON.parse(receiver.requests[0]!.body).events[0].position, 'mysql-bin.000003:1028@0-1-28');
});

test('any 2xx acknowledges, with the configured method', async (t) => {
  const statuses = [200, 202, 204];
  const receiver = await startReceiver(() => ({ status: statuses.shift() ?? 500 }));
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url, method: 'PUT' });
  for (let id = 1; id <= 3; id++) await sink.write(insertRecords(rule, 1, id));
  assert.deepEqual(receiver.requests.map((r) => r.method), ['PUT', 'PUT', 'PUT']);
});

test('signed requests verify on the receiving side; tampering is rejected', async (t) => {
  const secrets = { k2026: secret };
  const receiver = await startReceiver(({ headers, body }) => ({ status: verifySignature({ headers, body, secrets }).ok ? 200 : 401 }));
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url, signing: { keyId: 'k2026', secret } });
  await sink.write(insertRecords(rule, 2));

  const { headers, body } = receiver.requests[0]!;
  assert.equal(headers['x-sluice-key-id'], 'k2026');
  assert.match(String(headers['x-sluice-signature']), /^v1=[0-9a-f]{64}$/);
  assert.deepEqual(verifySignature({ headers, body, secrets }), { ok: true, keyId: 'k2026' });
  const tamperedBody = body.replace('"new"', '"old"');
  assert.notEqual(tamperedBody, body);
  assert.deepEqual(verifySignature({ headers, body: tamperedBody, secrets }), { ok: false, reason: 'signature-mismatch' });
  const laterTimestamp = { ...headers, 'x-sluice-timestamp': String(Number(headers['x-sluice-timestamp']) + 1) };
  assert.deepEqual(verifySignature({ headers: laterTimestamp, body, secrets }), { ok: false, reason: 'signature-mismatch' });
  const replayedLater = Number(headers['x-sluice-timestamp']) * 1000 + 301_000;
  assert.deepEqual(verifySignature({ headers, body, secrets, now: replayedLater }), { ok: false, reason: 'timestamp-out-of-tolerance' });
});

test('a batch larger than maxEventsPerRequest is sent as several requests, in order', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url, maxEventsPerRequest: 2 });
  const records = insertRecords(rule, 5);
  await sink.write(records);
  assert.deepEqual(receiver.requests.map(eventIds), [['0-1-1#0', '0-1-2#0'], ['0-1-3#0', '0-1-4#0'], ['0-1-5#0']]);
  assert.equal(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size, 3);
});

test('a replayed batch carries the same idempotency-key', async (t) => {
  const receiver = await startReceiver();
  t.after(() => receiver.close());
  const { sink, rule } = await httpTarget({ url: receiver.url, maxEventsPerRequest: 2 });
  await sink.write(insertRecords(rule, 3));
  await sink.write(insertRecords(rule, 3));
  await sink.write(insertRecords(rule, 3, 4));
  const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
  assert.deepEqual(keys.slice(2, 4), keys.slice(0, 2));
  assert.equal(new Set(keys).size, 4);
});

test('a rule with its own url sends its tables there, keeping their order', async (t) => {
  const main = await startReceiver();
  const payments = await startReceiver();
  t.after(() => Promise.all([main.close(), payments.close()]));
  const { sink, rule, options } = await httpTarget({ url: main.url, headers: { 'x-tenant': 'acme' } });
  const paymentsRule = testRule({ ...options, url: payments.url, headers: { 'x-route': 'payments' } });
  const [a1, a2, a3] = insertRecords(rule, 3);
  const [b1, b2] = insertRecords(paymentsRule, 2, 10);
  await sink.write([a1!, b1!, a2!, b2!, a3!]);

  assert.deepEqual(main.requests.map(eventIds), [['0-1-1#0', '0-1-2#0', '0-1-3#0']]);
  assert.deepEqual(payments.requests.map(eventIds), [['0-1-10#0', '0-1-11#0']]);
  assert.equal(payments.requests[0]!.headers['x-route'], 'payments');
  assert.equal(payments.requests[0]!.headers['x-tenant'], 'acme');
  assert.equal(main.requests[0]!.headers['x-route'], undefined);
});
