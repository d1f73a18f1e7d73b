import { z } from 'zod';
import { tablePatternError } from '../core/table-pattern.ts';
import { compileDateFormat } from './date-format.ts';
import { expandRuleAliases } from './rule-aliases.ts';
import { compileTemplate } from './template.ts';
import { encoderNames } from './value-encoder.ts';

/** A string that `compile` accepts; its error message becomes the issue message. */
function compiled(compile: (text: string) => unknown) {
  return z.string().superRefine((text, ctx) => {
    try {
      compile(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
}

const columnName = z.string().min(1);

const columnsSchema = z.strictObject({
  include: z.array(columnName).optional()
    .meta({ description: 'Keep only these source columns (alias `include_columns: "a,b"`). Names match case-insensitively.' }),
  exclude: z.array(columnName).optional()
    .meta({ description: 'Drop these source columns (alias `exclude_columns: "a,b"`).' }),
  rename: z.record(columnName, columnName).optional()
    .meta({ description: 'Source column → output name (alias `column_mappings: "a=b,c=d"`). Renamed columns skip `case`.' }),
  case: z.enum(['lower', 'upper', 'camel']).optional()
    .meta({ description: 'Output name case for columns not renamed: lower, upper, or camel (`user_name` → `userName`). Aliases `column_lower_case`, `column_upper_case`, `column_underscore_to_camel`.' }),
  defaults: z.record(columnName, z.union([z.string(), z.number(), z.boolean(), z.null()])).optional()
    .meta({ description: 'Value for a column that is missing or NULL, keyed by source column name; a name the table lacks adds a constant column (alias `default_column_values: "k=v"`).' }),
}).meta({ description: 'Column rules, applied in order: include/exclude, rename, case, defaults.' });

const shape = {
  match: z.string().min(1).superRefine((pattern, ctx) => {
    const error = tablePatternError(pattern);
    if (error) ctx.addIssue({ code: 'custom', message: error });
  }).optional()
    .meta({ description: 'Tables the rule applies to: `shop.users`, glob `shop.*`, or regex `/^shop\\.u_\\d+$/`. Or use `schema` + `table`.' }),
  schema: z.string().min(1).optional()
    .meta({ description: 'go-mysql-transfer style: database name (exact), used with `table`.' }),
  table: z.string().min(1).optional()
    .meta({ description: 'go-mysql-transfer style: table name or regular expression over the whole name; `*` is every table.' }),
  columns: columnsSchema.default({}),
  encoder: z.enum(encoderNames).default('json')
    .meta({ description: 'Row as one string: json, kv-commas (`id=1,name=ann`) or v-commas (`1,ann`); NULL is empty in the comma forms. Alias `value_encoder`.' }),
  template: compiled(compileTemplate).optional()
    .meta({ description: 'Row as one string from a template, e.g. `{{id}}|{{name}}` (go style `{{.id}}` too); overrides `encoder`. Placeholders name output columns. Alias `value_formatter`.' }),
  dateFormat: compiled(compileDateFormat).optional()
    .meta({ description: 'Format for DATE columns, e.g. `yyyy/MM/dd` or `YYYY/MM/DD`. Alias `date_formatter`.' }),
  datetimeFormat: compiled(compileDateFormat).optional()
    .meta({ description: "Format for DATETIME and TIMESTAMP columns, e.g. `yyyy-MM-dd'T'HH:mm:ss.SSS`. Alias `datetime_formatter`." }),
};

const knownKeys = Object.keys(shape);

function unknownKeyMessage(key: string): string {
  const target = /^(redis|mongodb|es|kafka|rocketmq|rabbitmq)_/.exec(key)?.[1];
  if (target) return `"${key}" is a go-mysql-transfer target key; set target mappings under "${target}:" in the rule`;
  return `unknown rule key "${key}"; rule keys are ${knownKeys.join(', ')}, plus one block named after the target type for mapping overrides (e.g. redis: {...})`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** go-mysql-transfer `schema` + `table` (table may be a regex, anchored to the whole name) → match pattern. */
export function schemaTablePattern(schema: string, table: string): string {
  const plain = /^[\w$]+$/;
  if (plain.test(schema) && (table === '*' || plain.test(table))) return `${schema}.${table}`;
  return `/^${escapeRegExp(schema)}\\.${table === '*' ? '.*' : `(?:${table})`}$/`;
}

const fields = z.object(shape);
type RuleFields = z.output<typeof fields>;

const ruleObject = fields.catchall(z.unknown()).superRefine((rule, ctx) => {
  for (const key of Object.keys(rule)) {
    const value = rule[key];
    const isBlock = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!knownKeys.includes(key) && !isBlock) ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key) });
  }
  const gmt = rule.schema !== undefined || rule.table !== undefined;
  if (rule.match !== undefined && gmt) {
    ctx.addIssue({ code: 'custom', path: ['match'], message: 'set either match or schema + table, not both' });
  } else if (rule.match === undefined && (rule.schema === undefined || rule.table === undefined)) {
    const missing = rule.schema === undefined && rule.table === undefined ? 'match' : rule.schema === undefined ? 'schema' : 'table';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'a rule needs match, or schema + table' });
  } else if (rule.match === undefined) {
    const error = tablePatternError(schemaTablePattern(rule.schema!, rule.table!));
    if (error) ctx.addIssue({ code: 'custom', path: ['table'], message: error });
  }
});

/**
 * One table rule: which tables, how columns are shaped, how a row becomes one string.
 * Object-valued unknown keys (the target's `<type>:` mapping block) are accepted but left out of
 * the output: the caller validates that block with the connector's mapping schema, e.g. via
 * `ruleSchema.and(z.object({ redis: mapping }))`, whose output then carries it.
 */
export const ruleSchema = z.preprocess((input, ctx) => {
  const { value, problems } = expandRuleAliases(input);
  for (const p of problems) ctx.addIssue({ code: 'custom', path: [p.key], message: p.message });
  return value;
}, ruleObject.transform((rule): Omit<RuleFields, 'schema' | 'table'> & { match: string } => ({
  match: rule.match ?? schemaTablePattern(rule.schema!, rule.table!),
  columns: rule.columns,
  encoder: rule.encoder,
  template: rule.template,
  dateFormat: rule.dateFormat,
  datetimeFormat: rule.datetimeFormat,
}))).meta({ description: 'A per-table rule. Keys of go-mysql-transfer rules (include_columns, column_mappings, value_encoder, ...) are accepted as aliases.' });

export type RuleConfig = z.output<typeof ruleSchema>;
