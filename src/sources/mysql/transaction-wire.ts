import { createChangeEvent, type Op, type Row, type TableSchema, type Transaction } from '../../core/event.ts';
import type { BinlogPosition } from '../../core/position.ts';
import { parseJsonExact } from './column-decoder.ts';

/**
 * The compact form in which the decoder thread hands transactions to the main thread. Table schemas
 * travel once (by id), so each event costs only its op code and its rows in the structured clone;
 * the main thread rebuilds the immutable ChangeEvents (ids, keys) itself.
 */
export interface WireTransaction {
  readonly id: string;
  readonly position: BinlogPosition;
  readonly commitTime: number;
  readonly bytes: number;
  /** Per event: schema id, op code, before row, after row (four entries per event). */
  readonly events: unknown[];
}

export interface WireBatch {
  readonly schemas: [number, TableSchema][];
  readonly txns: WireTransaction[];
  /** JSON values sent as text: transaction index, index in `events`, column, JSON text. */
  readonly rawJson?: [number, number, string, string][];
}

const opCodes: Record<Op, number> = { insert: 0, update: 1, delete: 2 };
const ops: readonly Op[] = ['insert', 'update', 'delete'];

/** Decoder-thread side: numbers schemas and flattens events. */
export class WireEncoder {
  private readonly ids = new WeakMap<TableSchema, number>();
  private nextId = 1;
  private newSchemas: [number, TableSchema][] = [];
  private txns: WireTransaction[] = [];
  private rows = 0;

  /** Rows held since the last `take`. */
  get pendingRows(): number {
    return this.rows;
  }

  get pending(): number {
    return this.txns.length;
  }

  add(txn: Transaction): void {
    const events: unknown[] = new Array(txn.events.length * 4);
    let i = 0;
    for (const e of txn.events) {
      events[i++] = this.schemaId(e.schema);
      events[i++] = opCodes[e.op];
      events[i++] = e.before;
      events[i++] = e.after;
    }
    this.txns.push({ id: txn.id, position: txn.position, commitTime: txn.commitTime, bytes: txn.bytes, events });
    this.rows += txn.events.length;
  }

  take(): WireBatch {
    const batch = { schemas: this.newSchemas, txns: this.txns };
    this.newSchemas = [];
    this.txns = [];
    this.rows = 0;
    return batch;
  }

  private schemaId(schema: TableSchema): number {
    let id = this.ids.get(schema);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(schema, id);
      this.newSchemas.push([id, schema]);
    }
    return id;
  }
}

/** Main-thread side: rebuilds transactions exactly as the in-thread source would have emitted them. */
export class WireDecoder {
  private readonly schemas = new Map<number, TableSchema>();

  decode(batch: WireBatch): Transaction[] {
    for (const [id, schema] of batch.schemas) this.schemas.set(id, Object.freeze(schema));
    for (const [t, e, column, text] of batch.rawJson ?? []) {
      (batch.txns[t]!.events[e] as Record<string, unknown>)[column] = parseJsonExact(text);
    }
    return batch.txns.map((w) => {
      const position = Object.freeze(w.position);
      const events = new Array(w.events.length / 4);
      for (let i = 0, n = 0; i < w.events.length; i += 4, n++) {
        const schema = this.schemas.get(w.events[i] as number);
        if (!schema) throw new Error(`decoder thread sent an event of unknown schema ${String(w.events[i])}`);
        events[n] = createChangeEvent({
          txnId: w.id, index: n, op: ops[w.events[i + 1] as number]!, schema,
          before: w.events[i + 2] as Row | null, after: w.events[i + 3] as Row | null, position, commitTime: w.commitTime,
        });
      }
      return { id: w.id, events, position, commitTime: w.commitTime, bytes: w.bytes };
    });
  }
}

const isRawJson = (JSON as unknown as { isRawJSON(v: unknown): boolean }).isRawJSON;

function holdsRawJson(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return false;
  if (isRawJson(v)) return true;
  return Object.values(v).some(holdsRawJson);
}

/**
 * The slow path for a batch structured clone refused: JSON values holding `JSON.rawJSON` numbers
 * travel as their exact JSON text and are parsed again (exactly) on the main thread.
 */
export function portable(batch: WireBatch): WireBatch {
  const rawJson: [number, number, string, string][] = [];
  const txns = batch.txns.map((txn, t) => {
    const events = txn.events.slice();
    for (let e = 0; e < events.length; e++) {
      if (e % 4 < 2 || events[e] === null) continue;
      let copy: Record<string, unknown> | undefined;
      for (const [column, value] of Object.entries(events[e] as Record<string, unknown>)) {
        if (!holdsRawJson(value)) continue;
        copy ??= { ...(events[e] as Record<string, unknown>) };
        copy[column] = null;
        rawJson.push([t, e, column, JSON.stringify(value)]);
      }
      if (copy) events[e] = copy;
    }
    return { ...txn, events };
  });
  return { schemas: batch.schemas, txns, rawJson };
}
