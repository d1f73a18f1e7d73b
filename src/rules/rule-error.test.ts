import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FatalError } from '../core/errors.ts';
import { compileField, ruleError } from './rule-error.ts';

describe('rule errors', () => {
  test('ruleError is a fatal SLUICE_1005 carrying the field path', () => {
    const err = ruleError('targets[0].rules[1]', 'columns.case', 'unknown case "x"');
    assert.ok(err instanceof FatalError);
    assert.equal(err.code, 'SLUICE_1005');
    assert.equal(err.message, 'SLUICE_1005 Rule is invalid: targets[0].rules[1].columns.case: unknown case "x"');
    assert.deepEqual(err.details, { path: 'targets[0].rules[1].columns.case' });
  });

  test('compileField wraps a compile error and keeps it as the cause', () => {
    const cause = new Error('bad');
    assert.throws(() => compileField('r', 'template', () => { throw cause; }),
      (err: unknown) => err instanceof FatalError && err.message.endsWith('r.template: bad') && err.cause === cause);
    assert.equal(compileField('r', 'template', () => 42), 42);
  });
});
