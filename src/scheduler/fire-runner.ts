import type { SyncConfig } from '../config/sluice-config.ts';
import { sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { AsyncResults } from './async-result.ts';
import { retryDelay, sleep } from './backoff.ts';
import { runBuiltinTask, type BuiltinResult } from './builtin-task.ts';
import { ExecutorRegistry } from './executor-registry.ts';
import type { FireContext, FireHooks, FireOutcome, FireRunner } from './fire-types.ts';
import { HttpClient } from './http-client.ts';
import { runHttpFire } from './http-fire.ts';
import { JobAlerts, type AlertOutcome } from './job-alerts.ts';
import { Router } from './routing.ts';
import { attemptTimeout, type SchedulerSettings } from './spec.ts';

export interface FireRunnerDeps {
  readonly store: MetadataStore;
  readonly settings: SchedulerSettings;
  readonly config: SyncConfig;
  readonly logger: Logger;
  /** This node's name: the `executor` of built-in task attempts. */
  readonly node: string;
  /** Random source of routing and retry jitter (tests pass a fixed one). */
  readonly random?: () => number;
  /** How long the executors of a group are cached; default 1 s. */
  readonly registryCacheMs?: number;
}

/**
 * Runs a built-in task as attempts with the job's retry policy; each attempt is bounded by the
 * job's timeout (a stopped sync keeps its ledger, so the next attempt resumes it).
 */
async function runBuiltinFire(deps: FireRunnerDeps, fire: FireContext, hooks: FireHooks, signal: AbortSignal, random: () => number): Promise<{ outcome: FireOutcome; timedOut: boolean }> {
  const job = fire.job;
  const budget = Math.max(1, 1 + job.retry.attempts - fire.previousAttempts);
  const executor = `sluice:${deps.node}`;
  let last: BuiltinResult | undefined;
  let timedOut = false;
  for (let n = 0; n < budget; n++) {
    if (n > 0) {
      await sleep(retryDelay(job.retry, n, random), signal);
      if (signal.aborted) break;
    }
    const attempt = fire.previousAttempts + n + 1;
    const startedAt = Date.now();
    hooks.attempt({ shardIndex: 0, attempt, executor, startedAt, status: 'running' });
    const timeout = AbortSignal.timeout(attemptTimeout(job));
    last = await runBuiltinTask(deps, job, AbortSignal.any([signal, timeout]));
    timedOut = !last.ok && timeout.aborted && !signal.aborted;
    const error = timedOut ? sluiceError('SLUICE_7224', `task ${job.task} stopped after ${attemptTimeout(job)} ms; the next run resumes it`).message : last.error;
    const status = last.ok ? 'succeeded' : signal.aborted ? 'cancelled' : timedOut ? 'timeout' : 'failed';
    hooks.attempt({ shardIndex: 0, attempt, executor, startedAt, finishedAt: Date.now(), status, ...(error ? { error } : {}) });
    if (last.ok || signal.aborted || !(last.retryable || timedOut)) break;
  }
  const status = last?.ok ? 'succeeded' : signal.aborted ? 'cancelled' : 'failed';
  const error = last?.ok ? undefined : timedOut ? `task ${job.task} timed out` : last?.error ?? 'cancelled before it started';
  return { outcome: { status, ...(last?.report === undefined ? {} : { result: last.report }), ...(error ? { error } : {}) }, timedOut };
}

/**
 * The entry point of the engine for one fire: an `http` job goes to its executors (routing,
 * shards, retries, failover, async results), a `sync`/`snapshot`/`verify` job runs in-process.
 * Alerts are raised here, once per fire, on the outcomes the job asks for.
 */
export function createFireRunner(deps: FireRunnerDeps): FireRunner & { close(): Promise<void> } {
  const random = deps.random ?? Math.random;
  const client = new HttpClient(deps.settings.maxConcurrent);
  const results = new AsyncResults(deps.store);
  const registry = new ExecutorRegistry(deps.store, deps.settings.heartbeatTimeout, deps.registryCacheMs);
  const router = new Router(random);
  const alerts = new JobAlerts(deps.logger);
  return {
    async run(fire, hooks, signal) {
      const job = fire.job;
      const { outcome, timedOut } = job.type === 'http'
        ? await runHttpFire({ client, results, logger: deps.logger, registry, router, random, signing: job.signing ?? deps.settings.signing }, fire, hooks, signal)
        : await runBuiltinFire(deps, fire, hooks, signal, random);
      const kind: AlertOutcome = outcome.status === 'succeeded' ? 'success' : timedOut ? 'timeout' : 'failure';
      alerts.notify(fire, outcome, kind, deps.node);
      return outcome;
    },
    async close() {
      results.close();
      client.close();
    },
  };
}
