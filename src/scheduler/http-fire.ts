import { attemptTimeout } from './spec.ts';
import { sluiceError } from '../core/errors.ts';
import { retryDelay, sleep } from './backoff.ts';
import type { ExecutorRegistry } from './executor-registry.ts';
import type { Signing } from './executor-request.ts';
import type { AttemptRecord, FireContext, FireHooks, FireOutcome } from './fire-types.ts';
import { httpAttempt, type AttemptDeps, type AttemptResult } from './http-attempt.ts';
import type { ExecutorInfo, Router } from './routing.ts';
import { planShards, shardItems, type Shard } from './shard-plan.ts';

export interface HttpFireDeps extends AttemptDeps {
  readonly registry: ExecutorRegistry;
  readonly router: Router;
  readonly signing?: Signing | undefined;
  readonly random: () => number;
}

/** One shard's end, as it goes into the fire's result. */
export interface ShardOutcome {
  readonly index: number;
  readonly items: readonly string[];
  readonly status: 'succeeded' | 'failed' | 'cancelled';
  readonly executor?: string;
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly output?: unknown;
  /** The last attempt ran out of time (alerts tell timeouts apart). */
  readonly timedOut: boolean;
}

/** The candidates still online, in their order, then executors that came online since. */
function refresh(candidates: readonly ExecutorInfo[], online: readonly ExecutorInfo[]): ExecutorInfo[] {
  const now = new Map(online.map((e) => [e.url, e]));
  const kept = candidates.filter((c) => now.has(c.url)).map((c) => now.get(c.url)!);
  return [...kept, ...online.filter((e) => !candidates.some((c) => c.url === e.url))];
}

/**
 * The executor of the next attempt. With `failover` (gojob failTakeover) a retry goes to the next
 * candidate not tried yet, round and round when all were; without it, back to the same one while
 * it is online.
 */
function pick(candidates: readonly ExecutorInfo[], tried: Set<string>, last: string | undefined, failover: boolean): ExecutorInfo | undefined {
  if (candidates.length === 0) return undefined;
  if (last !== undefined && !failover) {
    const same = candidates.find((c) => c.url === last);
    if (same) return same;
  }
  const fresh = candidates.find((c) => !tried.has(c.url));
  if (fresh) return fresh;
  tried.clear();
  const at = candidates.findIndex((c) => c.url === last);
  return candidates[(at + 1) % candidates.length];
}

async function runShard(deps: HttpFireDeps, fire: FireContext, shard: Shard, initial: ExecutorInfo[], hooks: FireHooks, signal: AbortSignal): Promise<ShardOutcome> {
  const job = fire.job;
  const budget = Math.max(1, 1 + job.retry.attempts - fire.previousAttempts);
  const tried = new Set<string>();
  let candidates = initial;
  let last: string | undefined;
  let result: AttemptResult | undefined;
  let n = 0;
  for (; n < budget; n++) {
    if (n > 0) {
      await sleep(retryDelay(job.retry, n, deps.random), signal);
      if (signal.aborted) break;
      candidates = deps.router.reachableFirst(refresh(candidates, await deps.registry.list(job).catch(() => candidates)));
    }
    const executor = pick(candidates, tried, last, job.failover);
    const attempt = fire.previousAttempts + n + 1;
    const startedAt = Date.now();
    const deadline = startedAt + attemptTimeout(job);
    const base = { shardIndex: shard.index, attempt, startedAt, ...(executor ? { executor: executor.url } : {}) };
    hooks.attempt({ ...base, status: 'running' });
    if (executor) {
      tried.add(executor.url);
      last = executor.url;
      const end = deps.router.begin(executor.url);
      try {
        result = await httpAttempt(deps, { fire, shard, attempt, deadline, executorUrl: executor.url, signing: deps.signing }, signal);
      } finally {
        end();
      }
      if (result.unreachable) deps.router.markDown(executor.url);
      else deps.router.markUp(executor.url);
    } else {
      result = { status: 'failed', retryable: true, error: sluiceError('SLUICE_7225', `job ${job.name}${job.executors.group ? ` (group ${job.executors.group})` : ''}`).message };
    }
    const record: AttemptRecord = {
      ...base, finishedAt: Date.now(), status: result.status,
      ...(result.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
      ...(result.excerpt === undefined ? {} : { excerpt: result.excerpt }),
      ...(result.error === undefined ? {} : { error: result.error }),
    };
    hooks.attempt(record);
    if (result.status === 'succeeded' || result.status === 'cancelled' || !result.retryable) {
      n++;
      break;
    }
  }
  const status = result?.status === 'succeeded' ? 'succeeded' : signal.aborted || result?.status === 'cancelled' ? 'cancelled' : 'failed';
  return {
    index: shard.index, items: shard.items, status, attempts: Math.min(n, budget), timedOut: result?.status === 'timeout',
    ...(last === undefined ? {} : { executor: last }),
    ...(result?.httpStatus === undefined ? {} : { httpStatus: result.httpStatus }),
    ...(result?.error === undefined || status === 'succeeded' ? {} : { error: result.error }),
    ...(result?.output === undefined ? {} : { output: result.output }),
  };
}

/**
 * The shards of a fire and their first-choice executors. Unsharded: one shard, routed by the
 * job's strategy. Sharded: the items in blocks over the online executors (those this node did not
 * just fail to reach); the strategy's order is computed once and shard i starts at its i-th entry,
 * so every executor gets one block and the remainder moves around with round-robin. Under
 * `consistent-hash` each shard follows its own items on the ring instead.
 */
export async function planFire(deps: HttpFireDeps, fire: FireContext): Promise<{ shard: Shard; candidates: ExecutorInfo[] }[]> {
  const job = fire.job;
  const online = await deps.registry.list(job);
  const strategy = job.executors.routing;
  const items = shardItems(job);
  if (items === undefined) return [{ shard: planShards(undefined, 0)[0]!, candidates: deps.router.route(job.name, strategy, online, job.name) }];
  const order = deps.router.route(job.name, strategy, online, job.name);
  const reachable = deps.router.reachable(order);
  const shards = planShards(items, reachable);
  return shards.map((shard) => ({
    shard,
    candidates: strategy === 'consistent-hash'
      ? deps.router.route(job.name, strategy, online, `${job.name}\n${shard.items.join('\n')}`)
      : [...order.slice(shard.index), ...order.slice(0, shard.index)],
  }));
}

/** Runs an `http` job's fire: every shard at once, each with its own retries; all must succeed. */
export async function runHttpFire(deps: HttpFireDeps, fire: FireContext, hooks: FireHooks, signal: AbortSignal): Promise<{ outcome: FireOutcome; timedOut: boolean }> {
  const plan = await planFire(deps, fire);
  const shards = await Promise.all(plan.map((p) => runShard(deps, fire, p.shard, p.candidates, hooks, signal)));
  const failed = shards.filter((s) => s.status !== 'succeeded');
  const status = failed.length === 0 ? 'succeeded' : signal.aborted || failed.some((s) => s.status === 'cancelled') ? 'cancelled' : 'failed';
  const sharded = fire.job.shards !== undefined;
  const strip = ({ timedOut: _, ...rest }: ShardOutcome) => rest;
  const result = sharded ? { shards: shards.map(strip) } : strip(shards[0]!);
  const error = failed.length === 0 ? undefined
    : sharded ? `${failed.length} of ${shards.length} shards ${status}: ${failed.map((s) => `#${s.index} ${s.error ?? s.status}`).join('; ')}`
      : failed[0]!.error ?? status;
  return {
    outcome: { status, result, ...(error === undefined ? {} : { error }) },
    timedOut: failed.some((s) => s.timedOut),
  };
}
