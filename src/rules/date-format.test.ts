import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDateFormat } from './date-format.ts';

const fmt = (pattern: string, value: string) => compileDateFormat(pattern)(value);

describe('compileDateFormat', () => {
  test('Java / go-mysql-transfer tokens', () => {
    assert.equal(fmt('yyyy/MM/dd HH:mm:ss', '2024-02-29 23:59:59.123456'), '2024/02/29 23:59:59');
    assert.equal(fmt('dd.MM.yy', '2024-02-29'), '29.02.24');
  });

  test('moment tokens', () => {
    assert.equal(fmt('YYYY-MM-DD', '2024-02-29 23:59:59'), '2024-02-29');
    assert.equal(fmt('D/M/YYYY H:m:s', '2024-03-05 07:08:09'), '5/3/2024 7:8:9');
  });

  test('fraction digits are truncated or zero-padded, never rounded', () => {
    assert.equal(fmt('ss.SSS', '2024-02-29 23:59:59.123956'), '59.123');
    assert.equal(fmt('ss.SSSSSS', '2024-02-29 23:59:59.123456'), '59.123456');
    assert.equal(fmt('ss.SSSSSS', '2024-02-29 23:59:59.5'), '59.500000');
    assert.equal(fmt('ss.SSS', '2024-02-29 23:59:59'), '59.000');
  });

  test('a date value formats with a midnight time', () => {
    assert.equal(fmt('yyyy-MM-dd HH:mm:ss', '2024-02-29'), '2024-02-29 00:00:00');
  });

  test('quoted and bracketed literal text is preserved', () => {
    assert.equal(fmt("yyyy-MM-dd'T'HH:mm:ss'Z'", '2024-02-29 23:59:59'), '2024-02-29T23:59:59Z');
    assert.equal(fmt('YYYY-MM-DD[T]HH:mm', '2024-02-29 23:59:59'), '2024-02-29T23:59');
    assert.equal(fmt("HH 'o''clock'", '2024-02-29 08:00:00'), "08 o'clock");
    assert.equal(fmt("HH''mm", '2024-02-29 08:30:00'), "08'30");
  });

  test('zero dates, non-dates and years beyond the JS Date range pass through', () => {
    const f = compileDateFormat('yyyy/MM/dd');
    assert.equal(f('0000-00-00'), '0000-00-00');
    assert.equal(f('0000-00-00 00:00:00'), '0000-00-00 00:00:00');
    assert.equal(f('n/a'), 'n/a');
    assert.equal(f('9999-12-31 23:59:59.999999'), '9999/12/31');
  });

  test('unknown letters and unterminated literals are rejected with the position', () => {
    assert.throws(() => compileDateFormat('hh:mm'), /unsupported token "hh" at position 0/);
    assert.throws(() => compileDateFormat('yyyy-MMM'), /unsupported token "MMM" at position 5/);
    assert.throws(() => compileDateFormat("yyyy'T"), /unterminated '...' literal at position 4/);
  });
});
