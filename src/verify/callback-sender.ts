import { signPayload } from '../connectors/http/signature.ts';
import { wireHeaders } from '../connectors/http/wire-headers.ts';
import { errorMessage } from '../core/errors.ts';
import type { Outbox } from './outbox.ts';

export interface CallbackTarget {
  readonly url: string;
  /** Per attempt; cupid-go's 3 s by default. */
  readonly timeoutMs: number;
  /** HMAC-SHA256 signing as the HTTP target does it (`x-sluice-signature: v1=...`). */
  readonly signing?: { readonly keyId: string; readonly secret: string };
}

/** POSTs one callback; any 2xx is success, everything else (and no answer in time) throws. */
export async function postCallback(target: CallbackTarget, idempotencyKey: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { [wireHeaders.contentType]: 'application/json', [wireHeaders.idempotencyKey]: idempotencyKey, [wireHeaders.timestamp]: String(timestamp) };
  if (target.signing) {
    headers[wireHeaders.keyId] = target.signing.keyId;
    headers[wireHeaders.signature] = signPayload({ secret: target.signing.secret, timestamp, body });
  }
  const res = await fetch(target.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(target.timeoutMs) });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`HTTP ${res.status} from ${target.url}`);
}

export interface DeliveryRound {
  sent: number;
  failed: number;
  /** Failures that moved a callback to the slow queue or made it dead. */
  escalated: number;
  lastError?: string;
}

/**
 * One pass over the outbox: every due entry of `channel` is posted; success marks it sent, a
 * failure schedules the next attempt (fast, then slow queue, then dead). Never throws for a
 * failed callback, so one bad endpoint cannot stop the others.
 */
export async function deliverDue(outbox: Outbox, channel: string, target: CallbackTarget, now = Date.now(), observe?: (seconds: number, ok: boolean) => void): Promise<DeliveryRound> {
  const round: DeliveryRound = { sent: 0, failed: 0, escalated: 0 };
  for (const e of (await outbox.due(now, 500)).filter((x) => x.channel === channel)) {
    const started = performance.now();
    try {
      await postCallback(target, e.idempotencyKey, e.payload);
      observe?.((performance.now() - started) / 1000, true);
      await outbox.sent(e.id);
      round.sent++;
    } catch (err) {
      observe?.((performance.now() - started) / 1000, false);
      round.lastError = errorMessage(err);
      const status = await outbox.failed(e, round.lastError);
      round.failed++;
      if (e.status === 'pending' && (status === 'slow' || status === 'dead')) round.escalated++;
    }
  }
  return round;
}
