import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { ConformanceFixture } from './engine-conformance.ts';

export function readConformance(fx: ConformanceFixture): void {
  const items = { name: 'items' };
  const pairs = { name: 'pairs' };
  const events = { name: 'events' };

  before(async () => {
    const rows = Array.from({ length: 10 }, (_, i) => [i + 1, `item ${i + 1}`, i % 3 === 0 ? 'draft' : 'live', i * 10]);
    const pairRows = [[1, 'a', 'x'], [1, 'b', 'x'], [1, 'c', 'y'], [2, 'a', 'x'], [2, 'b', 'y'], [3, 'a', 'x']];
    const eventRows = [
      [1, '2024-01-01 00:00:00Z', 1], [2, '2024-01-01 00:00:00Z', 2], [3, '2024-01-01 00:00:01.5Z', 3],
      [4, '2024-01-02 00:00:00Z', 4], [5, '2024-01-02 00:00:00Z', 5], [6, '2024-01-03 00:00:00.000001Z', 6], [7, null, 7],
    ];
    await fx.engine.transaction(async (w) => {
      await w.write(items, ['id', 'name', 'status', 'qty'], ['id'], rows, 'insert');
      await w.write(pairs, ['grp', 'code', 'val'], ['grp', 'code'], pairRows, 'insert');
      await w.write(events, ['id', 'ts', 'v'], ['id'], eventRows, 'insert');
    });
  });

  test('boundary: the key ending each chunk of `count` rows; undefined when fewer are left', async () => {
    assert.deepEqual(await fx.engine.boundary(items, ['id'], undefined, 3), [3]);
    assert.deepEqual(await fx.engine.boundary(items, ['id'], [3], 3), [6]);
    assert.deepEqual(await fx.engine.boundary(items, ['id'], [8], 2), [10]);
    assert.equal(await fx.engine.boundary(items, ['id'], [8], 3), undefined);
    assert.equal(await fx.engine.boundary(items, ['id'], [10], 1), undefined);
  });

  test('boundary with a WHERE filter counts only matching rows', async () => {
    // live rows: 2, 3, 5, 6, 8, 9
    assert.deepEqual(await fx.engine.boundary(items, ['id'], undefined, 3, { where: "status <> 'draft'" }), [5]);
    assert.deepEqual(await fx.engine.boundary(items, ['id'], [5], 3, { where: "status <> 'draft'" }), [9]);
  });

  test('readRange: rows after `after` up to and including `upTo`, in key order, with limit and filter', async () => {
    const ids = async (range: Parameters<typeof fx.engine.readRange>[3], options = {}) =>
      (await fx.engine.readRange(items, ['id', 'name'], ['id'], range, options)).map((r) => r[0]);
    assert.deepEqual(await ids({ after: [3], upTo: [6] }), [4, 5, 6]);
    assert.deepEqual(await ids({ upTo: [2] }), [1, 2]);
    assert.deepEqual(await ids({ after: [8] }), [9, 10]);
    assert.deepEqual(await ids({}, { limit: 2 }), [1, 2]);
    assert.deepEqual(await ids({ after: [1], upTo: [7] }, { where: "status <> 'draft'" }), [2, 3, 5, 6]);
    const [row] = await fx.engine.readRange(items, ['name', 'status', 'qty'], ['id'], { after: [1], upTo: [2] });
    assert.deepEqual(row, ['item 2', 'live', 10]);
  });

  test('composite keys (int, varchar): boundary and readRange compare the whole key', async () => {
    const key = ['grp', 'code'];
    assert.deepEqual(await fx.engine.boundary(pairs, key, undefined, 2), [1, 'b']);
    assert.deepEqual(await fx.engine.boundary(pairs, key, [1, 'b'], 2), [2, 'a']);
    assert.deepEqual(await fx.engine.boundary(pairs, key, [1, 'c'], 3), [3, 'a']);
    assert.equal(await fx.engine.boundary(pairs, key, [2, 'b'], 2), undefined);
    const rows = await fx.engine.readRange(pairs, ['grp', 'code', 'val'], key, { after: [1, 'b'], upTo: [2, 'b'] });
    assert.deepEqual(rows, [[1, 'c', 'y'], [2, 'a', 'x'], [2, 'b', 'y']]);
    const filtered = await fx.engine.readRange(pairs, key, key, { after: [1, 'a'] }, { where: "val = 'x'" });
    assert.deepEqual(filtered, [[1, 'b'], [2, 'a'], [3, 'a']]);
    assert.deepEqual(await fx.engine.boundary(pairs, key, [1, 'a'], 2, { where: "val = 'x'" }), [2, 'a']);
  });

  test('keysPresent: which keys have a row (composite keys, with a filter), in the order asked', async () => {
    const keys = [[2, 'b'], [9, 'z'], [1, 'a'], [3, 'a'], [1, 'z']];
    assert.deepEqual(await fx.engine.keysPresent(pairs, ['grp', 'code'], keys), [true, false, true, true, false]);
    assert.deepEqual(await fx.engine.keysPresent(pairs, ['grp', 'code'], keys, { where: "val = 'x'" }), [false, false, true, true, false]);
    const many = Array.from({ length: 450 }, (_, i) => [i + 1]);
    const present = await fx.engine.keysPresent(items, ['id'], many);
    assert.deepEqual(present.flatMap((p, i) => (p ? [i + 1] : [])), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await fx.engine.keysPresent(items, ['id'], []), []);
  });

  test('an empty table: no boundary, no rows', async () => {
    assert.equal(await fx.engine.boundary({ name: 'empty_t' }, ['id'], undefined, 1), undefined);
    assert.deepEqual(await fx.engine.readRange({ name: 'empty_t' }, ['id', 'v'], ['id'], {}), []);
    assert.deepEqual(await fx.engine.readRange({ name: 'empty_t' }, ['id', 'v'], ['id'], { after: [1], upTo: [5] }), []);
  });

  test('readByCursor: (cursor, key) order after a position, from a start, up to a bound; NULL cursors are skipped', async () => {
    const read = async (position: Parameters<typeof fx.engine.readByCursor>[4], upTo: string | null, limit = 100, where?: string) =>
      fx.engine.readByCursor(events, ['id', 'ts'], 'ts', ['id'], position, upTo, limit, where === undefined ? {} : { where });
    assert.deepEqual(await read({ from: null }, null, 3), [
      [1, '2024-01-01 00:00:00Z'], [2, '2024-01-01 00:00:00Z'], [3, '2024-01-01 00:00:01.5Z'],
    ]);
    const afterFirst = await read({ from: null, after: { cursor: '2024-01-01 00:00:00Z', key: [1] } }, '2024-01-02 00:00:00Z');
    assert.deepEqual(afterFirst.map((r) => r[0]), [2, 3, 4, 5]);
    assert.deepEqual((await read({ from: '2024-01-02 00:00:00Z' }, null)).map((r) => r[0]), [4, 5, 6]);
    assert.deepEqual((await read({ from: '2024-01-01 00:00:01Z' }, '2024-01-02 00:00:00Z', 100, 'v <> 4')).map((r) => r[0]), [3, 5]);
    assert.deepEqual(await read({ from: null, after: { cursor: '2024-01-03 00:00:00.000001Z', key: [6] } }, null), []);
    // A cursor bound given as a wall-clock value means UTC.
    assert.deepEqual((await read({ from: '2024-01-02 00:00:00' }, '2024-01-02 00:00:00.000000')).map((r) => r[0]), [4, 5]);
  });

  test('readByCursor on an integer cursor column', async () => {
    const rows = await fx.engine.readByCursor(items, ['id', 'qty'], 'qty', ['id'], { from: 30 }, 60, 10);
    assert.deepEqual(rows, [[4, 30], [5, 40], [6, 50], [7, 60]]);
    const next = await fx.engine.readByCursor(items, ['id', 'qty'], 'qty', ['id'], { from: 30, after: { cursor: 40, key: [5] } }, null, 2);
    assert.deepEqual(next, [[6, 50], [7, 60]]);
  });
}
