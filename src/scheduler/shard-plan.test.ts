import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planShards, shardItems } from './shard-plan.ts';

const provinces = ['tianjin', 'shanghai', 'chongqing', 'hebei', 'shanxi', 'liaoning', 'jilin', 'jiangsu', 'zhejiang', 'anhui'];

test("gojob's example: 10 provinces on 3 executors → contiguous blocks of 4, 3, 3", () => {
  const shards = planShards(provinces, 3);
  assert.deepEqual(shards.map((s) => s.items), [provinces.slice(0, 4), provinces.slice(4, 7), provinces.slice(7)]);
  assert.deepEqual(shards.map((s) => [s.index, s.total]), [[0, 3], [1, 3], [2, 3]]);
});

test('count: items 0..count-1; never more shards than items; no executor → one shard with everything', () => {
  const items = shardItems({ shards: { count: 5 } });
  assert.deepEqual(items, ['0', '1', '2', '3', '4']);
  assert.deepEqual(planShards(items, 8).map((s) => s.items), [['0'], ['1'], ['2'], ['3'], ['4']]);
  assert.deepEqual(planShards(items, 2).map((s) => s.items), [['0', '1', '2'], ['3', '4']]);
  assert.deepEqual(planShards(items, 0).map((s) => s.items), [['0', '1', '2', '3', '4']]);
});

test('unsharded: one shard 0/1 without items', () => {
  assert.equal(shardItems({}), undefined);
  assert.deepEqual(planShards(undefined, 4), [{ index: 0, total: 1, items: [] }]);
});
