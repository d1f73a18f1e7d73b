import type { SqlDriver } from '../store/sql-driver.ts';
import { chunked, forUpdate, insertIgnoreSql, marks, num, withRetry } from './store-sql.ts';

/**
 * Leases in sluice_leases: plain rows changed by single conditional UPDATEs, no consensus of our
 * own. A row is held by `owner` until `expires_at`; `token` grows by one whenever another node
 * takes the row over, so writes made under an old token can be told apart (fencing).
 */
export interface LeaseRow { readonly name: string; readonly owner: string; readonly token: number; readonly expiresAt: number }

/** Creates absent rows as free (no owner, expired), so claims are always UPDATEs of existing rows. */
export async function ensureLeaseRows(db: SqlDriver, names: readonly string[]): Promise<void> {
  await chunked(names, 200, (chunk) => withRetry(db, (tx) => tx.run(
    insertIgnoreSql(tx.dialect, 'sluice_leases', ['name', 'owner', 'token', 'expires_at'], chunk.length), chunk.flatMap((n) => [n, '', 0, 0]))));
}

/**
 * Takes `name` for `owner` until `now + leaseMs` when it is free, expired or already ours.
 * Returns the token held, or undefined when another node holds the lease.
 */
export async function claimLease(db: SqlDriver, name: string, owner: string, leaseMs: number, now: number): Promise<number | undefined> {
  const expires = now + leaseMs;
  return withRetry(db, async (tx) => {
    // `token` is assigned first: MySQL evaluates SET left to right, so it must still see the old owner.
    await tx.run(`UPDATE sluice_leases SET token = CASE WHEN owner = ? THEN token ELSE token + 1 END, owner = ?, expires_at = ?
                  WHERE name = ? AND (owner = ? OR expires_at < ?)`, [owner, owner, expires, name, owner, now]);
    const rows = await tx.all<{ owner: string; token: unknown; expires_at: unknown }>(`SELECT owner, token, expires_at FROM sluice_leases WHERE name = ?${forUpdate(tx.dialect)}`, [name]);
    const row = rows[0];
    return row && row.owner === owner && num(row.expires_at) === expires ? num(row.token) : undefined;
  });
}

/**
 * Extends the leases `names` that `owner` still holds (an expired one that nobody took is ours
 * still) and returns name → token of each one renewed; a name missing from the result was lost.
 */
export async function renewLeases(db: SqlDriver, owner: string, names: readonly string[], leaseMs: number, now: number): Promise<Map<string, number>> {
  const expires = now + leaseMs;
  if (names.length === 0) return new Map();
  return withRetry(db, async (tx) => {
    await tx.run(`UPDATE sluice_leases SET expires_at = ? WHERE owner = ? AND name IN (${marks(names.length)})`, [expires, owner, ...names]);
    const rows = await tx.all<{ name: string; token: unknown; expires_at: unknown }>(
      `SELECT name, token, expires_at FROM sluice_leases WHERE owner = ? AND name IN (${marks(names.length)})`, [owner, ...names]);
    return new Map(rows.filter((r) => num(r.expires_at) === expires).map((r) => [r.name, num(r.token)]));
  });
}

/** Gives a lease up at once (another node may claim it in its next round), if we still hold it with `token`. */
export async function releaseLeases(db: SqlDriver, owner: string, held: readonly { name: string; token: number }[]): Promise<void> {
  if (held.length === 0) return;
  await withRetry(db, async (tx) => {
    for (const h of held) await tx.run('UPDATE sluice_leases SET expires_at = 0 WHERE name = ? AND owner = ? AND token = ?', [h.name, owner, h.token]);
  });
}

export async function readLeases(db: SqlDriver): Promise<LeaseRow[]> {
  const rows = await db.all<{ name: string; owner: string; token: unknown; expires_at: unknown }>('SELECT name, owner, token, expires_at FROM sluice_leases');
  return rows.map((r) => ({ name: r.name, owner: r.owner, token: num(r.token), expiresAt: num(r.expires_at) }));
}

/** Nodes holding any unexpired lease (a partition or their `node:` heartbeat). */
export function liveOwners(rows: readonly LeaseRow[], now: number): Set<string> {
  return new Set(rows.filter((r) => r.owner !== '' && r.expiresAt > now).map((r) => r.owner));
}
