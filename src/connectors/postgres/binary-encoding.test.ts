import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeNumeric } from './binary-numeric.ts';
import { daysSince2000, validDate } from './binary-time.ts';
import { BinaryPlan, copyBinaryRows } from './copy-binary-rows.ts';
import type { BinaryForm, BinaryRows } from '../sql/binary-rows.ts';

/** ndigits, weight, sign, dscale and the base-10000 digits of a decimal literal's numeric field. */
function numeric(literal: string): number[] | undefined {
  const src = Buffer.from(`x${literal}y`, 'latin1');
  const part = Buffer.alloc(128);
  const end = writeNumeric(src, 1, src.length - 1, part, 0);
  if (end < 0) return undefined;
  assert.equal(part.readInt32BE(0), end - 4, `${literal}: field length`);
  const out = [part.readInt16BE(4), part.readInt16BE(6), part.readUInt16BE(8), part.readInt16BE(10)];
  for (let at = 12; at < end; at += 2) out.push(part.readInt16BE(at));
  return out;
}

test('numeric: base-10000 digits aligned at the point, zeros trimmed, scale as written', () => {
  assert.deepEqual(numeric('12345678901234567890.0123456789'), [8, 4, 0, 10, 1234, 5678, 9012, 3456, 7890, 123, 4567, 8900]);
  assert.deepEqual(numeric('-0.0000000001'), [1, -3, 0x4000, 10, 100]);
  assert.deepEqual(numeric('120.50'), [2, 0, 0, 2, 120, 5000]);
  assert.deepEqual(numeric('0'), [0, 0, 0, 0]);
  assert.deepEqual(numeric('-0.00'), [0, 0, 0, 2]);
  assert.deepEqual(numeric('10000'), [1, 1, 0, 0, 1]);
  assert.deepEqual(numeric('00042'), [1, 0, 0, 0, 42]);
  assert.deepEqual(numeric('.5'), [1, -1, 0, 1, 5000]);
  assert.deepEqual(numeric('18446744073709551615'), [5, 4, 0, 0, 1844, 6744, 737, 955, 1615]);
  for (const bad of ['', '-', '.', '1e5', '12a', '1.2.3']) assert.equal(numeric(bad), undefined, bad);
});

test('dates: days since 2000-01-01 for every day from year 1 to 9999 agree with Date.UTC; invalid dates are refused', () => {
  const epoch = Date.UTC(2000, 0, 1);
  const at = new Date(0);
  for (let y = 1; y <= 9999; y += y < 2100 ? 1 : 97) {
    for (let m = 1; m <= 12; m++) {
      for (let d = 1; d <= 31; d++) {
        at.setUTCFullYear(y, m - 1, d);
        const real = at.getUTCMonth() === m - 1;
        assert.equal(validDate(y, m, d), real, `${y}-${m}-${d}`);
        if (real) assert.equal(daysSince2000(y, m, d), (at.getTime() - epoch) / 86_400_000, `${y}-${m}-${d}`);
      }
    }
  }
  for (const [y, m, d] of [[0, 1, 1], [2024, 0, 1], [2024, 1, 0], [2023, 2, 29], [10000, 1, 1]] as const) assert.equal(validDate(y, m, d), false);
});

/** BinaryRows of one column of MySQL binary-protocol date-times. */
function dateTimeRows(values: Buffer[]): BinaryRows {
  const data = Buffer.concat(values);
  const bounds = new Int32Array(2 * values.length);
  let at = 0;
  values.forEach((v, i) => {
    bounds[2 * i] = at;
    bounds[2 * i + 1] = at += v.length;
  });
  const forms: BinaryForm[] = [{ kind: 'date', time: true }];
  return { count: values.length, width: 1, columns: [{ name: 't', type: 'datetime(6)', family: 'datetime', nullable: true }], forms, data, bounds };
}

function mysqlDateTime(y: number, mo: number, d: number, h: number, mi: number, s: number, us: number): Buffer {
  const b = Buffer.alloc(11);
  b.writeUInt16LE(y, 0);
  b.set([mo, d, h, mi, s], 2);
  b.writeUInt32LE(us, 7);
  return b;
}

test('timestamps: microseconds since 2000-01-01 in 64 bits, exact over the whole range', () => {
  const cases: [number, number, number, number, number, number, number][] = [
    [2000, 1, 1, 0, 0, 0, 0], [1999, 12, 31, 23, 59, 59, 999_999], [1970, 1, 1, 0, 0, 0, 1], [1, 1, 1, 0, 0, 0, 0],
    [9999, 12, 31, 23, 59, 59, 999_999], [2038, 1, 19, 3, 14, 7, 500_000], [1582, 10, 4, 12, 0, 0, 0],
  ];
  for (let i = 0; i < 2000; i++) {
    cases.push([1 + Math.floor(Math.random() * 9999), 1 + Math.floor(Math.random() * 12), 1 + Math.floor(Math.random() * 28),
      Math.floor(Math.random() * 24), Math.floor(Math.random() * 60), Math.floor(Math.random() * 60), Math.floor(Math.random() * 1e6)]);
  }
  const parts = copyBinaryRows(dateTimeRows(cases.map((c) => mysqlDateTime(...c))), [BinaryPlan.Timestamp])!;
  const out = Buffer.concat(parts);
  let at = 19;
  for (const [y, mo, d, h, mi, s, us] of cases) {
    assert.equal(out.readInt16BE(at), 1);
    assert.equal(out.readInt32BE(at + 2), 8);
    const days = BigInt(daysSince2000(y, mo, d));
    const want = days * 86_400_000_000n + BigInt(((h * 60 + mi) * 60 + s) * 1_000_000 + us);
    assert.equal(out.readBigInt64BE(at + 6), want, `${y}-${mo}-${d} ${h}:${mi}:${s}.${us}`);
    at += 14;
  }
  assert.equal(out.readInt16BE(at), -1, 'trailer');
  assert.equal(copyBinaryRows(dateTimeRows([Buffer.alloc(0)]), [BinaryPlan.Timestamp]), undefined, 'the zero date is refused');
  assert.equal(copyBinaryRows(dateTimeRows([mysqlDateTime(2024, 2, 30, 0, 0, 0, 0)]), [BinaryPlan.Timestamp]), undefined, 'February 30 is refused');
});
