import type { BinaryForm } from '../sql/binary-rows.ts';
import type { SqlColumn } from '../sql/sql-engine.ts';
import {
  BINARY_CHARSET, BLOB, DATE, DATETIME, DECIMAL, DOUBLE, ENUM, FLOAT, GEOMETRY, INT24, JSON, LONG, LONG_BLOB, LONGLONG, MEDIUM_BLOB,
  NEWDECIMAL, NULL, SET, SHORT, STRING, TIME, TIMESTAMP, TINY, TINY_BLOB, VAR_STRING, VARCHAR, YEAR, type WireField,
} from './wire-forms.ts';

const UNSIGNED_FLAG = 32;

/**
 * How a value of the column type is laid out in a binary protocol row: its size in bytes (1, 2,
 * 4, 8), `LENGTH_BYTE` (a length byte, then that many: dates and times), `LENGTH_CODED` (a
 * length-coded string) or `ABSENT` (the NULL type, always NULL).
 */
export const LENGTH_BYTE = -1, LENGTH_CODED = -2, ABSENT = 0;

export function binaryLayout(columnType: number): number {
  switch (columnType) {
    case TINY: return 1;
    case SHORT: case YEAR: return 2;
    case LONG: case INT24: case FLOAT: return 4;
    case LONGLONG: case DOUBLE: return 8;
    case DATE: case DATETIME: case TIMESTAMP: case TIME: return LENGTH_BYTE;
    case NULL: return ABSENT;
    default: return LENGTH_CODED;
  }
}

const VALUE: BinaryForm = { kind: 'value' };
const when = (ok: boolean, form: BinaryForm): BinaryForm => (ok ? form : VALUE);

/**
 * What the binary protocol's bytes of a field are (see BinaryForm), for the column the field
 * was selected from: the same cases wireForm gives `text` or `bytes` in the text protocol, plus
 * FLOAT (a binary32, or a binary64 holding one when selected as `col + 0E0`). YEAR, TIME, BIT,
 * text in other character sets and types the column's family does not expect are `value`.
 */
export function binaryForm(field: WireField, column: SqlColumn | undefined): BinaryForm {
  if (!column) return VALUE;
  const family = column.family;
  const unsigned = ((field.flags ?? 0) & UNSIGNED_FLAG) !== 0;
  switch (field.columnType) {
    case TINY: return when(family === 'integer' || family === 'boolean', { kind: 'int', bytes: 1, unsigned });
    case SHORT: return when(family === 'integer' || family === 'boolean', { kind: 'int', bytes: 2, unsigned });
    case LONG: case INT24: return when(family === 'integer' || family === 'boolean', { kind: 'int', bytes: 4, unsigned });
    case LONGLONG: return when(family === 'integer' || family === 'boolean', { kind: 'int', bytes: 8, unsigned });
    case FLOAT: return when(family === 'float', { kind: 'float', bytes: 4 });
    case DOUBLE: return when(family === 'float', { kind: 'float', bytes: 8 });
    case DECIMAL: case NEWDECIMAL: return when(family === 'decimal', { kind: 'decimal' });
    case DATE: return when(family === 'date', { kind: 'date', time: false });
    case DATETIME: return when(family === 'datetime', { kind: 'date', time: true });
    case TIMESTAMP: return when(family === 'timestamp', { kind: 'date', time: true });
    // MySQL's JSON type comes with the binary character set but is UTF-8 text.
    case JSON: return when(family === 'json', { kind: 'utf8' });
    case GEOMETRY: return when(family === 'binary', { kind: 'bytes' });
    case VARCHAR: case ENUM: case SET: case TINY_BLOB: case MEDIUM_BLOB: case LONG_BLOB: case BLOB: case VAR_STRING: case STRING:
      if (field.characterSet === BINARY_CHARSET) return when(family === 'binary', { kind: 'bytes' });
      return when(field.encoding === 'utf8' && (family === 'string' || family === 'json'), { kind: 'utf8' });
    default:
      return VALUE;
  }
}
