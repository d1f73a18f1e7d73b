import { z } from 'zod';
import { connectorSpecs } from '../connectors/registry.ts';
import { pipelineSchema } from '../pipeline/spec.ts';
import { ruleSchema } from '../rules/rule-schema.ts';
import { mysqlSourceSchema } from '../sources/mysql/spec.ts';

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

export const sluiceConfigSchema = z.object({
  name: nameSchema.default('default').meta({ description: 'Pipeline name: the key of its checkpoint and dead letters in the metadata store.' }),
  dataDir: z.string().default('./.sluice').meta({ description: 'Directory for the embedded metadata store.' }),
  metadata: z.object({
    url: z.string().optional().meta({ description: 'Metadata store: `sqlite:PATH` (default `sqlite:<dataDir>/sluice.db`), `mysql://user:pass@host/db` or `postgres://user@host/db` for several nodes.' }),
  }).strict().default({}).meta({ description: 'Where Sluice keeps checkpoints and dead letters.' }),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
      .meta({ description: 'Structured JSON logs (pino) on stderr at this level and above.' }),
  }).strict().default({ level: 'info' }).meta({ description: 'Logging.' }),
  metrics: z.object({
    listen: z.string().regex(/^[^:]+:\d+$/, 'use HOST:PORT, e.g. 127.0.0.1:9464').optional()
      .meta({ description: 'Serve Prometheus metrics on HOST:PORT at /metrics (and /healthz).' }),
  }).strict().default({}).meta({ description: 'Prometheus metrics endpoint.' }),
  source: mysqlSourceSchema.meta({ description: 'The MySQL/MariaDB server whose binlog is read.' }),
  pipeline: pipelineSchema.prefault({}).meta({ description: 'Batching, backpressure, retries and checkpointing.' }),
  targets: z.array(targetSchema()).min(1, 'configure at least one target')
    .meta({ description: 'Where changes go; every target receives every batch and acknowledges it before the checkpoint moves.' }),
}).strict();

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

export function storeUrl(config: SluiceConfig): string {
  return config.metadata.url ?? `sqlite:${config.dataDir}/sluice.db`;
}
