import type { ChangeEvent } from '../core/event.ts';
import { formatPosition } from '../core/position.ts';

/** The JSON form of an event kept in the dead-letter store: everything needed to replay it. */
export function serializeEvent(e: ChangeEvent): Record<string, unknown> {
  return {
    id: e.id, op: e.op, db: e.db, table: e.table, key: e.key, before: e.before, after: e.after,
    position: formatPosition(e.position), commitTime: new Date(e.commitTime).toISOString(),
  };
}
