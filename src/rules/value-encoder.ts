import type { Row, Value } from '../core/event.ts';

/**
 * Row encoders for targets that store one string per row (go-mysql-transfer's `value_encoder`):
 *   json       `{"id":1,"name":"ann"}`: JSON.stringify, numbers stay numbers, strings stay strings
 *   kv-commas  `id=1,name=ann`
 *   v-commas   `1,ann`
 * In the comma forms NULL is the empty string, text is written raw (commas and `=` inside values
 * are not escaped) and arrays/objects (JSON columns) are written as JSON.
 */
export const encoderNames = ['json', 'kv-commas', 'v-commas'] as const;
export type EncoderName = (typeof encoderNames)[number];
export type RowEncoder = (row: Row) => string;

/** A value as template/comma text: null and missing → '', objects and arrays → JSON. */
export function valueText(value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function kvCommas(row: Row): string {
  let out = '';
  for (const key in row) out += (out === '' ? '' : ',') + key + '=' + valueText(row[key]);
  return out;
}

function vCommas(row: Row): string {
  let out = '';
  let first = true;
  for (const key in row) {
    out += (first ? '' : ',') + valueText(row[key]);
    first = false;
  }
  return out;
}

export const valueEncoders: Readonly<Record<EncoderName, RowEncoder>> = {
  json: (row) => JSON.stringify(row),
  'kv-commas': kvCommas,
  'v-commas': vCommas,
};
