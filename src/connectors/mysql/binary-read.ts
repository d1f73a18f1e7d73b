import type { Pool } from 'mysql2/promise';
import type { BinaryForm, BinaryRows } from '../sql/binary-rows.ts';
import type { SqlColumn } from '../sql/sql-engine.ts';
import { ABSENT, binaryForm, binaryLayout, LENGTH_BYTE } from './binary-forms.ts';
import { codedSize, codedValue, grow, growInts } from './row-buffer.ts';
import type { TextRowsSize } from './text-read.ts';
import type { WireField } from './wire-forms.ts';

/** The parts of mysql2's internals a binary read touches (lib/commands/execute.js, command.js, base/connection.js). */
interface WirePacket {
  readonly buffer: Buffer;
  readonly start: number;
  readonly end: number;
  isEOF(): boolean;
  isError(): boolean;
}
type State = (packet: WirePacket, connection: unknown) => unknown;
interface ExecuteCommand {
  next: State | null;
  execute(packet: WirePacket | null, connection: unknown): boolean;
  readonly _fields: (readonly WireField[])[];
  readonly _resultIndex: number;
}
type Callback = (err: Error | null, rows?: unknown, fields?: readonly WireField[]) => void;
interface CoreConnection {
  format(sql: string, values: unknown[]): string;
  execute(sql: string, values: unknown[], callback: Callback): ExecuteCommand;
  unprepare(sql: string): unknown;
  release(): void;
}
interface CorePool {
  getConnection(callback: (err: Error | null, connection: CoreConnection) => void): void;
}

/** Row packets of a prepared statement's result, copied into one buffer, with the bounds of their fields. */
class MysqlBinaryRows implements BinaryRows {
  count = 0;
  readonly width: number;
  readonly columns: readonly (SqlColumn | undefined)[];
  forms: readonly BinaryForm[] = [];
  data: Buffer;
  bounds: Int32Array;
  private used = 0;
  private layouts: Int8Array | undefined;

  constructor(columns: readonly (SqlColumn | undefined)[], expectRows: number, rowBytes: number) {
    this.width = columns.length;
    this.columns = columns;
    this.data = Buffer.allocUnsafe(Math.max(4096, expectRows * rowBytes));
    this.bounds = new Int32Array(Math.max(16, expectRows) * 2 * this.width);
  }

  get rowBytes(): number {
    return this.count === 0 ? 0 : this.used / this.count;
  }

  /** Before the first row: the result's columns. */
  fields(fields: readonly WireField[]): void {
    if (fields.length !== this.width) throw new Error(`expected ${this.width} columns, the result has ${fields.length}`);
    this.forms = fields.map((f, i) => binaryForm(f, this.columns[i]));
    this.layouts = Int8Array.from(fields, (f) => binaryLayout(f.columnType));
  }

  /** Copies one row packet (0x00, the NULL bitmap, the values) and finds its fields. */
  add(packet: WirePacket): void {
    const layouts = this.layouts!;
    const length = packet.end - packet.start;
    if (this.used + length > this.data.length) this.data = grow(this.data, this.used + length);
    const r = this.count;
    const width = this.width;
    if ((r + 1) * 2 * width > this.bounds.length) this.bounds = growInts(this.bounds, (r + 1) * 2 * width);
    const data = this.data;
    const start = this.used;
    packet.buffer.copy(data, start, packet.start, packet.end);
    this.used += length;
    const end = this.used;
    const bounds = this.bounds;
    // 4-byte packet header, the 0x00 row header, then the NULL bitmap (bit c + 2 for column c).
    const bitmap = start + 5;
    let at = bitmap + ((width + 9) >> 3);
    for (let c = 0, b = 2 * r * width; c < width; c++, b += 2) {
      const layout = layouts[c]!;
      if ((data[bitmap + ((c + 2) >> 3)]! & (1 << ((c + 2) & 7))) !== 0 || layout === ABSENT) {
        bounds[b] = -1;
        bounds[b + 1] = -1;
        continue;
      }
      let len: number;
      if (layout > 0) {
        len = layout;
      } else if (layout === LENGTH_BYTE) {
        len = data[at]!;
        at += 1;
      } else {
        const tag = data[at]!;
        len = tag < 0xfb ? tag : codedValue(data, at);
        at += tag < 0xfb ? 1 : codedSize(tag);
      }
      bounds[b] = at;
      at += len;
      bounds[b + 1] = at;
    }
    if (at > end) throw new Error(`row ${r} is shorter than its ${width} fields`);
    this.count++;
  }
}

/**
 * Runs a query as a prepared statement (binary protocol) and keeps its rows as BinaryRows. The
 * parameters are put into the SQL text exactly as a text query would (mysql2's format), so the
 * rows are those of the same query in text; the statement is closed after the read.
 */
export function queryBinaryRows(pool: Pool, sql: string, params: unknown[], columns: readonly (SqlColumn | undefined)[], size: TextRowsSize): Promise<{ rows: BinaryRows; rowBytes: number }> {
  return new Promise((resolve, reject) => {
    (pool.pool as unknown as CorePool).getConnection((connectErr, conn) => {
      if (connectErr) return reject(connectErr);
      let text: string;
      try {
        text = conn.format(sql, params);
      } catch (err) {
        conn.release();
        return reject(err);
      }
      const rows = new MysqlBinaryRows(columns, size.rows, size.rowBytes);
      let failed: Error | undefined;
      const command = conn.execute(text, [], (err) => {
        try {
          conn.unprepare(text);
        } catch {
          // The connection is gone, and its statements with it.
        }
        conn.release();
        if (err || failed) return reject(err ?? failed);
        resolve({ rows, rowBytes: rows.rowBytes });
      });
      // mysql2 parses each row in its `row` state; row packets are kept here instead.
      let rowState: State | undefined;
      const execute = command.execute;
      command.execute = function keepRows(packet, connection) {
        if (packet && this.next !== null && this.next === rowState && !packet.isEOF() && !packet.isError()) {
          if (!failed) {
            try {
              rows.add(packet);
            } catch (err) {
              failed = err as Error;
            }
          }
          return false;
        }
        const done = execute.call(this, packet, connection);
        if (rowState === undefined && this.next !== null && this.next === (Object.getPrototypeOf(this) as { row: State }).row) {
          rowState = this.next;
          try {
            rows.fields(this._fields[this._resultIndex]!);
          } catch (err) {
            failed = err as Error;
          }
        }
        return done;
      };
    });
  });
}
