import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate } from './template.ts';

describe('compileTemplate', () => {
  test('renders {{col}}, {{.col}} and spaced placeholders', () => {
    const t = compileTemplate('user:{{id}}|{{ .name }}|{{.id}}');
    assert.deepEqual(t.columns, ['id', 'name', 'id']);
    assert.equal(t.render({ id: 3, name: 'ann' }), 'user:3|ann|3');
  });

  test('missing and null columns render as empty', () => {
    assert.equal(compileTemplate('[{{a}}][{{b}}]').render({ a: null }), '[][]');
  });

  test('text without placeholders is copied', () => {
    assert.equal(compileTemplate('fixed } {').render({}), 'fixed } {');
  });

  test('rejects unclosed, empty and non-column placeholders', () => {
    assert.throws(() => compileTemplate('a{{id'), /"\{\{" at position 1 has no closing/);
    assert.throws(() => compileTemplate('{{ }}'), /must be one column name/);
    assert.throws(() => compileTemplate('{{ if .x }}'), /placeholder "\{\{ if \.x \}\}"/);
  });
});
