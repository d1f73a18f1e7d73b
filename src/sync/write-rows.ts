import { isDataError } from '../connectors/sql/data-errors.ts';
import type { SqlRow, TableRef, TableWriter, WriteMode } from '../connectors/sql/sql-engine.ts';
import type { BinaryDecline, BinaryRows } from '../connectors/sql/binary-rows.ts';
import { decodeTextRows, type TextRows } from '../connectors/sql/text-rows.ts';
import { errorMessage } from '../core/errors.ts';

export interface RejectedRow {
  readonly row: SqlRow;
  readonly reason: string;
}

export interface WriteTarget {
  readonly table: TableRef;
  readonly columns: readonly string[];
  readonly key: readonly string[];
  readonly mode: WriteMode;
  readonly writeBatch: number;
}

/** The database's own words for a rejected row (the driver error under Sluice's wrapper). */
function reason(err: unknown): string {
  const cause = (err as { cause?: unknown }).cause;
  return errorMessage(cause instanceof Error ? cause : err);
}

/**
 * Writes rows in statements of `writeBatch` (all of them in one call when the writer is `bulk`). A
 * call the target rejects for its data (value too long, constraint, invalid value) is split in
 * halves until the rejected rows are isolated; the others are written and the rejected ones
 * returned with the reason. Other errors propagate.
 */
export async function writeRows(writer: TableWriter, target: WriteTarget, rows: readonly SqlRow[], rejected: RejectedRow[]): Promise<number> {
  const step = writer.bulk ? Math.max(rows.length, 1) : target.writeBatch;
  let written = 0;
  for (let i = 0; i < rows.length; i += step) {
    written += await isolate(writer, target, step >= rows.length ? rows : rows.slice(i, i + step), rejected);
  }
  return written;
}

async function isolate(writer: TableWriter, target: WriteTarget, rows: readonly SqlRow[], rejected: RejectedRow[]): Promise<number> {
  try {
    await writer.write(target.table, target.columns, target.key, rows, target.mode);
    return rows.length;
  } catch (err) {
    if (!isDataError(err)) throw err;
    if (rows.length === 1) {
      rejected.push({ row: rows[0]!, reason: reason(err) });
      return 0;
    }
    const mid = Math.ceil(rows.length / 2);
    return (await isolate(writer, target, rows.slice(0, mid), rejected)) + (await isolate(writer, target, rows.slice(mid), rejected));
  }
}

/**
 * Writes rows kept as the source's text: in one `writeText` call when the writer takes them;
 * otherwise, or when the target rejects their data, as decoded rows through writeRows (which
 * isolates the rejected rows).
 */
export async function writeTextRows(writer: TableWriter, target: WriteTarget, rows: TextRows, rejected: RejectedRow[]): Promise<number> {
  if (writer.writeText) {
    try {
      if (await writer.writeText(target.table, target.columns, target.key, rows, target.mode)) return rows.count;
    } catch (err) {
      if (!isDataError(err)) throw err;
    }
  }
  return writeRows(writer, target, decodeTextRows(rows), rejected);
}

/** A chunk's rows as read: decoded, kept as the source's text, or kept as its binary protocol. */
export type ChunkRows = { readonly rows: readonly SqlRow[] } | { readonly text: TextRows } | { readonly binary: BinaryRows };

export function chunkCount(input: ChunkRows): number {
  return 'rows' in input ? input.rows.length : 'text' in input ? input.text.count : input.binary.count;
}

/**
 * Writes a chunk's rows in the writer's transaction; returns the rows written, or why binary rows
 * were not written (nothing written: see BinaryDecline; a row the target rejects is a `value`
 * decline, as only the text path isolates such rows). The caller then reads them again as text.
 */
export async function writeChunk(writer: TableWriter, target: WriteTarget, input: ChunkRows, rejected: RejectedRow[]): Promise<number | BinaryDecline> {
  if ('rows' in input) return writeRows(writer, target, input.rows, rejected);
  if ('text' in input) return writeTextRows(writer, target, input.text, rejected);
  if (!writer.writeBinary) return 'column';
  try {
    const done = await writer.writeBinary(target.table, target.columns, target.key, input.binary, target.mode);
    return done === true ? input.binary.count : done;
  } catch (err) {
    if (!isDataError(err)) throw err;
    return 'value';
  }
}
