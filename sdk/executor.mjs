// Sluice executor SDK: verify the scheduler's signed requests and read the run metadata.
// Plain JavaScript without dependencies, so it runs from node_modules (Node does not strip types
// there). The scheme is docs/schedule-signing.md; src/scheduler/request-signing.ts is the signer.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const DEFAULT_TOLERANCE_MS = 300_000;

function header(headers, name) {
  if (typeof Headers !== 'undefined' && headers instanceof Headers) return headers.get(name) ?? undefined;
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return typeof value === 'string' ? value : Array.isArray(value) ? value[0] : undefined;
}

/** The request line's path and query: Node's `req.url` already is one; a full URL (fetch) is cut down. */
function pathAndQuery(url) {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  }
  return url;
}

/**
 * A bounded in-memory replay cache: returns true when the nonce was seen before. Entries expire
 * with the tolerance window; when full of live entries it refuses (fails closed).
 */
export function nonceCache(limit = 100_000) {
  const seen = new Map();
  return (nonce, expiresAt) => {
    if (seen.has(nonce)) return true;
    const now = Date.now();
    let swept = 0;
    for (const [key, until] of seen) {
      if (until >= now || swept++ >= 64) break;
      seen.delete(key);
    }
    if (seen.size >= limit) return true;
    seen.set(nonce, expiresAt);
    return false;
  };
}

const processNonces = nonceCache();

/**
 * Verify a request signed by the Sluice scheduler (scheme v2). `req` is Node's IncomingMessage or
 * anything with `method`, `url` (path and query as received, or a full URL) and `headers`;
 * `rawBody` the exact body bytes. Replays are rejected by a per-process nonce cache unless
 * `seenNonce` gives another (or `false` turns the check off). Never throws on bad input.
 */
export function verifySluiceRequest(req, rawBody, options) {
  const { secrets, toleranceMs = DEFAULT_TOLERANCE_MS, now = Date.now() } = options;
  const seenNonce = options.seenNonce === undefined ? processNonces : options.seenNonce;
  const keyId = header(req.headers, 'x-sluice-key-id');
  const timestamp = header(req.headers, 'x-sluice-timestamp');
  const nonce = header(req.headers, 'x-sluice-nonce');
  const signature = header(req.headers, 'x-sluice-signature');
  if (!keyId || !timestamp || !nonce || !signature || typeof req.method !== 'string' || typeof req.url !== 'string') {
    return { ok: false, reason: 'missing-headers' };
  }
  const secret = Object.hasOwn(secrets, keyId) ? secrets[keyId] : undefined;
  if (!secret) return { ok: false, reason: 'unknown-key' };
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceMs) return { ok: false, reason: 'stale-timestamp' };
  const bodyHash = createHash('sha256').update(rawBody ?? '').digest('hex');
  const canonical = `v2\n${req.method.toUpperCase()}\n${pathAndQuery(req.url)}\n${bodyHash}\n${timestamp}\n${nonce}`;
  const expected = Buffer.from(`v2=${createHmac('sha256', secret).update(canonical).digest('hex')}`);
  const actual = Buffer.from(signature.trim());
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: 'signature-mismatch' };
  if (seenNonce && seenNonce(nonce, Number(timestamp) + toleranceMs)) return { ok: false, reason: 'replayed-nonce' };
  return { ok: true, keyId };
}

function integer(value) {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  return typeof value === 'string' && /^-?\d{1,16}$/.test(value) ? Number(value) : undefined;
}

function envelopeOf(body) {
  if (body === undefined || body === null) return {};
  if (typeof body === 'object' && !(body instanceof Uint8Array)) return body;
  try {
    const parsed = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}

/**
 * The run metadata of a scheduler request, from the `x-sluice-*` headers (sent on every request)
 * and, for shard items and anything missing there, the default JSON envelope body. Returns
 * undefined when the request carries no fire id.
 */
export function sluiceRun(headers, body) {
  const envelope = envelopeOf(body);
  const shard = /^(\d+)\/(\d+)$/.exec(header(headers, 'x-sluice-shard') ?? '');
  const fireId = header(headers, 'x-sluice-fire-id') ?? (typeof envelope.fireId === 'string' ? envelope.fireId : undefined);
  if (fireId === undefined) return undefined;
  const items = envelope.shard?.items;
  return {
    fireId,
    jobId: header(headers, 'x-sluice-job') ?? (typeof envelope.jobId === 'string' ? envelope.jobId : undefined),
    attempt: integer(header(headers, 'x-sluice-attempt')) ?? integer(envelope.attempt),
    scheduledAt: integer(header(headers, 'x-sluice-scheduled-at')) ?? integer(envelope.scheduledAt),
    deadline: integer(header(headers, 'x-sluice-deadline')) ?? integer(envelope.deadline),
    shardIndex: shard ? Number(shard[1]) : (integer(envelope.shard?.index) ?? 0),
    shardTotal: shard ? Number(shard[2]) : (integer(envelope.shard?.total) ?? 1),
    shardItems: Array.isArray(items) ? items.map(String) : [],
  };
}

/**
 * Remembers run keys (`fireId`, or `fireId:shardIndex` for sharded jobs) so a fire delivered twice
 * (a retry after a timeout, a takeover by another scheduler node) runs once. `claim` is true for
 * the first delivery; `release` forgets a key whose run failed, so a retry may run it again.
 * The oldest keys are forgotten beyond `limit`.
 */
export function dedupe(limit = 10_000) {
  const keys = new Set();
  return {
    claim(key) {
      if (keys.has(key)) return false;
      keys.add(key);
      if (keys.size > limit) keys.delete(keys.values().next().value);
      return true;
    },
    release(key) {
      keys.delete(key);
    },
    has(key) {
      return keys.has(key);
    },
    get size() {
      return keys.size;
    },
  };
}
