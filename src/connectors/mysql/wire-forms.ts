import type { SqlColumn } from '../sql/sql-engine.ts';
import type { WireForm } from '../sql/text-rows.ts';

/** What a result set's column definition (mysql2 ColumnDefinition) says about its fields. */
export interface WireField {
  readonly columnType: number;
  /** Collation id of the field's text (63 = binary). */
  readonly characterSet: number;
  /** mysql2's name for that character set's encoding (`utf8` for utf8mb3/utf8mb4). */
  readonly encoding?: string;
  /** Column flags (32 = UNSIGNED). */
  readonly flags?: number;
}

// Column types of the protocol (mysql2/lib/constants/types.js).
export const DECIMAL = 0x00, TINY = 0x01, SHORT = 0x02, LONG = 0x03, FLOAT = 0x04, DOUBLE = 0x05, NULL = 0x06, TIMESTAMP = 0x07, LONGLONG = 0x08,
  INT24 = 0x09, DATE = 0x0a, TIME = 0x0b, DATETIME = 0x0c, YEAR = 0x0d, VARCHAR = 0x0f, JSON = 0xf5, NEWDECIMAL = 0xf6, ENUM = 0xf7,
  SET = 0xf8, TINY_BLOB = 0xf9, MEDIUM_BLOB = 0xfa, LONG_BLOB = 0xfb, BLOB = 0xfc, VAR_STRING = 0xfd, STRING = 0xfe, GEOMETRY = 0xff;
export const BINARY_CHARSET = 63;

const when = (ok: boolean, form: WireForm): WireForm => (ok ? form : 'value');

/**
 * How the text protocol's bytes of a field relate to its SqlValue (see WireForm). The session is
 * UTC, so TIMESTAMP text is UTC. Integers, DECIMAL, DOUBLE, dates and times, UTF-8 text and JSON
 * are `text`; binary strings and GEOMETRY `bytes`. FLOAT (read as a DOUBLE and shortened to its
 * float32), YEAR, BIT, text in other character sets and types the column's family does not
 * expect are `value`: only mysql2's row parser (and the engine's type cast) gives their value.
 */
export function wireForm(field: WireField, column: SqlColumn | undefined): WireForm {
  if (!column) return 'value';
  const family = column.family;
  switch (field.columnType) {
    case TINY: case SHORT: case LONG: case INT24: case LONGLONG:
      return when(family === 'integer' || family === 'boolean', 'text');
    case DECIMAL: case NEWDECIMAL:
      return when(family === 'decimal', 'text');
    case DOUBLE:
      return when(family === 'float' && column.length !== 24, 'text');
    case DATE: return when(family === 'date', 'text');
    case DATETIME: return when(family === 'datetime', 'text');
    case TIMESTAMP: return when(family === 'timestamp', 'text');
    case TIME: return when(family === 'time', 'text');
    // MySQL's JSON type comes with the binary character set but is UTF-8 text.
    case JSON: return when(family === 'json', 'text');
    case GEOMETRY: return when(family === 'binary', 'bytes');
    case VARCHAR: case ENUM: case SET: case TINY_BLOB: case MEDIUM_BLOB: case LONG_BLOB: case BLOB: case VAR_STRING: case STRING:
      if (field.characterSet === BINARY_CHARSET) return when(family === 'binary', 'bytes');
      return when(field.encoding === 'utf8' && (family === 'string' || family === 'json'), 'text');
    default:
      return 'value';
  }
}
