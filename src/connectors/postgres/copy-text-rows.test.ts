import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlColumn, SqlRow, SqlValue, TypeFamily } from '../sql/sql-engine.ts';
import type { TextRows, WireForm } from '../sql/text-rows.ts';
import { copyText } from './copy-text.ts';
import { copyFieldPlans, copyTextRows, takesSourceText } from './copy-text-rows.ts';
import { postgresParam } from './values.ts';

type Field = string | Uint8Array | null;

const column = (family: TypeFamily, extra: Partial<SqlColumn> = {}): SqlColumn => ({ name: family, type: family, family, nullable: true, ...extra });

/** TextRows over the given field bytes (strings as UTF-8); `decode` gives a field's value. */
function textRows(columns: SqlColumn[], forms: WireForm[], fields: Field[][], decode: (c: number, f: Field) => SqlValue): TextRows {
  const width = columns.length;
  const chunks: Buffer[] = [];
  const bounds = new Int32Array(2 * width * fields.length);
  let at = 3; // fields need not start at 0
  chunks.push(Buffer.from('xyz'));
  fields.forEach((row, r) => row.forEach((f, c) => {
    const i = 2 * (r * width + c);
    if (f === null) {
      bounds[i] = bounds[i + 1] = -1;
      return;
    }
    const bytes = typeof f === 'string' ? Buffer.from(f, 'utf8') : Buffer.from(f);
    chunks.push(bytes, Buffer.from([0xfb]));
    bounds[i] = at;
    bounds[i + 1] = at + bytes.length;
    at += bytes.length + 1;
  }));
  return {
    count: fields.length, width, columns, forms, data: Buffer.concat(chunks), bounds,
    row: (r) => fields[r]!.map((f, c) => (f === null ? null : decode(c, f))),
  };
}

const asText = (_c: number, f: Field) => (typeof f === 'string' ? f : Buffer.from(f!));
const encode = (rows: TextRows, targets: SqlColumn[], partBytes?: number) => {
  const plans = copyFieldPlans(rows, targets)!;
  return copyTextRows(rows, plans, (i, v) => postgresParam(targets[i], v), targets.map((t) => t.family === 'binary'), partBytes);
};
const text = (parts: Buffer[] | undefined) => Buffer.concat(parts!).toString('utf8');

test('text fields are copied with backslash, tab, newline and carriage return escaped; NULL is \\N', () => {
  const cols = [column('string'), column('string')];
  const rows = textRows(cols, ['text', 'text'], [
    ['plain', ''], [null, 'a\\b\tc\nd\re'], ['\\N', '\\.'], ['ünïcödé 😀 𝄞', 'x\u000by\fz\b\u0000'],
  ], asText);
  assert.equal(text(encode(rows, cols)), 'plain\t\n\\N\ta\\\\b\\tc\\nd\\re\n\\\\N\t\\\\.\nünïcödé 😀 𝄞\tx\u000by\fz\b\u0000\n');
});

test('numbers, decimals, dates and times go as the source printed them', () => {
  const families: TypeFamily[] = ['integer', 'integer', 'decimal', 'decimal', 'float', 'date', 'datetime', 'timestamp', 'time', 'boolean', 'json'];
  const cols = families.map((f) => column(f, f === 'float' ? { length: 53 } : {}));
  const fields: Field[] = ['-2147483648', '18446744073709551615', '-0.0000000001', '120.50', '-1.7976931348623157e308', '2024-02-29',
    '2024-02-29 23:59:59.120000', '2038-01-19 03:14:07.000', '-838:59:59', '1', '{"a": "line\\nbreak", "big": 18446744073709551615}'];
  const rows = textRows(cols, families.map(() => 'text'), [fields], asText);
  assert.deepEqual(copyFieldPlans(rows, cols), families.map(() => 'text'));
  assert.equal(text(encode(rows, cols)), `${fields.map((f) => (f as string).replace(/\\/g, '\\\\')).join('\t')}\n`);
});

test('bytes go as bytea hex with the backslash escaped; into a column that is not bytea, not at all', () => {
  const cols = [column('binary'), column('binary')];
  const rows = textRows(cols, ['bytes', 'bytes'], [[new Uint8Array([0, 1, 9, 10, 13, 92, 0xab, 0xff]), new Uint8Array()], [null, new Uint8Array([0x7f])]], asText);
  assert.equal(text(encode(rows, cols)), '\\\\x0001090a0d5cabff\t\\\\x\n\\N\t\\\\x7f\n');
  assert.equal(copyFieldPlans(rows, [column('binary'), column('string')]), undefined);
});

test('a field whose text the column would read differently goes as its value, like copyText', () => {
  // DATETIME text into a text column, a float into a real column, a value-only field, no target column.
  const source = [column('datetime'), column('float', { length: 53 }), column('integer'), column('timestamp'), column('string')];
  const targets = [column('string'), column('float', { length: 24 }), column('integer'), column('string'), undefined];
  const decode = (c: number, f: Field): SqlValue => {
    const s = f as string;
    if (c === 0) return s.replace(/\.?0+$/, '');
    if (c === 1) return Number(s);
    if (c === 2) return Number.parseInt(s.slice(2), 2);
    if (c === 3) return `${s}Z`;
    return s;
  };
  const fields: Field[][] = [['2024-02-29 23:59:59.500', '0.1000000000000000055511151231257827', '0b101', '2024-01-01 00:00:00', 'x\ty'], [null, null, null, null, null]];
  const rows = textRows(source, ['text', 'text', 'value', 'text', 'text'], fields, decode);
  assert.deepEqual(copyFieldPlans(rows, targets as SqlColumn[]), ['value', 'value', 'value', 'value', 'value']);
  const plans = copyFieldPlans(rows, targets as SqlColumn[])!;
  const convert = (i: number, v: SqlValue) => postgresParam(targets[i], v);
  const got = copyTextRows(rows, plans, convert, targets.map(() => false));
  const decoded: SqlRow[] = fields.map((row, r) => rows.row(r));
  assert.equal(text(got), Buffer.concat(copyText(decoded, 5, convert)).toString('utf8'));
  assert.equal(text(got), '2024-02-29 23:59:59.5\t0.1\t5\t2024-01-01 00:00:00Z\tx\\ty\n\\N\t\\N\t\\N\t\\N\t\\N\n');
});

test('which target columns read the source text as the value the SqlValue path writes', () => {
  const takes = (from: TypeFamily, to: TypeFamily, fromLength?: number, toLength?: number) =>
    takesSourceText(column(from, fromLength === undefined ? {} : { length: fromLength }), column(to, toLength === undefined ? {} : { length: toLength }));
  // BIGINT UNSIGNED into numeric(20,0), ZEROFILL '00042' into numbers; not into text, where the value is '42'.
  assert.deepEqual((['integer', 'decimal', 'float', 'string', 'boolean'] as const).map((t) => takes('integer', t)), [true, true, true, false, false]);
  assert.deepEqual((['string', 'other', 'datetime', 'integer'] as const).map((t) => takes('decimal', t)), [true, true, true, true]);
  assert.deepEqual((['string', 'json', 'timestamp', 'datetime'] as const).map((t) => takes('string', t)), [true, true, true, false]);
  assert.deepEqual((['datetime', 'timestamp', 'string', 'date'] as const).map((t) => takes('datetime', t)), [true, true, false, false]);
  assert.deepEqual([takes('time', 'time'), takes('time', 'string'), takes('date', 'string'), takes('boolean', 'boolean'), takes('boolean', 'string')], [true, false, true, true, false]);
  assert.deepEqual([takes('float', 'float', 53, 53), takes('float', 'float', 53, 24), takes('float', 'decimal'), takes('binary', 'binary'), takes('other', 'other')], [true, false, false, false, false]);
});

test('a value field that decodes to bytes for a column that is not bytea stops the encoding', () => {
  const cols = [column('other')];
  const rows = textRows(cols, ['value'], [['ab']], (_c, f) => Buffer.from(f as string));
  assert.equal(encode(rows, [column('string')]), undefined);
  assert.equal(text(encode(rows, [column('binary')])), '\\\\x6162\n');
});

test('parts hold whole lines within partBytes; a longer line gets a part of its own', () => {
  const cols = [column('integer'), column('string')];
  const rows = textRows(cols, ['text', 'text'], Array.from({ length: 10 }, (_, i) => [String(i), 'xxxx']), asText);
  const parts = encode(rows, cols, 40)!.map((p) => p.toString());
  assert.ok(parts.length > 1 && parts.every((p) => p.length <= 40 && p.endsWith('\n')));
  assert.equal(parts.join(''), Array.from({ length: 10 }, (_, i) => `${i}\txxxx\n`).join(''));
  const long = 'é'.repeat(100);
  const one = textRows([column('string')], ['text'], [['1'], [long], ['2']], asText);
  assert.deepEqual(encode(one, [column('string')], 16)!.map((p) => p.toString()), ['1\n', `${long}\n2\n`]);
  assert.deepEqual(encode(textRows(cols, ['text', 'text'], [], asText), cols), []);
});
