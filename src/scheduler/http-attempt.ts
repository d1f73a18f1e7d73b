import { attemptTimeout } from './spec.ts';
import { errorMessage, SluiceError, sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { AsyncResults } from './async-result.ts';
import { buildCancelRequest, buildRequest, type AttemptTarget, type ExecutorRequest } from './executor-request.ts';
import type { AttemptStatus } from './fire-types.ts';
import type { HttpClient } from './http-client.ts';
import { checkResponse, excerpt } from './response-check.ts';

/** How one attempt ended, and whether another attempt could do better. */
export interface AttemptResult {
  readonly status: Exclude<AttemptStatus, 'running'>;
  readonly retryable: boolean;
  /** The connection failed: routing tries this executor last for a while. */
  readonly unreachable?: boolean;
  readonly httpStatus?: number;
  readonly excerpt?: string;
  readonly error?: string;
  /** The JSON the executor answered (or posted, when async), for the fire's result. */
  readonly output?: unknown;
}

export interface AttemptDeps {
  readonly client: HttpClient;
  readonly results: AsyncResults;
  readonly logger: Logger;
}

const CANCEL_TIMEOUT_MS = 2000;

function parseJson(text: string): unknown {
  if (text === '' || text.length >= 64 * 1024) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A posted output goes into the fire's result: beyond 64 KiB of JSON only its first 1,000 characters do. */
function boundedOutput(output: unknown): unknown {
  const text = JSON.stringify(output);
  return text.length <= 64 * 1024 ? output : excerpt(text);
}

/** Fire-and-forget `http.cancelPath` call: the executor should stop work nobody waits for any more. */
function sendCancel(deps: AttemptDeps, target: AttemptTarget): void {
  let request;
  try {
    request = buildCancelRequest(target);
  } catch (err) {
    deps.logger.warn({ fireId: target.fire.fireId, err: errorMessage(err) }, 'cancel request cannot be built');
    return;
  }
  if (!request) return;
  deps.client.send(request, AbortSignal.timeout(CANCEL_TIMEOUT_MS)).catch((err: unknown) => {
    deps.logger.warn({ fireId: target.fire.fireId, executor: target.executorUrl, err: errorMessage(err) }, 'cancel request failed');
  });
}

/** The end of an attempt cut short: by the fire's signal (cancelled) or by its deadline (timeout). */
function stopped(deps: AttemptDeps, target: AttemptTarget, runSignal: AbortSignal, extra: { httpStatus?: number } = {}): AttemptResult {
  sendCancel(deps, target);
  if (runSignal.aborted) return { status: 'cancelled', retryable: false, error: 'the fire was cancelled', ...extra };
  const timeoutMs = attemptTimeout(target.fire.job);
  const what = extra.httpStatus === 202 ? `no result posted within ${timeoutMs} ms` : `no answer within ${timeoutMs} ms`;
  return { status: 'timeout', retryable: true, error: sluiceError('SLUICE_7224', `${what} from ${target.executorUrl}`).message, ...extra };
}

/**
 * One call of one executor for one shard, bounded by the attempt deadline. Network errors,
 * timeouts, 5xx/408/429 and failed body checks are retryable; other 4xx are not. An async job's
 * 202 is followed by the wait for the executor's posted result until the same deadline.
 */
export async function httpAttempt(deps: AttemptDeps, target: AttemptTarget, runSignal: AbortSignal): Promise<AttemptResult> {
  let request;
  try {
    request = buildRequest(target);
  } catch (err) {
    return { status: 'failed', retryable: false, error: errorMessage(err) };
  }
  const bound = attemptSignal(runSignal, target.deadline);
  try {
    return await attemptOnce(deps, target, request, bound.signal, runSignal);
  } finally {
    bound.release();
  }
}

/**
 * The fire's signal plus the attempt deadline, as one signal. A timer cleared when the attempt
 * ends, not AbortSignal.timeout: those fire (and build an error) for every attempt, long after
 * it ended — with a 10 s timeout and a 10 s schedule, right into the next burst of fires.
 */
function attemptSignal(runSignal: AbortSignal, deadline: number): { signal: AbortSignal; release(): void } {
  const ac = new AbortController();
  const onRun = () => ac.abort(runSignal.reason);
  const timer = setTimeout(() => ac.abort(new DOMException('attempt deadline passed', 'TimeoutError')), Math.max(1, deadline - Date.now()));
  timer.unref();
  if (runSignal.aborted) onRun();
  else runSignal.addEventListener('abort', onRun, { once: true });
  return {
    signal: ac.signal,
    release() {
      clearTimeout(timer);
      runSignal.removeEventListener('abort', onRun);
    },
  };
}

async function attemptOnce(deps: AttemptDeps, target: AttemptTarget, request: ExecutorRequest, signal: AbortSignal, runSignal: AbortSignal): Promise<AttemptResult> {
  const job = target.fire.job;
  const waiter = job.http!.async ? deps.results.expect(target.fire.fireId, target.shard.index, target.attempt, signal) : undefined;
  let reply;
  try {
    reply = await deps.client.send(request, signal);
  } catch (err) {
    waiter?.cancel();
    if (signal.aborted) return stopped(deps, target, runSignal);
    const error = err instanceof SluiceError ? err : sluiceError('SLUICE_7221', `${target.executorUrl}: ${errorMessage(err)}`);
    return { status: 'failed', retryable: true, unreachable: true, error: error.message };
  }
  const text = excerpt(reply.body);
  if (waiter && reply.status === 202) {
    const posted = await waiter.result;
    if (!posted) return stopped(deps, target, runSignal, { httpStatus: 202 });
    const output = posted.output === undefined ? {} : { output: boundedOutput(posted.output) };
    if (posted.status === 'succeeded') return { status: 'succeeded', retryable: false, httpStatus: 202, excerpt: text, ...output };
    const detail = posted.output === undefined ? '' : `: ${excerpt(JSON.stringify(posted.output))}`;
    return { status: 'failed', retryable: true, httpStatus: 202, excerpt: text, error: sluiceError('SLUICE_7226', `${target.executorUrl}${detail}`).message, ...output };
  }
  waiter?.cancel();
  const check = checkResponse(reply.status, reply.body, job.http!.expect);
  const output = parseJson(reply.body);
  const base = { httpStatus: reply.status, excerpt: text, ...(output === undefined ? {} : { output }) };
  if (check.ok) return { status: 'succeeded', retryable: false, ...base };
  const code = check.retryable ? 'SLUICE_7222' : 'SLUICE_7223';
  return { status: 'failed', retryable: check.retryable, error: sluiceError(code, `${target.executorUrl}: ${check.error}`).message, ...base };
}
