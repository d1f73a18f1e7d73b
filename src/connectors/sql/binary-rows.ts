import type { TextRows } from './text-rows.ts';

/**
 * How the bytes of a BinaryRows field encode its value (little-endian, as the MySQL binary
 * protocol sends them):
 * - `int`: a two's complement (or unsigned) integer of `bytes` bytes
 * - `float`: an IEEE 754 binary32 (`bytes` 4) or binary64 (8); a binary64 `float` of a source
 *   column with 24 bits (FLOAT read as a DOUBLE) holds a binary32 value exactly
 * - `decimal`: the exact decimal literal in ASCII (`-123.4500`, no exponent)
 * - `date`: year (2 bytes), month, day, and for `datetime` hour, minute, second and optionally
 *   microseconds (4 bytes); 0 bytes is the zero date
 * - `utf8`: UTF-8 text (strings, JSON); `bytes`: a binary value
 * - `value`: none of these; a target cannot write such a column from the bytes
 */
export type BinaryForm =
  | { readonly kind: 'int'; readonly bytes: 1 | 2 | 4 | 8; readonly unsigned: boolean }
  | { readonly kind: 'float'; readonly bytes: 4 | 8 }
  | { readonly kind: 'decimal' | 'utf8' | 'bytes' | 'value' }
  | { readonly kind: 'date'; readonly time: boolean };

/**
 * Rows as a source's binary protocol sent them (a MySQL prepared statement's result), kept as bytes
 * for a target that converts them to its own binary format (PostgreSQL binary COPY) without
 * building a value per field. Same layout as TextRows: field `c` of row `r` is
 * `data[bounds[i] .. bounds[i + 1])` with `i = 2 * (r * width + c)`, `bounds[i] === -1` is NULL.
 * Equal bytes in a column are equal values and different bytes different values, except for
 * floats (`-0` and `0`) and `value` fields.
 */
/**
 * Why a writer wrote no BinaryRows: `column`, a column has no binary conversion into its target
 * column (or the target needs a write binary cannot do), so no chunk of the table can go binary;
 * `value`, something in these rows cannot be converted (a value, a key that may repeat).
 */
export type BinaryDecline = 'column' | 'value';

export interface BinaryRows extends Omit<TextRows, 'forms' | 'row'> {
  readonly forms: readonly BinaryForm[];
}
