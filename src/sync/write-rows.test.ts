import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sqlError } from '../connectors/sql/sql-error.ts';
import type { SqlRow, TableWriter } from '../connectors/sql/sql-engine.ts';
import type { TextRows } from '../connectors/sql/text-rows.ts';
import { writeRows, writeTextRows, type RejectedRow, type WriteTarget } from './write-rows.ts';

/** A writer that rejects (as a database data error) any call holding a row whose value is 'bad'. */
function fakeWriter(bulk: boolean): { writer: TableWriter; calls: number[]; written: SqlRow[] } {
  const calls: number[] = [];
  const written: SqlRow[] = [];
  const writer: TableWriter = {
    ...(bulk ? { bulk } : {}),
    async write(_table, _columns, _key, rows) {
      calls.push(rows.length);
      if (rows.some((r) => r[1] === 'bad')) throw sqlError('fake', 'writing', { name: 't' }, Object.assign(new Error('value too long'), { code: '22001' }));
      written.push(...rows);
    },
    async deleteKeys() {
      return 0;
    },
  };
  return { writer, calls, written };
}

const target: WriteTarget = { table: { name: 't' }, columns: ['id', 'v'], key: ['id'], mode: 'upsert', writeBatch: 100 };
const rows: SqlRow[] = Array.from({ length: 1000 }, (_, i) => [i, i === 17 || i === 640 ? 'bad' : 'ok']);

test('statement-sized calls of writeBatch rows, bad rows isolated', async () => {
  const { writer, calls, written } = fakeWriter(false);
  const rejected: RejectedRow[] = [];
  assert.equal(await writeRows(writer, target, rows, rejected), 998);
  assert.deepEqual(rejected.map((r) => r.row[0]), [17, 640]);
  assert.equal(rejected[0]!.reason, 'value too long');
  assert.equal(written.length, 998);
  assert.ok(calls.every((n) => n <= 100));
});

test('a bulk writer gets the whole chunk in one call; bad rows are isolated the same way', async () => {
  const { writer, calls, written } = fakeWriter(true);
  const rejected: RejectedRow[] = [];
  assert.equal(await writeRows(writer, target, rows.filter((r) => r[1] === 'ok'), rejected), 998);
  assert.deepEqual(calls, [998]);
  calls.length = 0;
  written.length = 0;
  assert.equal(await writeRows(writer, target, rows, rejected), 998);
  assert.equal(calls[0], 1000);
  assert.deepEqual(rejected.map((r) => r.row[0]), [17, 640]);
  assert.deepEqual(written.map((r) => r[0]), rows.map((r) => r[0]).filter((id) => id !== 17 && id !== 640));
  assert.equal(await writeRows(writer, target, [], rejected), 0);
});

/** TextRows standing for `rows` (writeTextRows only counts and decodes them). */
const textRows = (of: SqlRow[]): TextRows => ({ count: of.length, width: 2, columns: [], forms: [], data: new Uint8Array(), bounds: new Int32Array(), row: (r) => [...of[r]!] });

test('text rows: one writeText call when the writer takes them; else, or when their data is rejected, as rows', async () => {
  const good = rows.filter((r) => r[1] === 'ok');
  const { writer, calls, written } = fakeWriter(true);
  const texts: number[] = [];
  let answer: 'take' | 'decline' | 'reject' | 'fail' = 'take';
  writer.writeText = async (_t, _c, _k, input) => {
    texts.push(input.count);
    if (answer === 'reject') throw sqlError('fake', 'writing', { name: 't' }, Object.assign(new Error('value too long'), { code: '22001' }));
    if (answer === 'fail') throw sqlError('fake', 'writing', { name: 't' }, Object.assign(new Error('connection lost'), { code: '08006' }));
    return answer === 'take';
  };
  const rejected: RejectedRow[] = [];
  assert.equal(await writeTextRows(writer, target, textRows(good), rejected), 998);
  assert.deepEqual([texts, calls], [[998], []]);
  answer = 'decline';
  assert.equal(await writeTextRows(writer, target, textRows(good), rejected), 998);
  assert.deepEqual(calls, [998]);
  assert.deepEqual(written, good);
  answer = 'reject';
  written.length = 0;
  assert.equal(await writeTextRows(writer, target, textRows(rows), rejected), 998);
  assert.deepEqual(rejected.map((r) => r.row[0]), [17, 640]);
  assert.deepEqual(written.map((r) => r[0]), good.map((r) => r[0]));
  answer = 'fail';
  await assert.rejects(writeTextRows(writer, target, textRows(good), []), /connection lost/);
  const plain = fakeWriter(true);
  assert.equal(await writeTextRows(plain.writer, target, textRows(good), []), 998);
  assert.deepEqual(plain.calls, [998]);
});
