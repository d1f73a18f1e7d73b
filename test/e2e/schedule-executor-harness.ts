import type { IncomingHttpHeaders } from 'node:http';
import { serveLoopback } from '../services/loopback-http.ts';
import { jobSchema, type JobInput } from '../../src/scheduler/spec.ts';
import type { AttemptRecord, FireContext, FireHooks } from '../../src/scheduler/fire-types.ts';

export interface ExecutorCall {
  readonly method: string;
  /** Path and query as on the request line. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  json(): Record<string, unknown>;
}

/** What the executor does with a call: answer now, after `delayMs`, or never (`hang`). */
export type Behaviour = (call: ExecutorCall, n: number) => { status: number; body?: string; delayMs?: number } | 'hang';

export interface TestExecutor {
  readonly url: string;
  readonly calls: ExecutorCall[];
  /** Calls to paths starting with /cancel. */
  readonly cancels: ExecutorCall[];
  /** Answer held calls (behaviour `hang`) with 200. */
  releaseAll(): void;
  close(): Promise<void>;
}

/** A real executor on a loopback port, as gojob's "any HTTP endpoint". */
export async function startExecutor(behave: Behaviour = () => ({ status: 200, body: '{"ok":true}' })): Promise<TestExecutor> {
  const calls: ExecutorCall[] = [];
  const cancels: ExecutorCall[] = [];
  const held: (() => void)[] = [];
  const server = await serveLoopback((req, body, res) => {
    const call: ExecutorCall = { method: req.method!, url: req.url!, headers: req.headers, body, json: () => JSON.parse(body) as Record<string, unknown> };
    if (req.url!.startsWith('/cancel')) {
      cancels.push(call);
      return void res.writeHead(200).end();
    }
    calls.push(call);
    const answer = behave(call, calls.length);
    if (answer === 'hang') return void held.push(() => res.writeHead(200).end('{}'));
    const send = () => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '');
    if (answer.delayMs) setTimeout(send, answer.delayMs);
    else send();
  });
  return {
    url: server.url,
    calls,
    cancels,
    releaseAll: () => held.splice(0).forEach((f) => f()),
    close: () => {
      held.splice(0).forEach((f) => f());
      return server.close();
    },
  };
}

/** A URL nothing listens on: a server is started, and closed again. */
export async function deadExecutorUrl(): Promise<string> {
  const e = await startExecutor();
  await e.close();
  return e.url;
}

let nextFire = 1000;

/** A fire of `job` as the engine would hand it to the runner. */
export function fireOf(input: JobInput, overrides: Partial<FireContext> = {}): FireContext {
  const job = jobSchema.parse(input);
  const fireId = String(nextFire++);
  return { fireId, job, trigger: 'manual', scheduledAt: Date.now(), previousAttempts: 0, rootFireId: fireId, params: job.params, ...overrides };
}

/** Hooks that keep the final record of each attempt (and count the `running` ones). */
export function recorder(): FireHooks & { readonly final: AttemptRecord[]; readonly started: AttemptRecord[] } {
  const final: AttemptRecord[] = [];
  const started: AttemptRecord[] = [];
  return {
    final, started,
    attempt(record) {
      (record.status === 'running' ? started : final).push(record);
    },
  };
}
