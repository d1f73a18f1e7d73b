import { z } from 'zod';
import { duration } from '../core/units.ts';
import { alertChannelFields, needsAChannel } from '../notify/alert-spec.ts';

const nameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use letters, digits, _ . - (at most 100)');

export const signingSchema = z.object({
  keyId: z.string().min(1).meta({ description: 'Sent as `x-sluice-key-id`, so executors can hold several keys while one is rotated.' }),
  secret: z.string().min(16, 'use a secret of at least 16 characters').meta({ description: 'HMAC-SHA256 key; use `${ENV_VAR}`.' }),
}).strict();

export const routingStrategies = ['round-robin', 'random', 'weighted-round-robin', 'weighted-random', 'consistent-hash', 'least-busy', 'failover'] as const;
export type RoutingStrategy = (typeof routingStrategies)[number];

const executorSchema = z.object({
  url: z.string().url().meta({ description: 'Base URL of the executor, e.g. `http://10.0.0.5:8080`.' }),
  weight: z.number().int().min(1).max(1000).default(1).meta({ description: 'Share of the fires under the weighted strategies.' }),
}).strict();

const scheduleSchema = z.object({
  cron: z.string().optional().meta({ description: 'Cron with an optional seconds field first (6 fields: `sec min hour dom month dow`; 5 fields: from minutes), `L`, `W`, `#` supported.' }),
  every: duration().optional().meta({ description: 'A fixed interval instead of a cron, e.g. `30s`; fires are aligned to `start` (default the Unix epoch).' }),
  timezone: z.string().default('UTC').meta({ description: 'IANA time zone the cron is read in (DST-correct: a skipped local time fires at the end of the gap, a repeated one once).' }),
  start: z.iso.datetime({ offset: true }).optional().meta({ description: 'No fire before this instant (ISO 8601 with offset).' }),
  end: z.iso.datetime({ offset: true }).optional().meta({ description: 'No fire after this instant.' }),
}).strict().refine((s) => (s.cron === undefined) !== (s.every === undefined), 'give exactly one of `cron` and `every`');

const httpSchema = z.object({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('POST').meta({ description: 'HTTP method.' }),
  path: z.string().default('/').meta({ description: 'Path (and query) appended to the executor URL; `{{name}}` placeholders take `params` and `fireId`, `jobId`, `attempt`, `scheduledAt`, `deadline`, `shardIndex`, `shardTotal`, `shardItem` (comma-joined), `shardItems` (a list, in JSON bodies).' }),
  headers: z.record(z.string(), z.string()).default({}).meta({ description: 'Extra request headers (templated like `path`).' }),
  query: z.record(z.string(), z.string()).default({}).meta({ description: 'Extra query parameters (templated like `path`).' }),
  body: z.unknown().optional().meta({ description: 'JSON body for POST/PUT/PATCH; default: the run envelope (`fireId`, `jobId`, `attempt`, `scheduledAt`, `deadline`, `shard`, `params`). String values are templated.' }),
  expect: z.object({
    bodyContains: z.string().optional().meta({ description: 'The response body must contain this text.' }),
    jsonPath: z.string().optional().meta({ description: 'Dot path into the JSON response body, e.g. `code`.' }),
    equals: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional().meta({ description: 'The value at `jsonPath` must equal this.' }),
  }).strict().optional().meta({ description: 'Success is a 2xx status; these add a check on the response body.' }),
  async: z.boolean().default(false).meta({ description: 'The executor answers 202 at once and POSTs the result to the scheduler (`/v1/fires/{fireId}/result`) before the attempt deadline; otherwise the attempt fails.' }),
  cancelPath: z.string().optional().meta({ description: 'On a timeout, POST `{fireId, attempt}` here so the executor can stop the work (templated like `path`).' }),
}).strict();

const retrySchema = z.object({
  attempts: z.number().int().min(0).max(100).default(0).meta({ description: 'Extra attempts after the first fails (gojob retryCount).' }),
  interval: duration().default(5000).meta({ description: 'Delay before a retry (gojob retryWaitTime).' }),
  backoff: z.enum(['fixed', 'exponential']).default('fixed').meta({ description: '`exponential` doubles the delay each retry, up to `maxInterval`.' }),
  maxInterval: duration().default(300_000).meta({ description: 'Upper bound of an exponential delay.' }),
  jitter: z.number().min(0).max(1).default(0).meta({ description: 'Random spread of each delay, as a fraction of it (0.2 = ±20%).' }),
}).strict();

const dependencySchema = z.object({
  job: nameSchema.meta({ description: 'The parent job.' }),
  on: z.enum(['success', 'failure', 'end']).default('success').meta({ description: 'Which outcome of the parent lets this job run (gojob subJobScheduleStrategy).' }),
}).strict();

export const jobSchema = z.object({
  name: nameSchema.meta({ description: 'Job name: its id in the store, logs, metrics and the CLI.' }),
  description: z.string().optional().meta({ description: 'Free text shown in listings.' }),
  enabled: z.boolean().default(true).meta({ description: 'A disabled job does not fire on schedule (it can still be run by hand).' }),
  schedule: scheduleSchema.optional().meta({ description: 'When the job fires. A job without a schedule runs only by hand or after its parents (`dependsOn`).' }),
  type: z.enum(['http', 'sync', 'verify', 'snapshot']).default('http').meta({ description: '`http` calls an executor; `sync` and `verify` run a Sluice task of that name (resuming/incremental as configured); `snapshot` runs a sync task from scratch (`--restart`), a full copy.' }),
  task: z.string().optional().meta({ description: 'The `sync`/`verify` task name for types `sync`, `verify` and `snapshot`.' }),
  http: httpSchema.optional().meta({ description: 'Request settings of an `http` job.' }),
  executors: z.object({
    static: z.array(executorSchema).default([]).meta({ description: 'Fixed executors (gojob\'s per-job executor list).' }),
    group: nameSchema.optional().meta({ description: 'Also use the executors that registered themselves under this group and sent a heartbeat recently.' }),
    routing: z.enum(routingStrategies).default('round-robin').meta({ description: 'How an executor is chosen for each fire (and each shard).' }),
  }).strict().prefault({}).meta({ description: 'Where an `http` job runs.' }),
  params: z.record(z.string(), z.unknown()).default({}).meta({ description: 'Parameters passed to the executor (`params` in the envelope, `{{name}}` in templates).' }),
  timeout: duration().optional().meta({ description: 'Per attempt; default 30s for `http` jobs and 24h for `sync`, `verify` and `snapshot` (a stopped task resumes on the next attempt). The executor gets the `deadline` and, with `http.cancelPath`, a cancel request when it passes.' }),
  retry: retrySchema.prefault({}).meta({ description: 'Retries of a failed attempt.' }),
  failover: z.boolean().default(true).meta({ description: 'A retry goes to the next executor in routing order, not the same one (gojob failTakeover).' }),
  shards: z.object({
    items: z.array(z.string()).optional().meta({ description: 'Shard items, e.g. province names (gojob shardingParam).' }),
    count: z.number().int().min(1).max(10_000).optional().meta({ description: 'Shards `0..count-1` (gojob shardingCount).' }),
  }).strict().refine((s) => (s.items === undefined) !== (s.count === undefined), 'give exactly one of `items` and `count`').optional()
    .meta({ description: 'Split each fire into shards spread over the online executors; each shard is retried on its own and the fire succeeds when every shard does.' }),
  misfire: z.object({
    window: duration().default(60_000).meta({ description: 'Fires missed by at most this long (no scheduler was running) are caught up (gojob misfireThreshold).' }),
    policy: z.enum(['once', 'all', 'skip']).default('once').meta({ description: '`once`: one catch-up run for the missed fires in the window; `all`: each of them; `skip`: none.' }),
  }).strict().prefault({}).meta({ description: 'What happens to fires missed while no scheduler ran.' }),
  overlap: z.enum(['skip', 'queue-one', 'allow']).default('skip').meta({ description: 'When the previous run is still going: `skip` this fire (recorded as skipped), `queue-one` run it after (at most one waiting), or `allow` both.' }),
  dependsOn: z.array(dependencySchema).default([]).meta({ description: 'Run after these jobs finish in the same run chain; with several, after all of them (fan-in).' }),
  alerts: z.object({
    ...alertChannelFields,
    on: z.array(z.enum(['failure', 'timeout', 'success'])).default(['failure']).meta({ description: 'Which outcomes of a fire raise an alert (`failure` includes timeouts; `timeout` alone only those).' }),
  }).strict().refine(...needsAChannel).optional().meta({ description: 'Alerts about this job\'s fires (gojob alarmEmail).' }),
  signing: signingSchema.optional().meta({ description: 'Overrides `scheduler.signing` for this job.' }),
}).strict().superRefine((job, ctx) => {
  if (job.type === 'http' && !job.http) ctx.addIssue({ code: 'custom', path: ['http'], message: 'an `http` job needs an `http` block' });
  if (job.type === 'http' && job.executors.static.length === 0 && !job.executors.group) {
    ctx.addIssue({ code: 'custom', path: ['executors'], message: 'an `http` job needs `executors.static` or `executors.group`' });
  }
  if (job.type !== 'http' && !job.task) ctx.addIssue({ code: 'custom', path: ['task'], message: `a \`${job.type}\` job needs the \`task\` it runs` });
});

export type Job = z.output<typeof jobSchema>;

/** The per-attempt timeout: the job's own, else 30 s for an executor call and a day for a Sluice task. */
export function attemptTimeout(job: Pick<Job, 'timeout' | 'type'>): number {
  return job.timeout ?? (job.type === 'http' ? 30_000 : 86_400_000);
}
export type JobInput = z.input<typeof jobSchema>;

export const schedulerSchema = z.object({
  node: nameSchema.optional().meta({ description: 'This node\'s name in leases and logs; default `<hostname>-<pid>`.' }),
  listen: z.object({
    host: z.string().default('127.0.0.1').meta({ description: 'Address of the scheduler\'s small HTTP endpoint (executor heartbeats, async results).' }),
    port: z.number().int().min(0).max(65535).default(8790).meta({ description: 'Its port; 0 picks a free one.' }),
  }).strict().optional().meta({ description: 'Serve executor self-registration and async results. Requests must be signed (`signing`).' }),
  partitions: z.number().int().min(1).max(1024).default(32).meta({ description: 'Jobs are hashed into this many partitions; each is leased by one node at a time. Every node sharing a store must use the same value.' }),
  lease: duration().default(5000).meta({ description: 'How long a node holds a partition without renewing it; a dead node\'s work moves to another node after at most this long.' }),
  lookahead: duration().default(1000).meta({ description: 'Fires due within this window are claimed ahead, so they start on time.' }),
  heartbeatTimeout: duration().default(30_000).meta({ description: 'A self-registered executor without a heartbeat for this long is offline.' }),
  retentionDays: z.number().int().min(1).max(3650).default(30).meta({ description: 'Fires and attempts older than this are deleted (daily aggregates are kept).' }),
  signing: signingSchema.optional().meta({ description: 'Signs every executor request (HMAC-SHA256 over method, path, body hash, timestamp and nonce) and checks requests to the scheduler\'s endpoint.' }),
  acceptKeys: z.array(signingSchema).default([]).meta({ description: 'More keys the scheduler\'s endpoint accepts from executors (e.g. the previous key during a rotation); requests to executors are always signed with `signing`.' }),
  maxConcurrent: z.number().int().min(1).max(100_000).default(1000).meta({ description: 'Runs in flight on this node at once; more wait.' }),
}).strict();

export type SchedulerSettings = z.output<typeof schedulerSchema>;
