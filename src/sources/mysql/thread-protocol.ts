import { SluiceError, sluiceError } from '../../core/errors.ts';
import { errorCatalog, type ErrorCode } from '../../core/error-catalog.ts';
import type { ResumeFrom } from './binlog-source.ts';
import type { MysqlSourceConfig } from './spec.ts';
import type { WireBatch } from './transaction-wire.ts';

/** What the decoder thread starts with. */
export interface WorkerData {
  readonly config: MysqlSourceConfig;
  readonly from: ResumeFrom;
  readonly logLevel: string;
  /** Post a batch once this many rows are waiting (otherwise after each socket read). */
  readonly flushRows: number;
}

/** Main thread → decoder thread. */
export type ToThread = { type: 'pause' | 'resume'; reason?: string } | { type: 'stop' };

/** Decoder thread → main thread. */
export type FromThread =
  | { type: 'ready' | 'stopped' }
  | { type: 'txns'; batch: WireBatch }
  | { type: 'error' | 'start-failed'; error: WireError }
  | { type: 'log'; level: number; args: unknown[] };

export interface WireError {
  readonly code?: ErrorCode;
  /** The detail given to sluiceError (without the code and title prefix), or the message of another error. */
  readonly detail: string;
  readonly details?: Record<string, unknown>;
}

export function errorToWire(err: unknown): WireError {
  if (err instanceof SluiceError) {
    const prefix = `${err.code} ${errorCatalog[err.code].title}: `;
    const detail = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
    return { code: err.code, detail, details: plain(err.details) };
  }
  return { detail: err instanceof Error ? err.message : String(err) };
}

/** Rebuilds the error on the main thread; an error without a code counts as an interrupted stream. */
export function errorFromWire(wire: WireError): SluiceError {
  return sluiceError(wire.code ?? 'SLUICE_2009', wire.detail, wire.details ? { details: wire.details } : {});
}

function plain(details: Record<string, unknown>): Record<string, unknown> {
  try {
    return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
  } catch {
    return {};
  }
}
