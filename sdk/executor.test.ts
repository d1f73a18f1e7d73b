import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { signRequest } from '../src/scheduler/request-signing.ts';
import { dedupe, nonceCache, sluiceRun, verifySluiceRequest, type SluiceRun, type VerifyResult } from './executor.mjs';

const secrets = { k1: 'executor-secret-0123456789', k0: 'the-previous-secret-987654' };
const seenNonce = nonceCache();
let port = 0;

/** A real executor: reads the raw body, verifies it with the SDK and echoes what it concluded. */
const server = createServer(async (req: IncomingMessage, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const verified = verifySluiceRequest(req, raw, { secrets, seenNonce });
  res.writeHead(verified.ok ? 200 : 401, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ verified, run: verified.ok ? sluiceRun(req.headers, raw) : undefined }));
});

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
after(() => server.close());

interface Sent { method: string; path: string; body: string; headers: Record<string, string> }

/** Sends exactly the given request line, headers and body over loopback. */
async function send(r: Sent): Promise<{ status: number; verified: VerifyResult; run?: SluiceRun }> {
  const req = httpRequest({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } });
  req.end(r.body);
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  for await (const chunk of res) text += chunk;
  return { status: res.statusCode!, ...JSON.parse(text) };
}

const fireHeaders = {
  'x-sluice-fire-id': '9001', 'x-sluice-job': 'nightly-report', 'x-sluice-attempt': '2',
  'x-sluice-scheduled-at': '1767225600000', 'x-sluice-deadline': '1767225630000', 'x-sluice-shard': '1/3',
};
const envelope = JSON.stringify({ fireId: '9001', jobId: 'nightly-report', attempt: 2, shard: { index: 1, total: 3, items: ['zhejiang', '广东'] }, params: {} });

function signed(method = 'POST', path = '/jobs/report?region=east&x=a%20b', body = envelope, keyId = 'k1'): Sent {
  const headers = { ...fireHeaders, 'content-type': 'application/json', ...signRequest({ method, pathAndQuery: path, body, keyId, secret: secrets[keyId as 'k1'] }) };
  return { method, path, body, headers };
}

test('a request signed by the scheduler verifies in the SDK over loopback, and the run metadata is read', async () => {
  const result = await send(signed());
  assert.equal(result.status, 200);
  assert.deepEqual(result.verified, { ok: true, keyId: 'k1' });
  assert.deepEqual(result.run, {
    fireId: '9001', jobId: 'nightly-report', attempt: 2, scheduledAt: 1767225600000, deadline: 1767225630000,
    shardIndex: 1, shardTotal: 3, shardItems: ['zhejiang', '广东'],
  });
  const get = await send(signed('GET', '/health', ''));
  assert.deepEqual(get.verified, { ok: true, keyId: 'k1' }, 'an empty body signs sha256("")');
  assert.deepEqual((await send(signed('DELETE', '/jobs/1', '', 'k0'))).verified, { ok: true, keyId: 'k0' }, 'a key being rotated out still verifies');
});

test('tampering with method, path, query, body or timestamp is rejected, and so is a replay', async () => {
  const mismatch = { ok: false, reason: 'signature-mismatch' };
  assert.deepEqual((await send({ ...signed(), method: 'PUT' })).verified, mismatch);
  assert.deepEqual((await send({ ...signed(), path: '/jobs/delete-all?region=east&x=a%20b' })).verified, mismatch);
  assert.deepEqual((await send({ ...signed(), path: '/jobs/report?region=west&x=a%20b' })).verified, mismatch);
  assert.deepEqual((await send({ ...signed(), body: envelope.replace('"attempt":2', '"attempt":3') })).verified, mismatch);
  const original = signed();
  const later = String(Number(original.headers['x-sluice-timestamp']) + 1000);
  assert.deepEqual((await send({ ...original, headers: { ...original.headers, 'x-sluice-timestamp': later } })).verified, mismatch);

  const stale = signed();
  const old = signRequest({ method: stale.method, pathAndQuery: stale.path, body: stale.body, keyId: 'k1', secret: secrets.k1, now: Date.now() - 301_000 });
  assert.deepEqual((await send({ ...stale, headers: { ...stale.headers, ...old } })).verified, { ok: false, reason: 'stale-timestamp' });

  const once = signed();
  assert.equal((await send(once)).status, 200);
  const replay = await send(once);
  assert.equal(replay.status, 401);
  assert.deepEqual(replay.verified, { ok: false, reason: 'replayed-nonce' });

  const unsigned = await send({ ...signed(), headers: { ...fireHeaders } });
  assert.deepEqual(unsigned.verified, { ok: false, reason: 'missing-headers' });
  const wrongKey = signed();
  assert.deepEqual((await send({ ...wrongKey, headers: { ...wrongKey.headers, 'x-sluice-key-id': 'k9' } })).verified, { ok: false, reason: 'unknown-key' });
});

test('a fetch Request with a full URL verifies too; the default replay cache is on', async () => {
  const s = signed('PATCH', '/run?id=7', '{"a":1}');
  const make = () => new Request(`http://executor.internal:8080${s.path}`, { method: s.method, headers: s.headers, body: s.body });
  const first = make();
  assert.deepEqual(verifySluiceRequest(first, await first.text(), { secrets }), { ok: true, keyId: 'k1' });
  const again = make();
  assert.deepEqual(verifySluiceRequest(again, await again.text(), { secrets }), { ok: false, reason: 'replayed-nonce' });
  assert.deepEqual(verifySluiceRequest(again, s.body, { secrets, seenNonce: false }), { ok: true, keyId: 'k1' });
});

test('sluiceRun reads headers first, falls back to the envelope, and needs a fire id', () => {
  assert.deepEqual(sluiceRun({}, JSON.stringify({ fireId: '5', jobId: 'j', attempt: 1, scheduledAt: 10, deadline: 20 })), {
    fireId: '5', jobId: 'j', attempt: 1, scheduledAt: 10, deadline: 20, shardIndex: 0, shardTotal: 1, shardItems: [],
  });
  assert.equal(sluiceRun(new Headers({ 'x-sluice-fire-id': '6' }), 'not json')!.fireId, '6');
  assert.equal(sluiceRun({ 'x-sluice-job': 'j' }, ''), undefined);
});

test('dedupe claims a fire once, lets a failed run be retried, and forgets the oldest beyond its limit', () => {
  const runs = dedupe(2);
  assert.equal(runs.claim('9001:1'), true);
  assert.equal(runs.claim('9001:1'), false, 'a second delivery of the same fire and shard');
  runs.release('9001:1');
  assert.equal(runs.claim('9001:1'), true, 'released after a failure: the retry runs');
  runs.claim('9002:0');
  runs.claim('9003:0');
  assert.equal(runs.size, 2);
  assert.equal(runs.has('9001:1'), false, 'the oldest was forgotten');
  assert.equal(runs.has('9003:0'), true);
});
