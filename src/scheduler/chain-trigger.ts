import type { Logger } from '../core/logger.ts';
import type { SqlDriver } from '../store/sql-driver.ts';
import { chainFires, dependencySlot, insertFires, isFinal, type FireRecord, type NewFire } from './fire-store.ts';
import { blocked, childrenOf, readyToFire, type ChildLink, type FinishedStatus } from './job-graph.ts';
import { partitionOf } from './partition.ts';
import type { FinalState } from './run-log.ts';
import type { Job } from './spec.ts';
import { withRetry } from './store-sql.ts';

export interface ChainTriggerOptions {
  readonly db: SqlDriver;
  readonly node: string;
  readonly partitions: number;
  readonly logger: Logger;
  /** Whether this node may dispatch fires of the partition now (then it takes the child at once). */
  readonly holds: (partition: number) => boolean;
  /** Children this node created in a partition it holds. */
  readonly dispatch: (fires: FireRecord[]) => void;
}

/**
 * Dependencies: after a fire's final status is committed, each child job whose parents have all
 * finished in this run chain with the outcomes it waits for gets a fire (trigger `dependency`,
 * slot `d:<rootFireId>`: UNIQUE (job, slot) keeps it to one even when two parents finish at once on
 * two nodes); a child some parent rules out is recorded as skipped. The child's params carry the
 * parents' results under `parents`. Children in a partition another node holds are inserted
 * without an owner and picked up by that node.
 */
export class ChainTrigger {
  private readonly o: ChainTriggerOptions;
  private children = new Map<string, ChildLink[]>();

  constructor(options: ChainTriggerOptions) {
    this.o = options;
  }

  /** Rebuilds the parent → children index (after the job definitions changed). */
  setJobs(jobs: readonly Job[]): void {
    this.children = childrenOf(jobs);
  }

  hasChildren(job: string): boolean {
    return (this.children.get(job)?.length ?? 0) > 0;
  }

  async finished(fire: FireRecord, final: FinalState): Promise<void> {
    const links = this.children.get(fire.job);
    // A fire skipped by its overlap policy did not run: it starts no chain.
    if (!links || links.length === 0 || final.status === 'skipped') return;
    const root = fire.rootFireId ?? fire.id;
    const chain = await chainFires(this.o.db, root);
    const finished = new Map<string, FinishedStatus>();
    const results: Record<string, unknown> = {};
    for (const f of chain) {
      if (!isFinal(f.status)) continue;
      finished.set(f.job, f.status as FinishedStatus);
      results[f.job] = f.result ?? null;
    }
    finished.set(fire.job, final.status);
    results[fire.job] = final.result ?? (final.error === undefined ? null : { error: final.error });
    const now = Date.now();
    const fresh: NewFire[] = [];
    for (const { job } of links) {
      if (chain.some((f) => f.job === job.name && f.slot === dependencySlot(root))) continue;
      const partition = partitionOf(job.name, this.o.partitions);
      const base = { job: job.name, slot: dependencySlot(root), partition, scheduledAt: now, trigger: 'dependency' as const, rootFireId: root, parentFireId: fire.id };
      if (readyToFire(job, finished)) {
        const parents = Object.fromEntries(job.dependsOn.map((d) => [d.job, results[d.job] ?? null]));
        fresh.push({ ...base, params: { parents }, ...(this.o.holds(partition) ? { owner: this.o.node } : {}) });
      } else if (blocked(job, finished)) {
        const by = job.dependsOn.filter((d) => finished.has(d.job)).map((d) => `${d.job}: ${finished.get(d.job)} (needs ${d.on})`);
        fresh.push({ ...base, status: 'skipped', owner: this.o.node, result: { reason: 'dependency', parents: by } });
      }
    }
    if (fresh.length === 0) return;
    const created = await withRetry(this.o.db, (tx) => insertFires(tx, fresh, now));
    const mine = created.filter((f) => f.owner === this.o.node && f.createdAt === now && f.status === 'pending');
    for (const f of created) {
      if (f.createdAt === now) this.o.logger.info({ job: f.job, fire: f.id, parent: fire.id, root, status: f.status }, f.status === 'skipped' ? 'dependent job skipped in this chain' : 'dependent job triggered');
    }
    if (mine.length > 0) this.o.dispatch(mine);
  }
}
