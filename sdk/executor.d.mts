/** Node's `IncomingHttpHeaders`, a plain record, or fetch `Headers`. */
export type SluiceHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Records a nonce until `expiresAt` (epoch ms); returns true when it was seen before (a replay). */
export type SeenNonce = (nonce: string, expiresAt: number) => boolean;

export interface VerifyOptions {
  /** Accepted secrets by key id (`x-sluice-key-id`); keep the old key here while rotating. */
  readonly secrets: Readonly<Record<string, string>>;
  /** Largest accepted distance between `x-sluice-timestamp` and now; default 300000 (5 minutes). */
  readonly toleranceMs?: number;
  /** Replay check; default a per-process `nonceCache()`. `false` turns it off (e.g. behind a shared cache you check yourself). */
  readonly seenNonce?: SeenNonce | false;
  /** Current time in epoch ms; default `Date.now()`. */
  readonly now?: number;
}

export type VerifyFailure = 'missing-headers' | 'unknown-key' | 'stale-timestamp' | 'replayed-nonce' | 'signature-mismatch';
export type VerifyResult = { readonly ok: true; readonly keyId: string } | { readonly ok: false; readonly reason: VerifyFailure };

/** What the request must provide: Node's `IncomingMessage` fits (its `url` is the path and query as sent). */
export interface RequestLike {
  readonly method?: string | undefined;
  /** Path and query exactly as received, or a full URL (fetch `Request.url`). */
  readonly url?: string | undefined;
  readonly headers: SluiceHeaders;
}

/** Verify a request signed by the Sluice scheduler (HMAC-SHA256, scheme v2; docs/schedule-signing.md). */
export function verifySluiceRequest(req: RequestLike, rawBody: string | Uint8Array | undefined, options: VerifyOptions): VerifyResult;

/** A bounded in-memory replay cache for `seenNonce`. */
export function nonceCache(limit?: number): SeenNonce;

/** One delivery of a fire, as the scheduler describes it. */
export interface SluiceRun {
  /** Same on every attempt and after a takeover by another scheduler node: the de-duplication key. */
  readonly fireId: string;
  readonly jobId: string | undefined;
  /** 1 for the first attempt. */
  readonly attempt: number | undefined;
  /** The slot this fire is for, epoch ms. */
  readonly scheduledAt: number | undefined;
  /** Finish (or answer, for async jobs) before this, epoch ms; after it the attempt counts as timed out. */
  readonly deadline: number | undefined;
  /** 0 and 1 for a job that is not sharded. */
  readonly shardIndex: number;
  readonly shardTotal: number;
  /** The shard's items (from the default JSON envelope body; empty with a custom body). */
  readonly shardItems: readonly string[];
}

/** Read the run metadata from the `x-sluice-*` headers and the envelope body; undefined without a fire id. */
export function sluiceRun(headers: SluiceHeaders, body?: string | Uint8Array | object): SluiceRun | undefined;

export interface Dedupe {
  /** True the first time `key` is seen (run it); false for a duplicate delivery. */
  claim(key: string): boolean;
  /** Forget `key`, e.g. after the run failed, so a retry runs again. */
  release(key: string): void;
  has(key: string): boolean;
  readonly size: number;
}

/** Remembers up to `limit` (default 10000) run keys, the oldest forgotten first. */
export function dedupe(limit?: number): Dedupe;
