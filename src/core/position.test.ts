import assert from 'node:assert/strict';
import { test } from 'node:test';
import { comparePositions, formatPosition, parsePosition, parseStartPosition } from './position.ts';

test('positions serialize and parse back', () => {
  for (const p of [{ file: 'mysql-bin.000003', pos: 1234 }, { file: 'binlog.000010', pos: 4, gtid: '0-1-28,1-2-5' }]) {
    assert.deepEqual(parsePosition(formatPosition(p)), p);
  }
  assert.equal(formatPosition({ file: 'b.000001', pos: 99, gtid: '0-1-7' }), 'b.000001:99@0-1-7');
  assert.throws(() => parsePosition('nonsense'), /SLUICE_2011/);
});

test('start positions', () => {
  assert.deepEqual(parseStartPosition('latest'), { kind: 'latest' });
  assert.deepEqual(parseStartPosition('earliest'), { kind: 'earliest' });
  assert.deepEqual(parseStartPosition('mysql-bin.000002:120'), { kind: 'file', file: 'mysql-bin.000002', pos: 120 });
  assert.deepEqual(parseStartPosition('gtid:0-1-28'), { kind: 'gtid', gtid: '0-1-28' });
  assert.deepEqual(parseStartPosition('gtid:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-27'), { kind: 'gtid', gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-27' });
  assert.throws(() => parseStartPosition('gtid:oops'), /SLUICE_2011/);
});

test('positions compare by GTID per domain, else by file index and offset', () => {
  const a = { file: 'binlog.000009', pos: 900, gtid: '0-1-10' };
  const b = { file: 'binlog.000010', pos: 100, gtid: '0-1-11' };
  assert.ok(comparePositions(a, b) < 0);
  assert.ok(comparePositions(b, a) > 0);
  assert.equal(comparePositions(a, a), 0);
  assert.ok(comparePositions({ file: 'binlog.000009', pos: 900 }, { file: 'binlog.000010', pos: 4 }) < 0);
  assert.ok(comparePositions({ file: 'binlog.000010', pos: 5 }, { file: 'binlog.000010', pos: 4 }) > 0);
  // 2^64-scale sequence numbers compare exactly
  assert.ok(comparePositions({ file: 'b.1', pos: 4, gtid: '0-1-18446744073709551614' }, { file: 'b.1', pos: 4, gtid: '0-1-18446744073709551615' }) < 0);
});
