import { nonceCache as sdkNonceCache } from '../../sdk/executor.mjs';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { headerValue as header, type HeaderSource } from '../connectors/http/signature.ts';

/**
 * HMAC-SHA256 request signing between the scheduler and its executors (both directions).
 * Unlike the HTTP target's v1 scheme (timestamp + body), v2 also covers the method and the path
 * with its query, and carries a nonce, so a captured request can be neither redirected to another
 * endpoint nor replayed inside the tolerance window. The scheme is documented for executor authors
 * in docs/schedule-signing.md; sdk/executor.mjs is the same verifier without dependencies.
 *
 * Canonical string, one field per line, joined by "\n" (no trailing newline):
 *   v2
 *   METHOD (upper case)
 *   path with query, exactly as sent on the request line
 *   lowercase hex SHA-256 of the raw body bytes (of the empty string when there is no body)
 *   timestamp (ms since the epoch, decimal, as in x-sluice-timestamp)
 *   nonce (as in x-sluice-nonce)
 */

export const signingHeaders = {
  keyId: 'x-sluice-key-id',
  timestamp: 'x-sluice-timestamp',
  nonce: 'x-sluice-nonce',
  signature: 'x-sluice-signature',
} as const;

export const defaultToleranceMs = 300_000;

export interface SignRequestInput {
  readonly method: string;
  /** Path and query exactly as they go on the request line, e.g. `/run?shard=2`. */
  readonly pathAndQuery: string;
  readonly body: string | Uint8Array;
  readonly keyId: string;
  readonly secret: string;
  /** Epoch ms; defaults to `Date.now()`. */
  readonly now?: number;
  /** Defaults to 16 random bytes in hex. */
  readonly nonce?: string;
}

/** The canonical string both sides sign (see the module comment). */
export function canonicalRequest(method: string, pathAndQuery: string, body: string | Uint8Array, timestamp: string, nonce: string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return `v2\n${method.toUpperCase()}\n${pathAndQuery}\n${bodyHash}\n${timestamp}\n${nonce}`;
}

function hmac(secret: string, canonical: string): string {
  return createHmac('sha256', secret).update(canonical).digest('hex');
}

/** The four signing headers for one request. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const timestamp = String(Math.trunc(input.now ?? Date.now()));
  const nonce = input.nonce ?? randomBytes(16).toString('hex');
  const canonical = canonicalRequest(input.method, input.pathAndQuery, input.body, timestamp, nonce);
  return {
    [signingHeaders.keyId]: input.keyId,
    [signingHeaders.timestamp]: timestamp,
    [signingHeaders.nonce]: nonce,
    [signingHeaders.signature]: `v2=${hmac(input.secret, canonical)}`,
  };
}

/** Records a nonce until `expiresAt`; returns true when it was already seen (a replay). */
export type SeenNonce = (nonce: string, expiresAt: number) => boolean;

export interface VerifyRequestInput {
  readonly method: string;
  readonly pathAndQuery: string;
  /** The raw body exactly as received (not re-serialized JSON). */
  readonly body: string | Uint8Array;
  readonly headers: HeaderSource;
  /** Accepted secrets by key id; keep the old key here while rotating. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly now?: number;
  /** Largest accepted distance between the timestamp and `now`; default 5 minutes. */
  readonly toleranceMs?: number;
  /** Replay check, e.g. `nonceCache()`; without it a replay within the tolerance is not detected. */
  readonly seenNonce?: SeenNonce;
}

export type VerifyRequestFailure = 'missing-headers' | 'unknown-key' | 'stale-timestamp' | 'replayed-nonce' | 'signature-mismatch';
export type VerifyRequestResult = { readonly ok: true; readonly keyId: string } | { readonly ok: false; readonly reason: VerifyRequestFailure };

/**
 * Checks a signed request: all headers present, a known key id, a timestamp within the tolerance,
 * a matching signature (constant-time) and, last, an unseen nonce — so only authentic requests
 * are recorded in the nonce cache. Any doubt is a failure.
 */
export function verifyRequest(input: VerifyRequestInput): VerifyRequestResult {
  const { headers, secrets, now = Date.now(), toleranceMs = defaultToleranceMs } = input;
  const keyId = header(headers, signingHeaders.keyId);
  const timestamp = header(headers, signingHeaders.timestamp);
  const nonce = header(headers, signingHeaders.nonce);
  const signature = header(headers, signingHeaders.signature);
  if (!keyId || !timestamp || !nonce || !signature) return { ok: false, reason: 'missing-headers' };
  const secret = Object.hasOwn(secrets, keyId) ? secrets[keyId] : undefined;
  if (!secret) return { ok: false, reason: 'unknown-key' };
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceMs) return { ok: false, reason: 'stale-timestamp' };
  const expected = Buffer.from(`v2=${hmac(secret, canonicalRequest(input.method, input.pathAndQuery, input.body, timestamp, nonce))}`);
  const actual = Buffer.from(signature.trim());
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'signature-mismatch' };
  if (input.seenNonce?.(nonce, Number(timestamp) + toleranceMs)) return { ok: false, reason: 'replayed-nonce' };
  return { ok: true, keyId };
}

/**
 * An in-memory replay cache for `verifyRequest`: a nonce is remembered until its timestamp has left
 * the tolerance window; when `limit` live entries are held, new requests are refused as replays
 * (failing closed beats forgetting). The same code executors get from the SDK.
 */
export const nonceCache: (limit?: number) => SeenNonce = sdkNonceCache;
