import type { Job } from './spec.ts';

/** Why a fire exists. */
export type TriggerKind = 'schedule' | 'misfire' | 'manual' | 'dependency';

/** A fire's life: pending → running → (waiting for an async result) → a final status. */
export type FireStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

export type AttemptStatus = 'running' | 'succeeded' | 'failed' | 'timeout' | 'cancelled';

/**
 * One fire as the runner sees it. The same `fireId` is sent on every attempt and after a takeover
 * by another node, so executors can de-duplicate.
 */
export interface FireContext {
  /** The `sluice_fires.id`, as a string. */
  readonly fireId: string;
  readonly job: Job;
  readonly trigger: TriggerKind;
  /** The slot this fire is for (ms since the epoch); for manual and dependency fires, when it was created. */
  readonly scheduledAt: number;
  /** Attempts already made by earlier owners of this fire (0 on a fresh fire). */
  readonly previousAttempts: number;
  /** The first fire of the chain (itself for a root), and the fire that triggered this one. */
  readonly rootFireId: string;
  readonly parentFireId?: string;
  /** `job.params` merged with parameters given for this fire (run-now, parents' results). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** One attempt of one shard (shard index 0 when the job is not sharded). */
export interface AttemptRecord {
  readonly shardIndex: number;
  readonly attempt: number;
  readonly executor?: string;
  readonly startedAt: number;
  readonly finishedAt?: number;
  readonly status: AttemptStatus;
  readonly httpStatus?: number;
  /** The first bytes of the response (at most 1,000 characters). */
  readonly excerpt?: string;
  readonly error?: string;
}

export interface FireOutcome {
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  /** JSON-safe result: per shard status for sharded jobs, the task report for built-in tasks. */
  readonly result?: unknown;
  readonly error?: string;
}

export interface FireHooks {
  /** Called when an attempt starts (status `running`) and again when it ends; the caller persists it. */
  attempt(record: AttemptRecord): void;
}

/** Runs one fire to its end: routing, attempts, retries, failover, shards, async results. */
export interface FireRunner {
  run(fire: FireContext, hooks: FireHooks, signal: AbortSignal): Promise<FireOutcome>;
}
