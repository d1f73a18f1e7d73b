import { errorCatalog, type ErrorCode, type ErrorKind } from './error-catalog.ts';

export type { ErrorCode, ErrorKind };

export interface ErrorOptions {
  cause?: unknown;
  /** Structured facts for logs and the dead-letter store (field path, table, status code...). */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error Sluice raises on purpose. The subclass tells the runtime what to do;
 * `code` is stable and documented in docs/errors.md.
 */
export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly hint: string;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    const entry = errorCatalog[code];
    super(`${code} ${entry.title}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.kind = entry.kind;
    this.hint = entry.hint;
    this.details = options.details ?? {};
  }

  /** One operator-facing paragraph: what happened and what to do. */
  describe(): string {
    return `${this.message}\n  → ${this.hint}`;
  }
}

export class RetryableError extends SluiceError {}
export class BackoffError extends SluiceError {}
export class UnrecoverableError extends SluiceError {}
export class FatalError extends SluiceError {}

const classes: Record<ErrorKind, typeof SluiceError> = {
  retryable: RetryableError,
  backoff: BackoffError,
  unrecoverable: UnrecoverableError,
  fatal: FatalError,
};

/** Creates the error of the class the catalog assigns to `code`. */
export function sluiceError(code: ErrorCode, message: string, options?: ErrorOptions): SluiceError {
  const Class = classes[errorCatalog[code].kind];
  return new Class(code, message, options);
}

/** What the runtime should do with any thrown value; unknown errors are treated as transient. */
export function errorKind(err: unknown): ErrorKind {
  return err instanceof SluiceError ? err.kind : 'backoff';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
