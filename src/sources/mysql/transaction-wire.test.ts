import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createChangeEvent, type TableSchema, type Transaction } from '../../core/event.ts';
import { sluiceError } from '../../core/errors.ts';
import { parseJsonExact } from './column-decoder.ts';
import { errorFromWire, errorToWire } from './thread-protocol.ts';
import { portable, WireDecoder, WireEncoder } from './transaction-wire.ts';

const schema: TableSchema = Object.freeze({
  db: 'shop', table: 'items', primaryKey: ['id'],
  columns: [{ name: 'id', type: 'int' }, { name: 'doc', type: 'longtext' }, { name: 'tags', type: "set('a','b')" }],
});
const position = Object.freeze({ file: 'binlog.000001', pos: 900, gtid: '0-1-7' });

function txn(rows: { before: Record<string, unknown> | null; after: Record<string, unknown> | null; op: 'insert' | 'update' | 'delete' }[]): Transaction {
  const events = rows.map((r, index) => createChangeEvent({
    txnId: '0-1-7', index, op: r.op, schema, before: r.before as never, after: r.after as never, position, commitTime: 1_700_000_000_000,
  }));
  return { id: '0-1-7', events, position, commitTime: 1_700_000_000_000, bytes: 321 };
}

test('transactions survive the thread hand-off unchanged, schemas sent once', () => {
  const encoder = new WireEncoder();
  const decoder = new WireDecoder();
  const original = txn([
    { op: 'insert', before: null, after: { id: 1, doc: { a: [1, 'x'] }, tags: ['a'] } },
    { op: 'update', before: { id: 1, doc: null, tags: [] }, after: { id: 1, doc: 'text', tags: ['a', 'b'] } },
    { op: 'delete', before: { id: 2, doc: null, tags: [] }, after: null },
  ]);
  encoder.add(original);
  assert.equal(encoder.pendingRows, 3);
  const first = structuredClone(encoder.take());
  assert.equal(first.schemas.length, 1);
  const [copy] = decoder.decode(first);
  assert.deepEqual(copy, original);
  assert.ok(Object.isFrozen(copy!.events[0]));

  encoder.add(original);
  const second = structuredClone(encoder.take());
  assert.equal(second.schemas.length, 0, 'a known schema is not sent again');
  assert.deepEqual(decoder.decode(second)[0], original);
});

test('JSON values holding integers beyond 2^53 travel as exact text', () => {
  const doc = parseJsonExact('{"big":12345678901234567890,"list":[1,99999999999999999999]}');
  const original = txn([{ op: 'insert', before: null, after: { id: 1, doc, tags: [] } }]);
  const encoder = new WireEncoder();
  encoder.add(original);
  const batch = encoder.take();
  assert.throws(() => structuredClone(batch), { name: 'DataCloneError' });
  const [copy] = new WireDecoder().decode(structuredClone(portable(batch)));
  assert.equal(JSON.stringify(copy!.events[0]!.after!.doc), '{"big":12345678901234567890,"list":[1,99999999999999999999]}');
  assert.deepEqual(copy!.events[0]!.key, [1]);
  assert.equal(JSON.stringify((batch.txns[0]!.events[3] as { doc: unknown }).doc), JSON.stringify(doc), 'the original batch is not modified');
});

test('errors keep their code, detail and kind across the thread boundary', () => {
  const original = sluiceError('SLUICE_2008', 'binlog.000001 was purged', { details: { file: 'binlog.000001' } });
  const copy = errorFromWire(structuredClone(errorToWire(original)));
  assert.equal(copy.message, original.message);
  assert.equal(copy.kind, 'fatal');
  assert.deepEqual(copy.details, { file: 'binlog.000001' });
  const plain = errorFromWire(errorToWire(new Error('socket hang up')));
  assert.equal(plain.code, 'SLUICE_2009');
  assert.match(plain.message, /socket hang up/);
});
