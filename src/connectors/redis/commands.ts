import type { CompiledRule } from '../../rules/compiled-rule.ts';
import type { SinkRecord } from '../types.ts';
import { resolveMapping, type ResolvedMapping } from './mapping.ts';
import type { RedisStructure } from './schema.ts';
import { hashField, rowKey, score, toText } from './row-keys.ts';

/** One Redis command as its argument list: command name first, then the key. */
export type RedisCommand = string[];

type Writer = (r: SinkRecord, m: ResolvedMapping, out: RedisCommand[]) => void;

/** After an update: the old key when it differs from the new one, else undefined. */
function movedFrom(r: SinkRecord, m: ResolvedMapping, key: string): string | undefined {
  if (r.event.op !== 'update' || r.before === null) return undefined;
  const old = rowKey(r, m, 'before');
  return old === key ? undefined : old;
}

/** SET key encode(row); DEL on delete and on the old key of an update that moved the row. */
const stringWriter: Writer = (r, m, out) => {
  if (r.row === null) {
    out.push(['DEL', rowKey(r, m, 'before')]);
    return;
  }
  const key = rowKey(r, m, 'after');
  const old = movedFrom(r, m, key);
  if (old !== undefined) out.push(['DEL', old]);
  out.push(['SET', key, r.rule.encode(r.row)]);
};

/** Row mode: one hash per row; HSET the non-null columns, HDEL the null ones so replays are exact. */
function hashRowMode(r: SinkRecord, m: ResolvedMapping, out: RedisCommand[]): void {
  const row = r.row;
  if (row === null) {
    out.push(['DEL', rowKey(r, m, 'before')]);
    return;
  }
  const key = rowKey(r, m, 'after');
  const old = movedFrom(r, m, key);
  if (old !== undefined) out.push(['DEL', old]);
  const hset: RedisCommand = ['HSET', key];
  let hdel: RedisCommand | undefined;
  for (const column in row) {
    const value = row[column];
    if (value === null || value === undefined) (hdel ??= ['HDEL', key]).push(column);
    else hset.push(column, toText(value));
  }
  if (hset.length > 2) out.push(hset);
  if (hdel !== undefined) out.push(hdel);
}

/** Field mode (fixed `key`): one field per row holding encode(row). */
function hashFieldMode(r: SinkRecord, m: ResolvedMapping, out: RedisCommand[]): void {
  const key = rowKey(r, m, 'after');
  if (r.row === null) {
    out.push(['HDEL', key, hashField(r, m, 'before')]);
    return;
  }
  const field = hashField(r, m, 'after');
  if (r.event.op === 'update' && r.before !== null) {
    const oldField = hashField(r, m, 'before');
    if (oldField !== field) out.push(['HDEL', key, oldField]);
  }
  out.push(['HSET', key, field, r.rule.encode(r.row)]);
}

const hashWriter: Writer = (r, m, out) => (m.key === undefined ? hashRowMode(r, m, out) : hashFieldMode(r, m, out));

/**
 * Member-style structures (list, set, sortedset): the member is encode(row). On update the old
 * member is removed (from the old key) when it changed; `add` pushes the command(s) adding the new one.
 */
function memberWriter(remove: (key: string, member: string) => RedisCommand, add: (r: SinkRecord, m: ResolvedMapping, key: string, member: string, out: RedisCommand[]) => void): Writer {
  return (r, m, out) => {
    if (r.row === null) {
      if (r.before !== null) out.push(remove(rowKey(r, m, 'before'), r.rule.encode(r.before)));
      return;
    }
    const key = rowKey(r, m, 'after');
    const member = r.rule.encode(r.row);
    if (r.event.op === 'update' && r.before !== null) {
      const oldKey = rowKey(r, m, 'before');
      const oldMember = r.rule.encode(r.before);
      if (oldKey !== key || oldMember !== member) out.push(remove(oldKey, oldMember));
    }
    add(r, m, key, member, out);
  };
}

/** LREM before RPUSH makes a replayed push idempotent (the element moves to the tail). */
const listWriter = memberWriter(
  (key, member) => ['LREM', key, '0', member],
  (_r, _m, key, member, out) => out.push(['LREM', key, '0', member], ['RPUSH', key, member]),
);

const setWriter = memberWriter(
  (key, member) => ['SREM', key, member],
  (_r, _m, key, member, out) => out.push(['SADD', key, member]),
);

const sortedSetWriter = memberWriter(
  (key, member) => ['ZREM', key, member],
  (r, m, key, member, out) => out.push(['ZADD', key, score(r, m), member]),
);

const writers: Record<RedisStructure, Writer> = {
  string: stringWriter,
  hash: hashWriter,
  list: listWriter,
  set: setWriter,
  sortedset: sortedSetWriter,
};

/**
 * Translates a batch into Redis commands, in record order. Commands touching one key keep the
 * order of their records, so sending them in this order (or grouped by key) reproduces the source.
 * When `origins` is given, it receives for each command the index of the record it came from.
 * Throws SLUICE_1005 for an invalid rule mapping, SLUICE_3006 for a row without a key value and
 * SLUICE_3002 for a non-numeric score.
 */
export function buildCommands(records: readonly SinkRecord[], origins?: number[]): RedisCommand[] {
  const out: RedisCommand[] = [];
  let rule: CompiledRule | undefined;
  let mapping: ResolvedMapping | undefined;
  let write: Writer = hashWriter;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    if (record.rule !== rule || mapping === undefined) {
      rule = record.rule;
      mapping = resolveMapping(rule);
      write = writers[mapping.structure];
    }
    write(record, mapping, out);
    if (origins !== undefined) while (origins.length < out.length) origins.push(i);
  }
  return out;
}
