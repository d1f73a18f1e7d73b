import { keyOf as primaryKeyOf, type Row, type Value } from '../../core/event.ts';
import { sluiceError } from '../../core/errors.ts';
import type { SinkRecord } from '../types.ts';
import type { ResolvedMapping } from './mapping.ts';

/** Which image of a record: the new row (`after`) or the old one (`before`). */
export type Side = 'after' | 'before';

/** A non-null column value as Redis stores it: strings as is, scalars via String, JSON values stringified. */
export function toText(value: Value): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function imageOf(r: SinkRecord, side: Side): Row {
  return (side === 'after' ? r.row : r.before) ?? {};
}

function missing(r: SinkRecord, m: ResolvedMapping, column: string): never {
  throw sluiceError('SLUICE_3006', `${m.label}: column "${column}" of ${r.event.db}.${r.event.table} is null or missing`, {
    details: { rule: m.label, column, table: `${r.event.db}.${r.event.table}`, event: r.event.id },
  });
}

function columnText(r: SinkRecord, m: ResolvedMapping, row: Row, column: string): string {
  const value = row[column];
  if (value === null || value === undefined) missing(r, m, column);
  return toText(value);
}

/** Primary key values of the image joined with `:`; the source key, so renames do not matter. */
function joinedPrimaryKey(r: SinkRecord, m: ResolvedMapping, side: Side): string {
  const values = side === 'after' || r.event.op === 'delete' ? r.key : primaryKeyOf(r.event.schema, r.event.before ?? {});
  let joined = '';
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      const schema = r.event.schema;
      missing(r, m, schema.primaryKey[i] ?? schema.columns[i]?.name ?? `#${i}`);
    }
    joined = i === 0 ? toText(value) : `${joined}:${toText(value)}`;
  }
  return joined;
}

/** The Redis key of one image: keyPrefix + (fixed key | rendered template | key column | joined primary key). */
export function rowKey(r: SinkRecord, m: ResolvedMapping, side: Side): string {
  if (m.key !== undefined) return m.keyPrefix + m.key;
  if (m.keyTemplate !== undefined) {
    const row = imageOf(r, side);
    for (const column of m.templateColumns) columnText(r, m, row, column);
    return m.keyPrefix + r.rule.render(m.keyTemplate, row);
  }
  if (m.keyColumn !== undefined) return m.keyPrefix + columnText(r, m, imageOf(r, side), m.keyColumn);
  return m.keyPrefix + joinedPrimaryKey(r, m, side);
}

/** Hash field mode: hashFieldPrefix + (hashFieldColumn value | joined primary key). */
export function hashField(r: SinkRecord, m: ResolvedMapping, side: Side): string {
  const prefix = m.hashFieldPrefix ?? '';
  if (m.hashFieldColumn !== undefined) return prefix + columnText(r, m, imageOf(r, side), m.hashFieldColumn);
  return prefix + joinedPrimaryKey(r, m, side);
}

/** Sortedset score of the new image; a non-numeric value is rejected data (SLUICE_3002). */
export function score(r: SinkRecord, m: ResolvedMapping): string {
  const column = m.scoreColumn ?? '';
  const value = imageOf(r, 'after')[column];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value !== '' && value === value.trim() && Number.isFinite(Number(value))) return value;
  throw sluiceError('SLUICE_3002', `${m.label}: score column "${column}" of ${r.event.db}.${r.event.table} is not a number (${JSON.stringify(value ?? null)})`, {
    details: { rule: m.label, column, table: `${r.event.db}.${r.event.table}`, event: r.event.id },
  });
}
