import type { FireContext } from './fire-types.ts';
import { signRequest } from './request-signing.ts';
import type { Shard } from './shard-plan.ts';
import type { Job } from './spec.ts';
import { renderJson, renderTemplate } from './template.ts';
import { trimSlash } from './executor-registry.ts';

export type Signing = NonNullable<Job['signing']>;

/** One HTTP request to an executor, ready to send. */
export interface ExecutorRequest {
  readonly method: string;
  readonly url: string;
  /** What the signature covers: the path and query of `url`. */
  readonly pathAndQuery: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** What an attempt sends: which fire, shard and attempt, until when, to which executor. */
export interface AttemptTarget {
  readonly fire: FireContext;
  readonly shard: Shard;
  readonly attempt: number;
  readonly deadline: number;
  readonly executorUrl: string;
  readonly signing?: Signing | undefined;
}

/** `{{name}}` values: the job's params, overridden by the fire's own fields (a param cannot fake a fireId). */
export function templateValues(t: Omit<AttemptTarget, 'executorUrl' | 'signing'>): Record<string, unknown> {
  return {
    ...t.fire.params,
    fireId: t.fire.fireId, jobId: t.fire.job.name, attempt: t.attempt, scheduledAt: t.fire.scheduledAt, deadline: t.deadline,
    shardIndex: t.shard.index, shardTotal: t.shard.total, shardItem: t.shard.items.join(','), shardItems: t.shard.items,
  };
}

/** The run envelope, the default body: everything an executor needs to de-duplicate and to stop in time. */
export function envelope(t: Omit<AttemptTarget, 'executorUrl' | 'signing'>): Record<string, unknown> {
  return {
    fireId: t.fire.fireId, jobId: t.fire.job.name, attempt: t.attempt, scheduledAt: t.fire.scheduledAt, deadline: t.deadline,
    shard: { index: t.shard.index, total: t.shard.total, items: t.shard.items }, params: t.fire.params,
  };
}

/** The run headers, on every request (also GET/DELETE, which carry no body). */
export function runHeaders(t: Omit<AttemptTarget, 'executorUrl' | 'signing'>): Record<string, string> {
  return {
    'x-sluice-fire-id': t.fire.fireId,
    'x-sluice-job': t.fire.job.name,
    'x-sluice-attempt': String(t.attempt),
    'x-sluice-scheduled-at': String(t.fire.scheduledAt),
    'x-sluice-deadline': String(t.deadline),
    'x-sluice-shard': `${t.shard.index}/${t.shard.total}`,
    'idempotency-key': `${t.fire.fireId}:${t.shard.index}`,
  };
}

function url(base: string, path: string, query: Readonly<Record<string, string>>): URL {
  const u = new URL(`${trimSlash(base)}${path.startsWith('/') ? path : `/${path}`}`);
  for (const [k, v] of Object.entries(query)) u.searchParams.append(k, v);
  return u;
}

interface Resolved { readonly href: string; readonly pathAndQuery: string }

/** Resolved (executor, path) pairs without query parameters: most jobs call one fixed path, a thousand times a second. */
const resolved = new Map<string, Resolved>();
const MAX_RESOLVED = 10_000;

function resolve(base: string, path: string, query: Readonly<Record<string, string>>): Resolved {
  const key = Object.keys(query).length === 0 ? `${base}\n${path}` : undefined;
  const hit = key === undefined ? undefined : resolved.get(key);
  if (hit) return hit;
  const u = url(base, path, query);
  const r = { href: u.href, pathAndQuery: `${u.pathname}${u.search}` };
  if (key !== undefined) {
    if (resolved.size >= MAX_RESOLVED) resolved.clear();
    resolved.set(key, r);
  }
  return r;
}

function signed(method: string, u: Resolved, headers: Record<string, string>, body: string | undefined, signing: Signing | undefined): ExecutorRequest {
  const pathAndQuery = u.pathAndQuery;
  if (signing) {
    Object.assign(headers, signRequest({ method, pathAndQuery, body: body ?? '', keyId: signing.keyId, secret: signing.secret }));
  }
  return { method, url: u.href, pathAndQuery, headers, ...(body === undefined ? {} : { body }) };
}

/** Renders `text` only when it has a placeholder: the values are built once, and only when some text needs them. */
function renderer(t: Omit<AttemptTarget, 'executorUrl' | 'signing'>): (text: string, where: string, encode?: boolean) => string {
  let values: Record<string, unknown> | undefined;
  return (text, where, encode = false) => (text.includes('{{') ? renderTemplate(text, (values ??= templateValues(t)), where, encode) : text);
}

/** The request of one attempt: templated path, query and headers, the body (or the envelope), signed. */
export function buildRequest(t: AttemptTarget): ExecutorRequest {
  const http = t.fire.job.http!;
  const render = renderer(t);
  const where = `job ${t.fire.job.name}`;
  const query = Object.fromEntries(Object.entries(http.query).map(([k, v]) => [k, render(v, `${where} http.query.${k}`)]));
  const u = resolve(t.executorUrl, render(http.path, `${where} http.path`, true), query);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(http.headers)) headers[k.toLowerCase()] = render(v, `${where} http.headers.${k}`);
  Object.assign(headers, runHeaders(t));
  let body: string | undefined;
  if (http.method === 'POST' || http.method === 'PUT' || http.method === 'PATCH') {
    body = JSON.stringify(http.body === undefined ? envelope(t) : renderJson(http.body, templateValues(t), `${where} http.body`));
    headers['content-type'] = 'application/json';
  }
  return signed(http.method, u, headers, body, t.signing);
}

/** The stop request sent when an attempt times out or the fire is cancelled (`http.cancelPath`). */
export function buildCancelRequest(t: AttemptTarget): ExecutorRequest | undefined {
  const cancelPath = t.fire.job.http?.cancelPath;
  if (cancelPath === undefined) return undefined;
  const u = resolve(t.executorUrl, renderer(t)(cancelPath, `job ${t.fire.job.name} http.cancelPath`, true), {});
  const body = JSON.stringify({ fireId: t.fire.fireId, attempt: t.attempt, shardIndex: t.shard.index });
  return signed('POST', u, { ...runHeaders(t), 'content-type': 'application/json' }, body, t.signing);
}
