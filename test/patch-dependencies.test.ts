import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The postinstall speed patches of @vlasky/zongji are applied and give the original results. */
const common = join(dirname(fileURLToPath(import.meta.resolve('@vlasky/zongji'))), 'lib', 'common.js');
const { zeroPad, parseIEEE754Float } = await import(pathToFileURL(common).href) as {
  zeroPad(num: number | string, size: number): string;
  parseIEEE754Float(high: number, low?: number): number;
};

const originalZeroPad = (num: number | string, size: number) => {
  const s = '00000000000000000000000000000000' + num;
  return s.substr(s.length - size);
};

test('zongji is patched and zeroPad matches the original', async () => {
  const { readFile } = await import('node:fs/promises');
  assert.equal((await readFile(common, 'utf8')).match(/patched by sluice/g)?.length, 2);
  for (const size of [1, 2, 3, 4, 6, 9, 12]) {
    for (const num of [0, 5, 42, 999, 123456, 123456789, 1234567890123, '7', '0042', -5]) {
      assert.equal(zeroPad(num, size), originalZeroPad(num, size), `zeroPad(${num}, ${size})`);
    }
  }
});

test('parseIEEE754Float matches a fresh DataView', () => {
  const view = new DataView(new ArrayBuffer(8));
  for (const x of [0, -0, 0.1, -1.7976931348623157e308, 3.14159, Number.MIN_VALUE, Infinity, NaN]) {
    view.setFloat64(0, x);
    assert.ok(Object.is(parseIEEE754Float(view.getUint32(0), view.getUint32(4)), x));
    view.setFloat32(0, x);
    assert.ok(Object.is(parseIEEE754Float(view.getUint32(0)), view.getFloat32(0)));
  }
});
