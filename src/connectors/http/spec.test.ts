import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';
import { silentLogger } from '../../core/logger.ts';
import { HttpSink } from './sink.ts';
import { httpSpec } from './spec.ts';

const url = 'https://hooks.example.com/sluice';

function issues(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

test('options default to POST, 10s, 500 events per request, the sluice envelope, unsigned', () => {
  assert.deepEqual(httpSpec.options.parse({ url }), {
    url, method: 'POST', headers: {}, timeout: 10_000, maxEventsPerRequest: 500, envelope: 'sluice',
  });
  const signed = httpSpec.options.parse({ url, signing: { keyId: 'k1', secret: '0123456789abcdef' } });
  assert.deepEqual(signed.signing, { keyId: 'k1', secret: '0123456789abcdef', header: 'x-sluice-signature' });
});

test('options reject what would fail at run time', () => {
  assert.match(issues(httpSpec.options, { url: 'ftp://example.com/x' }).join(), /^url: must be an http:\/\/ or https:\/\/ URL/);
  assert.match(issues(httpSpec.options, { url, method: 'PATCH' }).join(), /^method:/);
  assert.match(issues(httpSpec.options, { url, signing: { keyId: 'k1', secret: 'short' } }).join(), /^signing\.secret:/);
  assert.match(issues(httpSpec.options, { url, headers: { 'Idempotency-Key': 'x' } }).join(), /^headers\.Idempotency-Key: is set by Sluice/);
  assert.match(issues(httpSpec.options, { url, headers: { 'x-sluice-batch-id': 'x' } }).join(), /is set by Sluice/);
  assert.match(issues(httpSpec.options, { url, headers: { 'x a': 'b' } }).join(), /^headers\.x a: is not a valid HTTP header name/);
  assert.match(issues(httpSpec.options, { url, headers: { 'x-a': 'one\r\ntwo' } }).join(), /must not contain line breaks/);
  assert.match(issues(httpSpec.options, { url, signing: { keyId: 'k', secret: '0123456789abcdef', header: 'x-sluice-timestamp' } }).join(), /already used by Sluice/);
  assert.match(issues(httpSpec.options, { url, timout: '5s' }).join(), /Unrecognized key: "timout"/);
});

test('the mapping overrides only url and headers, and adds no defaults', () => {
  assert.deepEqual(httpSpec.mapping.parse({}), {});
  assert.deepEqual(httpSpec.mapping.parse({ url, headers: { 'x-route': 'a' } }), { url, headers: { 'x-route': 'a' } });
  assert.match(issues(httpSpec.mapping, { method: 'PUT' }).join(), /Unrecognized key: "method"/);
});

test('every option and mapping field has a description for the generated docs', () => {
  const undocumented: string[] = [];
  const walk = (schema: { properties?: Record<string, unknown> }, path: string) => {
    for (const [name, field] of Object.entries(schema.properties ?? {})) {
      const f = field as { description?: string; properties?: Record<string, unknown>; anyOf?: { properties?: Record<string, unknown> }[] };
      if (!f.description) undocumented.push(`${path}${name}`);
      for (const nested of [f, ...(f.anyOf ?? [])]) walk(nested, `${path}${name}.`);
    }
  };
  walk(z.toJSONSchema(httpSpec.options, { io: 'input', unrepresentable: 'any' }) as object, 'options.');
  walk(z.toJSONSchema(httpSpec.mapping, { io: 'input', unrepresentable: 'any' }) as object, 'mapping.');
  assert.deepEqual(undocumented, []);
});

test('the documented example is valid target and rule config', () => {
  const [target] = parse(httpSpec.example).targets;
  assert.equal(target.type, 'http');
  assert.equal(httpSpec.options.parse(target.http).signing?.keyId, 'k2026');
  assert.equal(httpSpec.mapping.parse(target.rules[1].http).url, 'https://payments.example.com/hooks/sluice');
});

test('createSink builds an HttpSink from parsed options', async () => {
  const sink = await httpSpec.createSink(httpSpec.options.parse({ url }), { name: 'webhook', logger: silentLogger });
  assert.ok(sink instanceof HttpSink);
});
