import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decoderFor, float32 } from './column-decoder.ts';

const utc = { timezone: 'UTC', bitAs: 'number', zeroDate: 'string' } as const;

test('DATETIME carries the offset of source.timezone, DST included', () => {
  const shanghai = decoderFor('datetime(6)', { ...utc, timezone: 'Asia/Shanghai' }, false)!;
  assert.equal(shanghai('2024-02-29 23:59:59.123456'), '2024-02-29T23:59:59.123456+08:00');
  const ny = decoderFor('datetime', { ...utc, timezone: 'America/New_York' }, false)!;
  assert.equal(ny('2024-01-15 12:00:00'), '2024-01-15T12:00:00-05:00');
  assert.equal(ny('2024-07-15 12:00:00'), '2024-07-15T12:00:00-04:00');
  assert.equal(decoderFor('datetime(3)', utc, false)!('2024-07-15 12:00:00.250'), '2024-07-15T12:00:00.250Z');
});

test('zero dates as strings or null; TIMESTAMP always UTC', () => {
  assert.equal(decoderFor('date', utc, false)!('0000-00-00'), '0000-00-00');
  assert.equal(decoderFor('datetime', { ...utc, zeroDate: 'null' }, false)!('0000-00-00 00:00:00'), null);
  assert.equal(decoderFor('timestamp(6)', { ...utc, timezone: 'Asia/Shanghai' }, false)!('2024-02-29 12:34:56.000001'), '2024-02-29T12:34:56.000001Z');
});

test('numbers, bits, sets and text need no copy or are decoded exactly', () => {
  assert.equal(decoderFor('decimal(30,10)', utc, false), null);
  assert.equal(decoderFor('varchar(10)', utc, false), null);
  assert.equal(float32(Math.fround(3.14159)), 3.14159);
  assert.equal(decoderFor('bit(64)', utc, false)!(Buffer.from('ffffffffffffffff', 'hex')), '18446744073709551615');
  assert.equal(decoderFor('bit(4)', { ...utc, bitAs: 'string' }, false)!(Buffer.from([10])), '1010');
  assert.deepEqual(decoderFor('set', utc, false)!('a,b'), ['a', 'b']);
  assert.equal(decoderFor('year', utc, false)!(1900), 0);
  assert.equal(decoderFor('blob', utc, false)!(Buffer.from([0, 255])), 'AP8=');
});
