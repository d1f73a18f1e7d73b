import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SluiceError } from '../core/errors.ts';
import { parseConfig } from './load-config.ts';
import { sluiceConfigSchema, targetNames } from './sluice-config.ts';

const base = `
source: { host: db, user: sluice, password: "\${DB_PASS:-secret}" }
targets:
  - type: redis
    redis: { url: redis://127.0.0.1:6379 }
`;

function problems(text: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    parseConfig(sluiceConfigSchema, text, 'sluice.yaml', env);
  } catch (err) {
    assert.ok(err instanceof SluiceError);
    return err.message;
  }
  assert.fail('expected the config to be rejected');
}

test('defaults, env interpolation, durations and sizes', () => {
  const c = parseConfig(sluiceConfigSchema, `${base}pipeline: { batch: { maxBytes: 1MiB, flushInterval: 250ms }, retry: { maxDelay: 1m } }`, 'x.yaml', {});
  assert.equal(c.source.password, 'secret');
  assert.equal(c.source.port, 3306);
  assert.equal(c.pipeline.batch.maxBytes, 1024 * 1024);
  assert.equal(c.pipeline.batch.flushInterval, 250);
  assert.equal(c.pipeline.batch.maxRows, 1000);
  assert.equal(c.pipeline.retry.maxDelay, 60_000);
  assert.equal(parseConfig(sluiceConfigSchema, base, 'x.yaml', { DB_PASS: 'from-env' }).source.password, 'from-env');
});

test('errors name the file, the path and what is allowed', () => {
  const msg = problems(`${base}  - type: redis\n    redis: { structure: tree }\n`);
  assert.match(msg, /^SLUICE_1003 .*sluice\.yaml/);
  assert.match(msg, /targets\[1\]\.redis\.structure: .*"hash"/);
  assert.match(problems(`${base}pipeline: { batch: { flushInterval: soon } }`), /pipeline\.batch\.flushInterval: "soon" is not a duration/);
  assert.match(problems(base.replace('type: redis', 'type: mongo')), /targets\[0\]\.type: unknown target type; use one of: redis, http/);
  assert.match(problems(base.replace('${DB_PASS:-secret}', '${DB_PASS}')), /SLUICE_1004 .*\$\{DB_PASS\} at source\.password is not set/);
});

test('a misspelled rule block is rejected by name', () => {
  const msg = problems(`${base}    rules:\n      - match: shop.users\n        colums: { exclude: [a] }\n`);
  assert.match(msg, /targets\[0\]\.rules\[0\]\.colums: unknown rule block "colums"/);
});

test('target names default to the type, numbered when repeated', () => {
  const c = parseConfig(sluiceConfigSchema, `${base}  - type: redis\n    redis: {}\n  - type: http\n    name: hook\n    http: { url: http://x/y }\n`, 'x.yaml', {});
  assert.deepEqual(targetNames(c), ['redis', 'redis-2', 'hook']);
});
