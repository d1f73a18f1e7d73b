import type { BinaryDecline, BinaryRows } from '../sql/binary-rows.ts';
import type { SqlColumn, WriteMode } from '../sql/sql-engine.ts';
import { mayRepeatKey, type TextRows } from '../sql/text-rows.ts';
import { COPY_MIN_ROWS } from './copy-sql.ts';
import { binaryPlans, type BinaryPlan } from './copy-binary-rows.ts';
import { copyFieldPlans, type CopyFieldPlan } from './copy-text-rows.ts';

/**
 * How TextRows are COPYed into the target columns, or undefined when a write of the decoded rows
 * must do it: fewer rows than COPY is worth, bytes for a column that is not bytea, or (upsert and
 * replace) rows that may repeat a key — write() keeps the last of those. Keys compare by their
 * bytes, which is how their values compare, but for floats (-0 and 0) and value-only fields.
 */
export function textCopyPlan(input: TextRows, names: readonly string[], key: readonly string[], mode: WriteMode, targets: readonly (SqlColumn | undefined)[]): CopyFieldPlan[] | undefined {
  if (input.count < COPY_MIN_ROWS || input.width !== names.length) return undefined;
  const plans = copyFieldPlans(input, targets);
  if (!plans) return undefined;
  return repeatedKeys(input, names, key, mode, (i) => input.forms[i] !== 'value') === 'no' ? plans : undefined;
}

/**
 * For upsert and replace (which keep the last row of a key): whether the rows may repeat a key,
 * by the bytes of the key columns; `unknown` when a key column's bytes do not decide (floats,
 * `value` fields: `bytesDecide` false).
 */
function repeatedKeys(input: TextRows | BinaryRows, names: readonly string[], key: readonly string[], mode: WriteMode, bytesDecide: (i: number) => boolean): 'no' | 'maybe' | 'unknown' {
  const at = key.map((k) => names.indexOf(k));
  if ((mode !== 'upsert' && mode !== 'replace') || at.length === 0 || at.some((i) => i < 0)) return 'no';
  if (!at.every((i) => bytesDecide(i) && input.columns[i]?.family !== 'float')) return 'unknown';
  return mayRepeatKey(input, at) ? 'maybe' : 'no';
}

/**
 * How BinaryRows are COPYed (binary format) into the target columns, or why the text path must
 * write them: a column without a binary plan, or (upsert and replace) rows that may repeat a key.
 * Any number of rows goes as COPY (binary COPY has no per-row text to save on small writes).
 */
export function binaryCopyPlan(input: BinaryRows, names: readonly string[], key: readonly string[], mode: WriteMode, targets: readonly (SqlColumn | undefined)[]): BinaryPlan[] | BinaryDecline {
  if (input.width !== names.length) return 'column';
  const plans = binaryPlans(input, targets);
  if (!plans) return 'column';
  const repeated = repeatedKeys(input, names, key, mode, (i) => input.forms[i]!.kind !== 'value');
  return repeated === 'no' ? plans : repeated === 'unknown' ? 'column' : 'value';
}
