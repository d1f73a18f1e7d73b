import type { Dialect } from './dialect.ts';
import type { SqlValue } from './sql-engine.ts';
import { sluiceError } from '../../core/errors.ts';

/** Returns the placeholder for `value` compared with `column`, after recording the parameter. */
export type Bind = (column: string, value: SqlValue) => string;

/**
 * The row-value comparison `(k1, k2, k3) OP (v1, v2, v3)` expanded to what every engine's optimizer
 * turns into an index range: `k1 >= ? AND (k1 > ? OR (k1 = ? AND k2 > ?) OR (k1 = ? AND k2 = ? AND k3 > ?))`.
 * The leading `k1 >= ?` bounds the index scan on engines that do not derive a range from the OR.
 */
function compare(d: Dialect, bind: Bind, key: readonly string[], values: readonly SqlValue[], op: '>' | '<', inclusive: boolean): string {
  if (key.length === 0) throw sluiceError('SLUICE_7004', 'a key range needs at least one key column');
  if (values.length !== key.length) {
    throw sluiceError('SLUICE_7004', `key (${key.join(', ')}) has ${key.length} column(s) but the bound has ${values.length} value(s)`);
  }
  const q = key.map((k) => d.quote(k));
  const last = key.length - 1;
  // Placeholders are bound in text order (`?` is positional): the leading bound first.
  const lead = key.length > 1 ? `${q[0]} ${op}= ${bind(key[0]!, values[0]!)} AND ` : '';
  const terms: string[] = [];
  for (let i = 0; i <= last; i++) {
    const parts: string[] = [];
    for (let j = 0; j < i; j++) parts.push(`${q[j]} = ${bind(key[j]!, values[j]!)}`);
    parts.push(`${q[i]} ${op}${i === last && inclusive ? '=' : ''} ${bind(key[i]!, values[i]!)}`);
    terms.push(parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`);
  }
  return key.length === 1 ? terms[0]! : `${lead}(${terms.join(' OR ')})`;
}

/** Rows whose key is after `values` in key order. */
export function keyAfter(d: Dialect, bind: Bind, key: readonly string[], values: readonly SqlValue[]): string {
  return compare(d, bind, key, values, '>', false);
}

/** Rows whose key is at or before `values` in key order. */
export function keyUpTo(d: Dialect, bind: Bind, key: readonly string[], values: readonly SqlValue[]): string {
  return compare(d, bind, key, values, '<', true);
}
