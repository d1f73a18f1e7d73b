import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderJson, renderTemplate } from './template.ts';

test('path placeholders are URL-encoded, so a value cannot add a segment or a parameter', () => {
  assert.equal(renderTemplate('/run/{{region}}/{{ fireId }}', { region: 'a/b?x=1&y', fireId: '42' }, 'path', true), '/run/a%2Fb%3Fx%3D1%26y/42');
  assert.equal(renderTemplate('{{n}} {{list}}', { n: 3, list: ['x', 'y'] }, 'header'), '3 ["x","y"]');
});

test('an unknown placeholder fails with SLUICE_7220 and names it', () => {
  assert.throws(() => renderTemplate('/x/{{nope}}', { a: 1 }, 'job j http.path', true), /SLUICE_7220.*job j http\.path: \{\{nope\}\}/);
});

test('JSON bodies: strings templated; a lone placeholder keeps the value\'s type', () => {
  const body = renderJson({ items: '{{shardItems}}', at: '{{scheduledAt}}', note: 'fire {{fireId}}', n: 1, deep: [{ x: '{{fireId}}' }] },
    { shardItems: ['a', 'b'], scheduledAt: 1700, fireId: '9' }, 'body');
  assert.deepEqual(body, { items: ['a', 'b'], at: 1700, note: 'fire 9', n: 1, deep: [{ x: '9' }] });
});
