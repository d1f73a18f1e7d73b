import { hostname } from 'node:os';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { ChainTrigger } from './chain-trigger.ts';
import { nextFireAfter as cronNextFireAfter } from './cron-schedule.ts';
import { Dispatcher } from './dispatcher.ts';
import { openFires, unclaimedFires } from './fire-store.ts';
import type { FireRunner } from './fire-types.ts';
import { JobCache, sharedSchedules, syncConfigJobs, type NextFireAfter } from './job-store.ts';
import { LeaseManager } from './lease-manager.ts';
import { planRound } from './planner.ts';
import { applyRetention } from './retention.ts';
import { RunLog } from './run-log.ts';
import type { SchedulerMetrics } from './scheduler-metrics.ts';
import type { Job, SchedulerSettings } from './spec.ts';
import { isTransientConflict } from './store-sql.ts';

export interface SchedulerNodeOptions {
  readonly store: MetadataStore;
  readonly settings: SchedulerSettings;
  /** The config file's jobs (origin `config`); undefined leaves sluice_jobs as it is. */
  readonly jobs?: readonly Job[];
  readonly runner: FireRunner;
  readonly logger: Logger;
  readonly node?: string;
  readonly metrics?: SchedulerMetrics;
  /** Planning interval; default lookahead / 5 within 50..250 ms. */
  readonly tickMs?: number;
  /** How long running fires may take to finish on shutdown before they are handed back; default 10 s. */
  readonly graceMs?: number;
  /** Status writes are batched over this long; default 50 ms. */
  readonly flushMs?: number;
  readonly nextFireAfter?: NextFireAfter;
}

const HOUR = 3_600_000;
/**
 * Store work (planning, pickups, status flushes) does not start when fires are due within this
 * long: on SQLite it blocks the event loop, and one round takes 10-100 ms for 500 jobs.
 */
const STORE_GUARD_MS = 100;

export const defaultNodeName = (): string => `${hostname()}-${process.pid}`;

/**
 * One scheduler node: holds leases on its share of the partitions, plans their due slots into
 * fire rows (exactly one per slot), runs them through the FireRunner, and triggers dependent jobs.
 * Everything that touches the partitions runs in one loop, so a takeover, a planning round and a
 * pickup of new pending fires never race on this node.
 */
export class SchedulerNode {
  readonly name: string;
  private readonly o: SchedulerNodeOptions;
  private readonly jobs: JobCache;
  private readonly runLog: RunLog;
  private readonly dispatcher: Dispatcher;
  private readonly leases: LeaseManager;
  private readonly chain: ChainTrigger;
  private readonly nextFireAfter: NextFireAfter;
  private readonly tickMs: number;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private lastRetention = 0;

  constructor(options: SchedulerNodeOptions) {
    this.o = options;
    this.name = options.node ?? options.settings.node ?? defaultNodeName();
    const logger = options.logger;
    const db = options.store.db;
    this.nextFireAfter = sharedSchedules(options.nextFireAfter ?? cronNextFireAfter);
    this.tickMs = options.tickMs ?? Math.min(250, Math.max(50, Math.round(options.settings.lookahead / 5)));
    this.jobs = new JobCache(db, logger);
    this.runLog = new RunLog(db, this.name, logger, options.flushMs ?? 50, () => this.dispatcher.quietIn(STORE_GUARD_MS));
    this.chain = new ChainTrigger({
      db, node: this.name, partitions: options.settings.partitions, logger,
      holds: (p) => this.leases.isActive(p), dispatch: (fires) => this.dispatcher.add(fires),
    });
    this.dispatcher = new Dispatcher({
      runner: options.runner, runLog: this.runLog, jobs: this.jobs, logger, maxConcurrent: options.settings.maxConcurrent,
      ...(options.metrics ? { metrics: options.metrics } : {}),
      onFinished: (fire, _job, final) => {
        if (!this.chain.hasChildren(fire.job)) return;
        this.chain.finished(fire, final).catch((err: unknown) => logger.error({ err, fire: fire.id }, 'cannot trigger the dependent jobs of a fire'));
      },
    });
    this.leases = new LeaseManager({
      db, node: this.name, partitions: options.settings.partitions, leaseMs: options.settings.lease, logger,
      events: {
        acquired: async (p) => {
          const open = (await openFires(db, p)).filter((f) => !this.dispatcher.has(f.id));
          if (open.length > 0) {
            logger.info({ partition: p, fires: open.length }, 'taking over pending and running fires');
            this.o.metrics?.takeovers.inc(open.length);
          }
          this.dispatcher.add(open);
          this.updatePartitionGauge();
        },
        lost: (p) => {
          this.dispatcher.abandon(p);
          this.updatePartitionGauge();
        },
        drain: (p) => this.dispatcher.dropWaiting(p),
        drained: (p) => this.dispatcher.inFlight(p) === 0,
      },
    });
  }

  /** Upserts the config jobs, loads the definitions and starts the loop. */
  async start(): Promise<void> {
    const db = this.o.store.db;
    if (this.o.jobs) {
      const s = await syncConfigJobs(db, this.o.jobs, this.o.settings.partitions, this.nextFireAfter);
      if (s.shadowed.length > 0) this.o.logger.warn({ jobs: s.shadowed }, 'jobs in the config file have the names of jobs created in the store; the stored ones are kept');
      this.o.logger.info({ node: this.name, added: s.added, changed: s.changed, removed: s.removed }, 'jobs from the config file are in the store');
    }
    await this.jobs.refresh();
    this.chain.setJobs(this.jobs.all().map((j) => j.job));
    this.loop = this.run();
  }

  /**
   * Stops planning, leaves waiting fires pending for the next owner, lets running ones finish
   * (up to graceMs), writes what is queued and releases the leases so another node takes over at once.
   */
  async stop(): Promise<void> {
    if (this.stopping) return this.loop;
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await this.dispatcher.stop(this.o.graceMs ?? 10_000);
    await this.runLog.close();
    await this.leases.releaseAll().catch((err: unknown) => this.o.logger.warn({ err }, 'cannot release the leases; other nodes take over when they expire'));
    this.o.metrics?.partitions.set(0);
  }

  /** Partitions this node may plan and dispatch now. */
  activePartitions(): number[] {
    return this.leases.active();
  }

  private async run(): Promise<void> {
    const leaseEvery = Math.min(500, Math.max(50, Math.round(this.o.settings.lease / 10)));
    let nextLease = 0;
    let nextPickup = 0;
    let nextRefresh = Date.now() + 2000;
    while (!this.stopping) {
      let more = false;
      const hold = this.dispatcher.quietIn(STORE_GUARD_MS);
      if (hold > 0) {
        await this.sleep(hold);
        if (this.stopping) break;
      }
      try {
        const now = Date.now();
        if (now >= nextLease) {
          nextLease = now + leaseEvery;
          await this.leases.tick();
          this.updatePartitionGauge();
        }
        if (now >= nextRefresh) {
          nextRefresh = now + 2000;
          if ((await this.jobs.refresh()).length > 0) this.chain.setJobs(this.jobs.all().map((j) => j.job));
        }
        more = await this.plan();
        if (now >= nextPickup) {
          nextPickup = now + 500;
          await this.pickup();
        }
        if (now - this.lastRetention >= HOUR && this.leases.isActive(0)) {
          this.lastRetention = now;
          const deleted = await applyRetention(this.o.store.db, this.o.settings.retentionDays);
          if (deleted > 0) this.o.logger.info({ deleted, retentionDays: this.o.settings.retentionDays }, 'old fires deleted');
        }
      } catch (err) {
        if (isTransientConflict(err)) this.o.logger.debug({ err }, 'scheduler round met a lock conflict; retrying');
        else this.o.logger.error({ err }, 'scheduler round failed; retrying');
        more = false;
        await this.sleep(Math.max(this.tickMs, 500));
      }
      if (!more) await this.sleep(this.tickMs);
    }
  }

  private async plan(): Promise<boolean> {
    const active = new Set(this.leases.active());
    const held = new Map([...this.leases.holding()].filter(([p]) => active.has(p)));
    const round = await planRound({
      db: this.o.store.db, node: this.name, jobs: this.jobs, nextFireAfter: this.nextFireAfter, lookahead: this.o.settings.lookahead,
      tolerance: this.o.settings.lease + 2 * this.o.settings.lookahead, logger: this.o.logger,
    }, held, Date.now());
    // A partition lost while the round ran: its fires are for the next owner.
    this.dispatcher.add(round.fires.filter((f) => this.leases.isActive(f.partition)));
    for (const m of round.misfires) {
      this.o.logger.warn({ job: m.job, fired: m.fired, skipped: m.skipped, olderThanWindow: m.beyondWindow }, 'missed fires found (no scheduler ran); applied the job\'s misfire policy');
      if (m.fired > 0) this.o.metrics?.misfires.inc({ job: m.job, action: 'fired' }, m.fired);
      if (m.skipped > 0) this.o.metrics?.misfires.inc({ job: m.job, action: 'skipped' }, m.skipped);
    }
    return round.more;
  }

  /** New pending fires without an owner (run-now, children made on another node) in our partitions. */
  private async pickup(): Promise<void> {
    const fires = (await unclaimedFires(this.o.store.db, this.leases.active())).filter((f) => !this.dispatcher.has(f.id));
    if (fires.length === 0) return;
    await this.jobs.ensure(fires.map((f) => ({ name: f.job, updatedAt: 0 })));
    this.dispatcher.add(fires.filter((f) => this.leases.isActive(f.partition)));
  }

  private updatePartitionGauge(): void {
    this.o.metrics?.partitions.set(this.leases.active().length);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
