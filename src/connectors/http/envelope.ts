import { createHash } from 'node:crypto';
import { eventToJson, type Op, type Row, type Value } from '../../core/event.ts';
import type { SinkRecord } from '../types.ts';

/** One change event as it appears in `events[]` of a request body. */
export interface WireEvent {
  readonly id: string;
  readonly op: Op;
  readonly db: string;
  readonly table: string;
  readonly key: readonly Value[];
  readonly before: Row | null;
  readonly after: Row | null;
  /** `FILE:POS` or `FILE:POS@GTIDSET`: the resume point after the event's transaction. */
  readonly position: string;
  /** Source commit time, ISO-8601 UTC. */
  readonly commitTime: string;
}

/** The `sluice` envelope: the JSON body of one request. */
export interface Envelope {
  readonly batchId: string;
  readonly events: readonly WireEvent[];
}

/** The event's JSON form with the rule-transformed rows in place of the source rows. */
function toWireEvent(record: SinkRecord): WireEvent {
  return { ...eventToJson(record.event), key: record.key, before: record.before, after: record.row };
}

/**
 * Deterministic id of a request: a hash of its first and last event ids and its event count,
 * so replaying the same events yields the same id (sent as `idempotency-key`).
 */
function batchIdOf(events: readonly WireEvent[]): string {
  const first = events[0]?.id ?? '';
  const last = events.at(-1)?.id ?? '';
  return createHash('sha256').update(`${first}\n${last}\n${events.length}`).digest('hex').slice(0, 32);
}

export function buildEnvelope(records: readonly SinkRecord[]): Envelope {
  const events = records.map(toWireEvent);
  return { batchId: batchIdOf(events), events };
}
