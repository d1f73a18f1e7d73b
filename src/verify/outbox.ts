import type { MetadataStore } from '../store/metadata-store.ts';

export type OutboxStatus = 'pending' | 'slow' | 'dead' | 'sent';

export interface OutboxEntry {
  readonly id: number;
  readonly channel: string;
  readonly idempotencyKey: string;
  readonly payload: unknown;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAt: number;
  readonly createdAt: number;
  readonly lastError: string | null;
}

/** When a failed delivery is tried again (cupid-go: every 10 s, after 3 failures every 10 minutes). */
export interface OutboxPolicy {
  /** Delay between the first attempts. */
  readonly retryEvery: number;
  /** Failures before an entry moves to the slow queue. */
  readonly fastAttempts: number;
  readonly slowEvery: number;
  /** Age after which a failing entry is dead (kept, visible, replayable). */
  readonly maxAge: number;
}

export const defaultOutboxPolicy: OutboxPolicy = { retryEvery: 10_000, fastAttempts: 3, slowEvery: 600_000, maxAge: 7 * 86_400_000 };

interface Row {
  id: number | string; channel: string; idempotency_key: string; payload: string; status: string;
  attempts: number | string; next_at: number | string; created_at: number | string; last_error: string | null;
}

const entry = (r: Row): OutboxEntry => ({
  id: Number(r.id), channel: r.channel, idempotencyKey: r.idempotency_key, payload: JSON.parse(r.payload) as unknown, status: r.status as OutboxStatus,
  attempts: Number(r.attempts), nextAt: Number(r.next_at), createdAt: Number(r.created_at), lastError: r.last_error,
});

/**
 * A durable outbox in the metadata store: a message is written before it is sent, once per
 * (channel, idempotency key), so a crash at any point loses nothing and a repeat adds nothing.
 * Delivery is at least once; receivers de-duplicate by the idempotency key.
 */
export class Outbox {
  private readonly store: MetadataStore;
  private readonly policy: OutboxPolicy;

  constructor(store: MetadataStore, policy: OutboxPolicy = defaultOutboxPolicy) {
    this.store = store;
    this.policy = policy;
  }

  /** Adds a message unless one with the same key is already there; true when added. */
  async enqueue(channel: string, idempotencyKey: string, payload: unknown, now = Date.now()): Promise<boolean> {
    const db = this.store.db;
    const ignore = db.dialect === 'mysql' ? 'INSERT IGNORE' : 'INSERT';
    const conflict = db.dialect === 'mysql' ? '' : ' ON CONFLICT (channel, idempotency_key) DO NOTHING';
    const before = await db.all('SELECT id FROM sluice_outbox WHERE channel = ? AND idempotency_key = ?', [channel, idempotencyKey]);
    if (before.length > 0) return false;
    await db.run(`${ignore} INTO sluice_outbox (channel, idempotency_key, payload, status, attempts, next_at, created_at) VALUES (?, ?, ?, 'pending', 0, ?, ?)${conflict}`,
      [channel, idempotencyKey, JSON.stringify(payload), now, now]);
    return true;
  }

  /** Entries due for an attempt (pending or slow, next attempt reached), oldest first. */
  async due(now = Date.now(), limit = 100): Promise<OutboxEntry[]> {
    const rows = await this.store.db.all<Row>(`SELECT * FROM sluice_outbox WHERE status IN ('pending', 'slow') AND next_at <= ? ORDER BY next_at, id LIMIT ${Math.max(1, Math.floor(limit))}`, [now]);
    return rows.map(entry);
  }

  async sent(id: number, now = Date.now()): Promise<void> {
    await this.store.db.run(`UPDATE sluice_outbox SET status = 'sent', attempts = attempts + 1, next_at = ?, last_error = NULL WHERE id = ?`, [now, id]);
  }

  /** Records a failed attempt: retried soon, then in the slow queue, dead after maxAge. */
  async failed(e: OutboxEntry, error: string, now = Date.now()): Promise<OutboxStatus> {
    const attempts = e.attempts + 1;
    const p = this.policy;
    const status: OutboxStatus = now - e.createdAt >= p.maxAge ? 'dead' : attempts < p.fastAttempts ? 'pending' : 'slow';
    const next = now + (status === 'pending' ? p.retryEvery : p.slowEvery);
    await this.store.db.run('UPDATE sluice_outbox SET status = ?, attempts = ?, next_at = ?, last_error = ? WHERE id = ?', [status, attempts, next, error.slice(0, 2000), e.id]);
    return status;
  }

  async list(status: OutboxStatus, limit = 100): Promise<OutboxEntry[]> {
    const rows = await this.store.db.all<Row>(`SELECT * FROM sluice_outbox WHERE status = ? ORDER BY id LIMIT ${Math.max(1, Math.floor(limit))}`, [status]);
    return rows.map(entry);
  }

  /** Counts by status (outbox depth per queue, for metrics). */
  async depth(): Promise<Record<OutboxStatus, number>> {
    const rows = await this.store.db.all<{ status: string; n: number | string }>('SELECT status, COUNT(*) AS n FROM sluice_outbox GROUP BY status');
    const out: Record<OutboxStatus, number> = { pending: 0, slow: 0, dead: 0, sent: 0 };
    for (const r of rows) out[r.status as OutboxStatus] = Number(r.n);
    return out;
  }

  /** Puts a dead (or slow) entry back in front of the queue. */
  async replay(id: number, now = Date.now()): Promise<void> {
    await this.store.db.run(`UPDATE sluice_outbox SET status = 'pending', next_at = ? WHERE id = ? AND status IN ('dead', 'slow')`, [now, id]);
  }
}
