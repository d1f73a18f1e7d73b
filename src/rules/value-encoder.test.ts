import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { valueEncoders, valueText } from './value-encoder.ts';

const row = { id: 7, name: 'ann', note: null, vip: true, tags: ['a', 'b'] };

describe('value encoders', () => {
  test('json keeps numbers as numbers and strings as strings', () => {
    assert.equal(valueEncoders.json(row), '{"id":7,"name":"ann","note":null,"vip":true,"tags":["a","b"]}');
  });

  test('kv-commas writes key=value pairs in row order, null as empty', () => {
    assert.equal(valueEncoders['kv-commas'](row), 'id=7,name=ann,note=,vip=true,tags=["a","b"]');
  });

  test('v-commas writes values only, null as empty', () => {
    assert.equal(valueEncoders['v-commas'](row), '7,ann,,true,["a","b"]');
  });

  test('comma forms of an empty row are empty', () => {
    assert.equal(valueEncoders['kv-commas']({}), '');
    assert.equal(valueEncoders['v-commas']({}), '');
  });

  test('valueText renders missing and null as empty, objects as JSON', () => {
    assert.equal(valueText(undefined), '');
    assert.equal(valueText(null), '');
    assert.equal(valueText(1.5), '1.5');
    assert.equal(valueText({ a: 1 }), '{"a":1}');
  });
});
