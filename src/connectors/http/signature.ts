import { createHmac, timingSafeEqual } from 'node:crypto';
import { wireHeaders } from './wire-headers.ts';

export interface SignInput {
  readonly secret: string;
  /** Unix seconds, as sent in `x-sluice-timestamp`. */
  readonly timestamp: number | string;
  /** The exact request body bytes. */
  readonly body: string | Uint8Array;
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signPayload({ secret, timestamp, body }: SignInput): string {
  const hmac = createHmac('sha256', secret).update(`${timestamp}.`).update(body);
  return `v1=${hmac.digest('hex')}`;
}

/** Fetch `Headers` (Request.headers) or Node's `IncomingMessage.headers`. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export interface VerifyInput {
  readonly headers: HeaderSource;
  /** The raw request body, exactly as received (not re-serialized JSON). */
  readonly body: string | Uint8Array;
  /** Accepted secrets by key id; keep the old key here while rotating. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Largest accepted distance between the timestamp and `now`, in seconds. */
  readonly toleranceSeconds?: number;
  /** Current time in epoch milliseconds; defaults to `Date.now()`. */
  readonly now?: number;
  /** Signature header name when the target sets `signing.header`. */
  readonly header?: string;
}

export type VerifyFailure =
  | 'missing-header'
  | 'invalid-timestamp'
  | 'timestamp-out-of-tolerance'
  | 'unknown-key-id'
  | 'signature-mismatch';

export type VerifyResult = { readonly ok: true; readonly keyId: string } | { readonly ok: false; readonly reason: VerifyFailure };

/** A header by lower-case name from fetch `Headers` or Node's header object (first value of a list). */
export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * Receiver-side check of a Sluice webhook request: known key id, timestamp within the replay
 * window, and an HMAC over `timestamp + "." + body` that matches in constant time.
 */
export function verifySignature(input: VerifyInput): VerifyResult {
  const { headers, body, secrets, toleranceSeconds = 300, now = Date.now() } = input;
  const timestamp = headerValue(headers, wireHeaders.timestamp);
  const keyId = headerValue(headers, wireHeaders.keyId);
  const signature = headerValue(headers, (input.header ?? wireHeaders.signature).toLowerCase());
  if (timestamp === undefined || keyId === undefined || signature === undefined) return { ok: false, reason: 'missing-header' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'invalid-timestamp' };
  if (Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'timestamp-out-of-tolerance' };
  const secret = Object.hasOwn(secrets, keyId) ? secrets[keyId] : undefined;
  if (secret === undefined) return { ok: false, reason: 'unknown-key-id' };
  const expected = Buffer.from(signPayload({ secret, timestamp, body }));
  const actual = Buffer.from(signature.trim());
  const match = actual.length === expected.length && timingSafeEqual(actual, expected);
  return match ? { ok: true, keyId } : { ok: false, reason: 'signature-mismatch' };
}
