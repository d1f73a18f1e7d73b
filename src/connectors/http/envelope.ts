import { createHash } from 'node:crypto';
import type { Op, Row, Value } from '../../core/event.ts';
import { formatPosition } from '../../core/position.ts';
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

function toWireEvent(record: SinkRecord): WireEvent {
  const { event } = record;
  return {
    id: event.id,
    op: event.op,
    db: event.db,
    table: event.table,
    key: record.key,
    before: record.before,
    after: record.row,
    position: formatPosition(event.position),
    commitTime: new Date(event.commitTime).toISOString(),
  };
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
