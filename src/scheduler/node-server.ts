import { isIP } from 'node:net';
import Fastify, { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { announceResult } from './async-result.ts';
import { nonceCache, verifyRequest } from './request-signing.ts';
import type { SchedulerSettings } from './spec.ts';

export interface NodeServerDeps {
  readonly store: MetadataStore;
  readonly settings: SchedulerSettings;
  readonly logger: Logger;
}

const group = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/);
const executorUrl = z.string().max(255).url().refine((u) => /^https?:\/\//.test(u), 'use an http:// or https:// URL');
const heartbeatBody = z.object({ group, url: executorUrl, weight: z.number().int().min(1).max(1000).default(1), busy: z.number().int().min(0).max(1_000_000).default(0) });
const leaveBody = z.object({ group, url: executorUrl });
const resultBody = z.object({
  shardIndex: z.number().int().min(0).max(10_000).default(0),
  attempt: z.number().int().min(1).max(1_000_000),
  status: z.enum(['succeeded', 'failed']),
  output: z.unknown().optional(),
});

/** 127.0.0.0/8, ::1 and localhost: the only places an unsigned endpoint may listen. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '::ffff:127.0.0.1';
}

function parse<T>(schema: z.ZodType<T>, body: unknown): { ok: true; value: T } | { ok: false; error: string } {
  const r = schema.safeParse(body ?? {});
  return r.success ? { ok: true, value: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
}

/**
 * The scheduler node's small HTTP endpoint: executors join a group with heartbeats, leave it, and
 * async executors post their results. Every request but `GET /v1/health` must carry a valid v2
 * signature (request-signing.ts) made with `scheduler.signing`; anything else gets 401 with the
 * reason. Without signing configured the endpoint only starts on a loopback address.
 */
export async function startNodeServer(deps: NodeServerDeps): Promise<{ url: string; close(): Promise<void> }> {
  const listen = deps.settings.listen ?? { host: '127.0.0.1', port: 8790 };
  const signing = deps.settings.signing;
  if (!signing && !isLoopback(listen.host)) throw sluiceError('SLUICE_7228', `scheduler.listen.host is ${listen.host}`);
  // The current key plus the ones still accepted while executors move to it.
  const secrets = signing ? Object.fromEntries([[signing.keyId, signing.secret], ...deps.settings.acceptKeys.map((k) => [k.keyId, k.secret])]) : {};
  const seenNonce = nonceCache();
  const db = deps.store.db;
  const log = deps.logger.child({ component: 'scheduler-endpoint' });
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
  const raw = new WeakMap<FastifyRequest, string>();

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    raw.set(req, body as string);
    try {
      done(null, body === '' ? {} : JSON.parse(body as string));
    } catch {
      done(Object.assign(new Error('the body is not JSON'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('preHandler', async (req, reply) => {
    if (!signing || req.url === '/v1/health') return;
    const verdict = verifyRequest({ method: req.method, pathAndQuery: req.url, body: raw.get(req) ?? '', headers: req.headers, secrets, seenNonce });
    if (!verdict.ok) {
      log.warn({ url: req.url, ip: req.ip, reason: verdict.reason }, 'unsigned or badly signed request refused');
      return reply.code(401).send({ error: 'unauthorized', reason: verdict.reason });
    }
  });

  app.get('/v1/health', async () => ({ ok: true }));

  app.post('/v1/executors/heartbeat', async (req, reply) => {
    const body = parse(heartbeatBody, req.body);
    if (!body.ok) return reply.code(400).send({ error: body.error });
    const { group: grp, url, weight, busy } = body.value;
    const upsert = db.dialect === 'mysql'
      ? 'INSERT INTO sluice_executors (grp, address, weight, busy, last_seen) VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE weight = VALUES(weight), busy = VALUES(busy), last_seen = VALUES(last_seen)'
      : 'INSERT INTO sluice_executors (grp, address, weight, busy, last_seen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (grp, address) DO UPDATE SET weight = excluded.weight, busy = excluded.busy, last_seen = excluded.last_seen';
    await db.run(upsert, [grp, url, weight, busy, Date.now()]);
    return { ok: true, heartbeatTimeout: deps.settings.heartbeatTimeout };
  });

  app.post('/v1/executors/leave', async (req, reply) => {
    const body = parse(leaveBody, req.body);
    if (!body.ok) return reply.code(400).send({ error: body.error });
    await db.run('DELETE FROM sluice_executors WHERE grp = ? AND address = ?', [body.value.group, body.value.url]);
    log.info({ group: body.value.group, executor: body.value.url }, 'executor left');
    return { ok: true };
  });

  app.post<{ Params: { fireId: string } }>('/v1/fires/:fireId/result', async (req, reply) => {
    const { fireId } = req.params;
    if (!/^\d{1,18}$/.test(fireId)) return reply.code(400).send({ error: 'fireId: give the numeric fire id (x-sluice-fire-id)' });
    const body = parse(resultBody, req.body);
    if (!body.ok) return reply.code(400).send({ error: body.error });
    const { shardIndex, attempt, status, output } = body.value;
    const insert = db.dialect === 'mysql'
      ? 'INSERT IGNORE INTO sluice_fire_callbacks (fire_id, shard_index, attempt, status, body, received_at) VALUES (?, ?, ?, ?, ?, ?)'
      : 'INSERT INTO sluice_fire_callbacks (fire_id, shard_index, attempt, status, body, received_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (fire_id, shard_index, attempt) DO NOTHING';
    // Idempotent: the first result of an attempt is kept, a repeat is acknowledged and ignored.
    // The waiter hears it at once (reading the row back would halve the rate on MariaDB).
    await db.run(insert, [Number(fireId), shardIndex, attempt, status, output === undefined ? null : JSON.stringify(output), Date.now()]);
    announceResult(fireId, shardIndex, attempt, { status, ...(output === undefined ? {} : { output }) });
    return { ok: true };
  });

  const address = await app.listen({ host: listen.host, port: listen.port });
  log.info({ url: address, signed: signing !== undefined }, 'scheduler endpoint listening');
  return { url: address, close: () => app.close() };
}
