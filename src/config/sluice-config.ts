import { z } from 'zod';
import { connectorSpecs } from '../connectors/registry.ts';
import { pipelineSchema } from '../pipeline/spec.ts';
import { ruleSchema } from '../rules/rule-schema.ts';
import { mysqlSourceSchema } from '../sources/mysql/spec.ts';
import { sqlConnectionSchema } from '../connectors/sql/connection-spec.ts';
import { syncTaskSchema, type SyncTask } from '../sync/spec.ts';
import { verifyTaskSchema, type VerifyTask } from '../verify/spec.ts';
import { jobSchema, schedulerSchema } from '../scheduler/spec.ts';
import { jobGraphIssues } from '../scheduler/job-graph.ts';

const nameSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'use letters, digits, _ . - (at most 100)');

/**
 * A rule of a `type` target: the rule fields plus one mapping block named after the type. Any other
 * object-valued key (a misspelled `colums:`, another target's block) is rejected by name.
 */
function targetRule(type: string, mapping: z.ZodType) {
  const blocks = new Set(['columns', type]);
  return z.preprocess((raw, ctx) => {
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [key, value] of Object.entries(raw)) {
        if (value && typeof value === 'object' && !Array.isArray(value) && !blocks.has(key)) {
          ctx.addIssue({ code: 'custom', path: [key], message: `unknown rule block "${key}"; a ${type} target's rules take "columns" and "${type}" blocks` });
        }
      }
    }
    return raw;
  }, ruleSchema.and(z.object({ [type]: mapping.optional().meta({ description: `Overrides of the target's \`${type}\` settings for the tables of this rule.` }) })));
}

/** One `targets[i]` entry per registered connector, discriminated by `type`. */
function targetSchema() {
  const variants = connectorSpecs.map((spec) => z.object({
    type: z.literal(spec.type).meta({ description: `\`${spec.type}\`: ${spec.title}.` }),
    name: nameSchema.optional().meta({ description: 'Target name in metrics, logs and the dead-letter store; defaults to the type, numbered when repeated.' }),
    [spec.type]: spec.options.prefault({}).meta({ description: `${spec.title} connection settings and the default mapping of every rule.` }),
    rules: z.array(targetRule(spec.type, spec.mapping)).optional()
      .meta({ description: 'Per-table rules. When given, only tables matched by a rule reach this target; without rules every captured table does.' }),
  }).strict());
  return z.discriminatedUnion('type', variants as unknown as [z.ZodObject, ...z.ZodObject[]], {
    error: (issue) => issue.code === 'invalid_union' ? `unknown target type; use one of: ${connectorSpecs.map((s) => s.type).join(', ')}` : undefined,
  });
}

/** Keys shared by every command's view of the config file. */
const common = {
  name: nameSchema.default('default').meta({ description: 'Pipeline name: the key of its checkpoint and dead letters in the metadata store.' }),
  dataDir: z.string().default('./.sluice').meta({ description: 'Directory for the embedded metadata store.' }),
  metadata: z.object({
    url: z.string().optional().meta({ description: 'Metadata store: `sqlite:PATH` (default `sqlite:<dataDir>/sluice.db`), `mysql://user:pass@host/db` or `postgres://user@host/db` for several nodes.' }),
  }).strict().default({}).meta({ description: 'Where Sluice keeps checkpoints, dead letters and sync ledgers.' }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
      .meta({ description: 'Structured JSON logs (pino) on stderr at this level and above.' }),
  }).strict().default({ level: 'info' }).meta({ description: 'Logging.' }),
  metrics: z.object({
    listen: z.string().regex(/^[^:]+:\d+$/, 'use HOST:PORT, e.g. 127.0.0.1:9464').optional()
      .meta({ description: 'Serve Prometheus metrics on HOST:PORT at /metrics (and /healthz).' }),
  }).strict().default({}).meta({ description: 'Prometheus metrics endpoint.' }),
  pipeline: pipelineSchema.prefault({}).meta({ description: 'Batching, backpressure, retries and checkpointing.' }),
  connections: z.record(nameSchema, sqlConnectionSchema).default({})
    .meta({ description: 'Named database connections (MySQL/MariaDB, PostgreSQL, SQLite) that `sync` tasks read from and write to.' }),
};

const sourceSchema = mysqlSourceSchema.meta({ description: 'The MySQL/MariaDB server whose binlog is read (`sluice stream`).' });
const targetsSchema = z.array(targetSchema())
  .meta({ description: 'Where changes go; every target receives every batch and acknowledges it before the checkpoint moves.' });
const verifySchema = z.array(verifyTaskSchema)
  .meta({ description: 'Comparisons of a source table with target tables (`sluice verify`): missing, extra and differing rows.' });
const schedulerSection = schedulerSchema.prefault({}).meta({ description: 'The job scheduler (`sluice schedule`): partitions, leases, signing, its HTTP endpoint.' });
const jobsSchema = z.array(jobSchema).default([])
  .meta({ description: 'Scheduled jobs (`sluice schedule`): HTTP executors or Sluice\'s own sync, verify and snapshot tasks.' });
const syncSchema = z.array(syncTaskSchema)
  .meta({ description: 'Batch copy tasks between databases (`sluice sync`): chunked by key, parallel, resumable, optionally incremental.' });

/** Every sync and verify task names connections that exist. */
function connectionsExist(config: { connections: Record<string, unknown>; sync: readonly SyncTask[]; verify: readonly VerifyTask[] }, ctx: z.RefinementCtx): void {
  const known = Object.keys(config.connections);
  const check = (name: string, path: (string | number)[]) => {
    if (!(name in config.connections)) ctx.addIssue({ code: 'custom', path, message: `unknown connection "${name}"; defined: ${known.join(', ') || '(none)'}` });
  };
  config.sync.forEach((task, i) => {
    for (const side of ['from', 'to'] as const) check(task[side].connection, ['sync', i, side, 'connection']);
  });
  config.verify.forEach((task, i) => {
    check(task.source.connection, ['verify', i, 'source', 'connection']);
    task.targets.forEach((t, j) => check(t.connection, ['verify', i, 'targets', j, 'connection']));
  });
}

/** Jobs as a whole: unique names, known parents and verify tasks, no cycles, valid schedules. */
function jobsConsistent(config: { jobs: z.output<typeof jobsSchema>; sync: readonly SyncTask[]; verify: readonly VerifyTask[] }, ctx: z.RefinementCtx): void {
  const tasks = { sync: config.sync.map((t) => t.name), verify: config.verify.map((t) => t.name) };
  for (const issue of jobGraphIssues(config.jobs, tasks)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
}

/** The config as `sluice stream` (and check, position) reads it: a source and at least one target. */
export const sluiceConfigSchema = z.object({
  ...common,
  source: sourceSchema,
  targets: targetsSchema.min(1, 'configure at least one target'),
  sync: syncSchema.default([]),
  verify: verifySchema.default([]),
  scheduler: schedulerSection,
  jobs: jobsSchema,
}).strict().superRefine(connectionsExist).superRefine(jobsConsistent);

/** The config as `sluice sync`, `verify` and `schedule` read it: connections and sync tasks (more tasks may be in the metadata store); a stream section may be there too. */
export const syncConfigSchema = z.object({
  ...common,
  source: sourceSchema.optional(),
  targets: targetsSchema.default([]),
  sync: syncSchema.default([]),
  verify: verifySchema.default([]),
  scheduler: schedulerSection,
  jobs: jobsSchema,
}).strict().superRefine(connectionsExist).superRefine(jobsConsistent);

export type SyncConfig = z.output<typeof syncConfigSchema>;
export type SluiceConfig = z.output<typeof sluiceConfigSchema>;
export type TargetConfig = SluiceConfig['targets'][number] & { readonly name?: string; readonly rules?: readonly Record<string, unknown>[] };

/** Target names as used in metrics: the configured name, else the type (numbered when repeated). */
export function targetNames(config: SluiceConfig): string[] {
  const seen = new Map<string, number>();
  return (config.targets as { type: string; name?: string }[]).map((t) => {
    if (t.name) return t.name;
    const n = (seen.get(t.type) ?? 0) + 1;
    seen.set(t.type, n);
    return n === 1 ? t.type : `${t.type}-${n}`;
  });
}

export function storeUrl(config: Pick<SluiceConfig, 'metadata' | 'dataDir'>): string {
  return config.metadata.url ?? `sqlite:${config.dataDir}/sluice.db`;
}
