import type { Logger } from '../core/logger.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { claimLease, ensureLeaseRows, liveOwners, readLeases, releaseLeases, renewLeases } from './lease-store.ts';
import { nodeLease, partitionLease, partitionOfLease } from './partition.ts';

export interface LeaseEvents {
  /** The partition is ours under `token`: load its open fires and start planning it. */
  acquired(partition: number, token: number): Promise<void> | void;
  /** The partition is no longer ours (renewal failed or came too late): stop dispatching it now. */
  lost(partition: number): void;
  /** Stop taking new work of the partition; `drained` says when it can be released. */
  drain(partition: number): void;
  drained(partition: number): boolean;
}

interface Held { token: number; validUntil: number; draining: boolean }

export interface LeaseManagerOptions {
  readonly db: SqlDriver;
  readonly node: string;
  readonly partitions: number;
  readonly leaseMs: number;
  readonly logger: Logger;
  readonly events: LeaseEvents;
  readonly clock?: () => number;
}

/**
 * Holds this node's share of the partitions. Each `tick()` (every ~500 ms): renews the leases every
 * lease/3, drops a partition whose lease ran out before it was renewed, and balances: a node takes
 * at most ceil(partitions / live nodes), releasing extras once their fires in flight are done and
 * claiming free or expired partitions up to that share, so a dead node's work moves within a lease.
 */
export class LeaseManager {
  private readonly held = new Map<number, Held>();
  private readonly o: LeaseManagerOptions;
  private readonly now: () => number;
  private lastRenew = 0;
  private started = false;

  constructor(options: LeaseManagerOptions) {
    this.o = options;
    this.now = options.clock ?? Date.now;
  }

  /** Partitions this node may plan and dispatch right now. */
  active(): number[] {
    const now = this.now();
    return [...this.held].filter(([, h]) => !h.draining && h.validUntil > now).map(([p]) => p).sort((a, b) => a - b);
  }

  /** All partitions held (including draining ones), with their tokens. */
  holding(): ReadonlyMap<number, number> {
    return new Map([...this.held].map(([p, h]) => [p, h.token]));
  }

  isActive(partition: number): boolean {
    const h = this.held.get(partition);
    return h !== undefined && !h.draining && h.validUntil > this.now();
  }

  async tick(): Promise<void> {
    const { db, node, partitions, leaseMs } = this.o;
    if (!this.started) {
      await ensureLeaseRows(db, [nodeLease(node), ...Array.from({ length: partitions }, (_, p) => partitionLease(p))]);
      this.started = true;
    }
    let now = this.now();
    this.expireLocally(now);
    if (now - this.lastRenew >= leaseMs / 3) {
      const names = [nodeLease(node), ...[...this.held].filter(([, h]) => h.validUntil > now).map(([p]) => partitionLease(p))];
      const renewed = await renewLeases(db, node, names, leaseMs, now);
      if (!renewed.has(nodeLease(node))) await claimLease(db, nodeLease(node), node, leaseMs, now);
      for (const [p, h] of this.held) {
        const token = renewed.get(partitionLease(p));
        if (token === h.token) h.validUntil = now + leaseMs;
        else if (h.validUntil > now) this.lose(p, 'another node holds the lease');
      }
      this.lastRenew = now;
    }
    now = this.now();
    const rows = await readLeases(db);
    const live = liveOwners(rows, now);
    live.add(node);
    const share = Math.ceil(partitions / live.size);
    await this.releaseExtras(share);
    let owned = this.held.size;
    if (owned >= share) return;
    const free = rows.map((r) => ({ r, p: partitionOfLease(r.name) }))
      .filter((x): x is { r: typeof x.r; p: number } => x.p !== undefined && x.p < partitions && !this.held.has(x.p) && (x.r.owner === '' || x.r.expiresAt < now || x.r.owner === node))
      .sort((a, b) => spread(node, a.p) - spread(node, b.p));
    for (const { p } of free) {
      if (owned >= share) break;
      const at = this.now();
      const token = await claimLease(db, partitionLease(p), node, leaseMs, at);
      if (token === undefined) continue;
      this.held.set(p, { token, validUntil: at + leaseMs, draining: false });
      owned++;
      this.o.logger.info({ partition: p, token }, 'partition acquired');
      await this.o.events.acquired(p, token);
    }
  }

  /** Gives every partition back (shutdown), so another node takes over at once. */
  async releaseAll(): Promise<void> {
    const held = [...this.held].map(([p, h]) => ({ name: partitionLease(p), token: h.token }));
    this.held.clear();
    await releaseLeases(this.o.db, this.o.node, held);
    await this.o.db.run('UPDATE sluice_leases SET expires_at = 0 WHERE name = ? AND owner = ?', [nodeLease(this.o.node), this.o.node]);
  }

  private expireLocally(now: number): void {
    for (const [p, h] of this.held) if (h.validUntil <= now) this.lose(p, 'lease expired before it was renewed');
  }

  private lose(p: number, why: string): void {
    this.held.delete(p);
    this.o.logger.warn({ partition: p, why }, 'partition lost; its fires stop here and continue on the node that takes it');
    this.o.events.lost(p);
  }

  private async releaseExtras(share: number): Promise<void> {
    const mine = [...this.held.keys()].sort((a, b) => spread(this.o.node, b) - spread(this.o.node, a));
    let extra = mine.length - share;
    for (const p of mine) {
      if (extra <= 0) break;
      const h = this.held.get(p)!;
      if (!h.draining) {
        h.draining = true;
        this.o.events.drain(p);
      }
      extra--;
    }
    const ready = [...this.held].filter(([p, h]) => h.draining && this.o.events.drained(p));
    if (ready.length === 0) return;
    for (const [p] of ready) this.held.delete(p);
    await releaseLeases(this.o.db, this.o.node, ready.map(([p, h]) => ({ name: partitionLease(p), token: h.token })));
    for (const [p] of ready) this.o.logger.info({ partition: p }, 'partition released to balance the nodes');
  }
}

/** A per-node order of partitions, so nodes claiming at once mostly reach for different ones. */
function spread(node: string, p: number): number {
  let h = 0x811c9dc5;
  const s = `${node}#${p}`;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
