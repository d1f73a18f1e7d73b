import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalRequest, nonceCache, signRequest, verifyRequest } from './request-signing.ts';

const secret = 'sched-secret-0123456789';
const now = 1_767_225_600_000;
const nonce = '00112233445566778899aabbccddeeff';
const request = { method: 'POST', pathAndQuery: '/run?shard=2&x=a%20b', body: '{"fireId":"42"}' };

test('v2 signature matches an openssl vector over the documented canonical string', () => {
  // B=$(printf '%s' '{"fireId":"42"}' | openssl dgst -sha256 -r | cut -d' ' -f1)
  // printf 'v2\nPOST\n/run?shard=2&x=a%%20b\n%s\n1767225600000\n00112233445566778899aabbccddeeff' "$B" | openssl dgst -sha256 -hmac 'sched-secret-0123456789'
  assert.deepEqual(signRequest({ ...request, keyId: 'k1', secret, now, nonce }), {
    'x-sluice-key-id': 'k1',
    'x-sluice-timestamp': '1767225600000',
    'x-sluice-nonce': nonce,
    'x-sluice-signature': 'v2=1f8adfc62f3b57be241b425350c2fec6679d6cb5b2fa8ef187413122c0c96ed7',
  });
  // An empty body hashes as sha256(""); a lower-case method is signed upper-case.
  assert.equal(canonicalRequest('get', '/health', '', '1767225600000', 'abc'), 'v2\nGET\n/health\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n1767225600000\nabc');
  assert.equal(signRequest({ method: 'GET', pathAndQuery: '/health', body: new Uint8Array(), keyId: 'k1', secret, now, nonce: 'abc' })['x-sluice-signature'],
    'v2=e1a2cc70cc3fba6aff0cd93601ea1ad06093ed6d6eef9c55cc1f6eb59e473b7b');
  assert.equal(signRequest({ ...request, body: Buffer.from(request.body), keyId: 'k1', secret, now, nonce })['x-sluice-signature'], 'v2=1f8adfc62f3b57be241b425350c2fec6679d6cb5b2fa8ef187413122c0c96ed7');
});

test('each request gets a fresh random 16-byte nonce', () => {
  const a = signRequest({ ...request, keyId: 'k1', secret });
  const b = signRequest({ ...request, keyId: 'k1', secret });
  assert.match(a['x-sluice-nonce']!, /^[0-9a-f]{32}$/);
  assert.notEqual(a['x-sluice-nonce'], b['x-sluice-nonce']);
});

test('verifies fetch Headers and Node header records, with any key being rotated', () => {
  const headers = signRequest({ ...request, keyId: 'new', secret, now, nonce });
  const secrets = { old: 'the-old-secret-being-retired', new: secret };
  assert.deepEqual(verifyRequest({ ...request, headers: new Headers(headers), secrets, now }), { ok: true, keyId: 'new' });
  const record = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
  assert.deepEqual(verifyRequest({ ...request, headers: record, secrets, now: now + 299_000 }), { ok: true, keyId: 'new' });
});

test('fails closed: missing headers, unknown key, stale or malformed timestamp, any tampering', () => {
  const headers = signRequest({ ...request, keyId: 'k1', secret, now, nonce });
  const check = (change: Partial<typeof request> & { headers?: Record<string, string>; now?: number }) =>
    verifyRequest({ ...request, secrets: { k1: secret }, now, ...change, headers: change.headers ?? headers });
  const without = (name: string) => Object.fromEntries(Object.entries(headers).filter(([k]) => k !== name));
  for (const name of Object.keys(headers)) assert.deepEqual(check({ headers: without(name) }), { ok: false, reason: 'missing-headers' }, name);
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-key-id': 'k2' } }), { ok: false, reason: 'unknown-key' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-key-id': '__proto__' } }), { ok: false, reason: 'unknown-key' });
  assert.deepEqual(check({ now: now + 300_001 }), { ok: false, reason: 'stale-timestamp' });
  assert.deepEqual(check({ now: now - 300_001 }), { ok: false, reason: 'stale-timestamp' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-timestamp': '1.767e12' } }), { ok: false, reason: 'stale-timestamp' });
  assert.deepEqual(check({ method: 'PUT' }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ pathAndQuery: '/run?shard=3&x=a%20b' }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ body: '{"fireId":"43"}' }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-timestamp': String(now + 1) } }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-nonce': 'ffff' } }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-signature': headers['x-sluice-signature']!.replace('v2=', 'v1=') } }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({ headers: { ...headers, 'x-sluice-signature': 'v2=00' } }), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(check({}), { ok: true, keyId: 'k1' });
});

test('the nonce cache rejects a replay, remembers only authentic requests, and fails closed when full', () => {
  const seenNonce = nonceCache(2);
  const signed = (n: string) => signRequest({ ...request, keyId: 'k1', secret, nonce: n });
  const verify = (headers: Record<string, string>, body = request.body) => verifyRequest({ ...request, body, headers, secrets: { k1: secret }, seenNonce });
  const first = signed('n1');
  assert.deepEqual(verify(first), { ok: true, keyId: 'k1' });
  assert.deepEqual(verify(first), { ok: false, reason: 'replayed-nonce' });
  assert.deepEqual(verify(signed('n2'), 'forged'), { ok: false, reason: 'signature-mismatch' });
  assert.deepEqual(verify(signed('n2')), { ok: true, keyId: 'k1' }, 'a forged request did not burn the nonce');
  assert.deepEqual(verify(signed('n3')), { ok: false, reason: 'replayed-nonce' }, 'full of live nonces: refuse');

  const expiring = nonceCache(1);
  assert.equal(expiring('a', Date.now() - 1), false);
  assert.equal(expiring('a', Date.now() + 1000), true, 'still a replay of a remembered nonce');
  assert.equal(expiring('b', Date.now() + 1000), false, 'the expired entry made room');
});
