import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkResponse, excerpt, jsonPathValue } from './response-check.ts';

test('response check: 2xx, then bodyContains and jsonPath/equals; 4xx not retryable, 5xx/408/429 are', () => {
  assert.deepEqual(checkResponse(204, '', undefined), { ok: true, retryable: false });
  assert.equal(checkResponse(500, '', undefined).retryable, true);
  assert.equal(checkResponse(429, '', undefined).retryable, true);
  assert.equal(checkResponse(408, '', undefined).retryable, true);
  assert.equal(checkResponse(404, '', undefined).retryable, false);
  assert.equal(checkResponse(200, 'all done', { bodyContains: 'done' }).ok, true);
  assert.equal(checkResponse(200, 'nope', { bodyContains: 'done' }).ok, false);
  assert.equal(checkResponse(200, '{"data":{"code":0}}', { jsonPath: 'data.code', equals: 0 }).ok, true);
  const bad = checkResponse(200, '{"data":{"code":7}}', { jsonPath: 'data.code', equals: 0 });
  assert.deepEqual(bad, { ok: false, retryable: true, error: 'data.code is 7, expected 0' });
  assert.equal(checkResponse(200, 'not json', { jsonPath: 'code', equals: 0 }).ok, false);
});

test('excerpt: at most 1,000 characters; jsonPath walks objects and arrays', () => {
  assert.equal(excerpt('x'.repeat(5000)).length, 1000);
  assert.equal(excerpt('short'), 'short');
  assert.equal(jsonPathValue({ a: [{ b: 'c' }] }, 'a.0.b'), 'c');
  assert.equal(jsonPathValue({ a: 1 }, 'a.b'), undefined);
});
