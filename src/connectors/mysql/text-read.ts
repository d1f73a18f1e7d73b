import type { Pool } from 'mysql2/promise';
import type { SqlColumn, SqlRow } from '../sql/sql-engine.ts';
import type { TextRows, WireForm } from '../sql/text-rows.ts';
import { codedSize, codedValue, grow, growInts } from './row-buffer.ts';
import { wireForm, type WireField } from './wire-forms.ts';

/** The parts of mysql2's internals a text read touches (lib/packets/packet.js, lib/commands/query.js). */
interface WirePacket {
  readonly buffer: Buffer;
  /** Offset of the 4-byte packet header; the payload follows it up to `end`. */
  readonly start: number;
  readonly end: number;
  isEOF(): boolean;
}
type PacketClass = new (sequenceId: number, buffer: Buffer, start: number, end: number) => WirePacket;
type RowState = (this: QueryCommand, packet: WirePacket, connection: unknown) => unknown;
interface QueryCommand {
  row: RowState;
  readonly options: unknown;
  readonly _rowParser: { next(packet: WirePacket, fields: readonly WireField[], options: unknown): SqlRow } | null;
}
type QueryCallback = (err: Error | null, rows: unknown, fields: readonly WireField[] | undefined) => void;
interface CoreQuery {
  query(options: { sql: string; values: unknown[]; rowsAsArray: boolean }, callback: QueryCallback): QueryCommand;
}

const NULL_FIELD = 0xfb;

/**
 * Rows of the text protocol as they arrived: each row packet (header included) copied into one
 * buffer, and the bounds of its fields. A row is decoded by mysql2's own row parser (with the
 * pool's type cast) only when asked for, so its values are exactly those of a normal query.
 */
class MysqlTextRows implements TextRows {
  count = 0;
  readonly width: number;
  readonly columns: readonly (SqlColumn | undefined)[];
  forms: readonly WireForm[] = [];
  data: Buffer;
  bounds: Int32Array;
  private used = 0;
  private packetStarts: Int32Array;
  private decodeRow: (r: number) => SqlRow = () => [];

  constructor(columns: readonly (SqlColumn | undefined)[], expectRows: number, rowBytes: number) {
    this.width = columns.length;
    this.columns = columns;
    this.data = Buffer.allocUnsafe(Math.max(4096, expectRows * rowBytes));
    this.bounds = new Int32Array(Math.max(16, expectRows) * 2 * this.width);
    this.packetStarts = new Int32Array(Math.max(16, expectRows));
  }

  row(r: number): SqlRow {
    return this.decodeRow(r);
  }

  /** Bytes per row received (packet headers included). */
  get rowBytes(): number {
    return this.count === 0 ? 0 : this.used / this.count;
  }

  /** Copies one row packet and finds its fields (length-coded strings, 0xFB for NULL). */
  add(packet: WirePacket): void {
    const length = packet.end - packet.start;
    if (this.used + length > this.data.length) this.data = grow(this.data, this.used + length);
    const r = this.count;
    if (r >= this.packetStarts.length) {
      this.packetStarts = growInts(this.packetStarts, r + 1);
      this.bounds = growInts(this.bounds, (r + 1) * 2 * this.width);
    }
    const data = this.data;
    const start = this.used;
    packet.buffer.copy(data, start, packet.start, packet.end);
    this.packetStarts[r] = start;
    this.used += length;
    const end = this.used;
    const bounds = this.bounds;
    let at = start + 4;
    let b = 2 * r * this.width;
    for (let c = 0; c < this.width; c++, b += 2) {
      if (at >= end) throw new Error(`row ${r} has fewer than ${this.width} fields`);
      const tag = data[at]!;
      if (tag === NULL_FIELD) {
        bounds[b] = -1;
        bounds[b + 1] = -1;
        at += 1;
        continue;
      }
      // Short fields (the usual case) have their length in the tag itself.
      const len = tag < 0xfb ? tag : codedValue(data, at);
      at += tag < 0xfb ? 1 : codedSize(tag);
      bounds[b] = at;
      at += len;
      bounds[b + 1] = at;
    }
    this.count++;
  }

  /** After the result's end: the field definitions give the forms and the row parser. */
  finish(fields: readonly WireField[], parser: QueryCommand['_rowParser'], options: unknown, Packet: PacketClass | undefined, adjust: (row: SqlRow) => SqlRow): this {
    if (fields.length !== this.width) throw new Error(`expected ${this.width} columns, the result has ${fields.length}`);
    this.forms = fields.map((f, i) => wireForm(f, this.columns[i]));
    if (parser && Packet) {
      this.decodeRow = (r) => {
        if (r < 0 || r >= this.count) throw new RangeError(`no row ${r}`);
        const start = this.packetStarts[r]!;
        const end = r + 1 < this.count ? this.packetStarts[r + 1]! : this.used;
        return adjust(parser.next(new Packet(0, this.data, start, end), fields, options));
      };
    }
    return this;
  }
}

/** How much to allocate for a query's rows: the count expected and the bytes each (packet header included). */
export interface TextRowsSize {
  readonly rows: number;
  readonly rowBytes: number;
}

/**
 * Runs a query on the pool and keeps its rows as TextRows. `columns` describe the selected
 * columns in order; `adjust` is applied to each decoded row (what the engine does after a query).
 * Resolves with the rows and the bytes per row they took (to size the next read).
 */
export function queryTextRows(pool: Pool, sql: string, params: unknown[], columns: readonly (SqlColumn | undefined)[], size: TextRowsSize, adjust: (row: SqlRow) => SqlRow): Promise<{ rows: TextRows; rowBytes: number }> {
  return new Promise((resolve, reject) => {
    const rows = new MysqlTextRows(columns, size.rows, size.rowBytes);
    let Packet: PacketClass | undefined;
    let failed: Error | undefined;
    const core = pool.pool as unknown as CoreQuery;
    const command = core.query({ sql, values: params, rowsAsArray: true }, (err, _rows, fields) => {
      if (err || failed) return reject(err ?? failed);
      try {
        resolve({ rows: rows.finish(fields ?? [], command._rowParser, command.options, Packet, adjust), rowBytes: rows.rowBytes });
      } catch (e) {
        reject(e);
      }
    });
    // mysql2 moves to the `row` state through `this.row` once the column definitions are read.
    const original = Object.getPrototypeOf(command).row as RowState;
    command.row = function textRow(packet, connection) {
      if (packet.isEOF()) return original.call(this, packet, connection);
      if (!failed) {
        try {
          Packet ??= packet.constructor as PacketClass;
          rows.add(packet);
        } catch (err) {
          failed = err as Error;
        }
      }
      return textRow;
    };
  });
}
