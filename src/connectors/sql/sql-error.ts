import { SluiceError, sluiceError } from '../../core/errors.ts';
import { classifySqlError, driverCode, type SqlErrorClass } from './data-errors.ts';
import { tableLabel } from './dialect.ts';
import type { TableRef } from './sql-engine.ts';

const codes = {
  connection: 'SLUICE_7001',
  data: 'SLUICE_7002',
  conflict: 'SLUICE_7003',
  statement: 'SLUICE_7004',
} as const satisfies Record<SqlErrorClass, string>;

/**
 * A database error as a SluiceError naming the engine, what was done and the table; the driver
 * error stays the `cause` and its code is in `details`. A SluiceError passes through unchanged.
 */
export function sqlError(engine: string, action: string, table: TableRef | undefined, err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const where = table ? ` ${tableLabel(table)}` : '';
  const reason = err instanceof Error ? err.message : String(err);
  return sluiceError(codes[classifySqlError(err)], `${engine}: ${action}${where} failed: ${reason}`, {
    cause: err,
    details: { engine, ...(table ? { table: tableLabel(table) } : {}), ...driverCode(err) },
  });
}

/** Runs `work`, turning a database error into a SluiceError (see sqlError). */
export async function guard<T>(engine: string, action: string, table: TableRef | undefined, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw sqlError(engine, action, table, err);
  }
}
