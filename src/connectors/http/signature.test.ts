import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signPayload, verifySignature } from './signature.ts';

const secret = 'whsec-0123456789abcdef';
const timestamp = '1767225600';
const body = '{"batchId":"x","events":[]}';
const now = Number(timestamp) * 1000;

test('signPayload is v1= hex HMAC-SHA256 of timestamp "." body (openssl vector)', () => {
  // printf '%s' '1767225600.{"batchId":"x","events":[]}' | openssl dgst -sha256 -hmac 'whsec-0123456789abcdef'
  assert.equal(signPayload({ secret, timestamp, body }), 'v1=a222414861c84f28d5ac0ff0cde51de4ad5cdb1fb499e58b35fa411de3ae02e9');
  assert.equal(signPayload({ secret, timestamp: Number(timestamp), body: Buffer.from(body) }), signPayload({ secret, timestamp, body }));
});

test('verifies fetch Headers, any header-name case and a custom signature header', () => {
  const signature = signPayload({ secret, timestamp, body });
  const headers = new Headers({ 'X-Sluice-Timestamp': timestamp, 'X-Sluice-Key-Id': 'new', 'X-Hub-Signature': signature });
  const secrets = { old: 'an-old-rotated-secret', new: secret };
  assert.deepEqual(verifySignature({ headers, body, secrets, now, header: 'X-Hub-Signature' }), { ok: true, keyId: 'new' });
  const record = { 'X-Sluice-Timestamp': timestamp, 'x-sluice-key-id': 'new', 'x-sluice-signature': [signature] };
  assert.deepEqual(verifySignature({ headers: record, body, secrets, now }), { ok: true, keyId: 'new' });
});

test('rejects missing headers, bad timestamps, unknown keys and wrong signatures', () => {
  const signed = { 'x-sluice-timestamp': timestamp, 'x-sluice-key-id': 'k1', 'x-sluice-signature': signPayload({ secret, timestamp, body }) };
  const secrets = { k1: secret };
  const check = (headers: Record<string, string>, at = now) => verifySignature({ headers, body, secrets, now: at });
  assert.deepEqual(check({ 'x-sluice-timestamp': timestamp, 'x-sluice-key-id': 'k1' }), { ok: false, reason: 'missing-header' });
  assert.deepEqual(check({ ...signed, 'x-sluice-timestamp': '17e8' }), { ok: false, reason: 'invalid-timestamp' });
  assert.deepEqual(check(signed, now - 301_000), { ok: false, reason: 'timestamp-out-of-tolerance' });
  assert.deepEqual(check(signed, now + 299_000), { ok: true, keyId: 'k1' });
  assert.deepEqual(check({ ...signed, 'x-sluice-key-id': 'constructor' }), { ok: false, reason: 'unknown-key-id' });
  assert.deepEqual(check({ ...signed, 'x-sluice-signature': 'v1=00' }), { ok: false, reason: 'signature-mismatch' });
  const otherSecret = signPayload({ secret: 'some-other-secret-value', timestamp, body });
  assert.deepEqual(check({ ...signed, 'x-sluice-signature': otherSecret }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(verifySignature({ headers: signed, body, secrets, now: now + 600_000, toleranceSeconds: 900 }), { ok: true, keyId: 'k1' });
});
