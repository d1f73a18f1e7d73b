import { sluiceError } from '../../core/errors.ts';
import type { CompiledRule } from '../../rules/compiled-rule.ts';
import { mappingIssues, redisMappingSchema, type RedisMapping } from './schema.ts';

/** A rule's Redis mapping, validated once and ready for the per-row hot path. */
export interface ResolvedMapping extends RedisMapping {
  /** Config path of the rule, for error messages. */
  readonly label: string;
  /** Columns a `keyTemplate` references directly (`{{col}}` / `{{.col}}`); each must have a value. */
  readonly templateColumns: readonly string[];
}

const resolved = new WeakMap<CompiledRule, ResolvedMapping>();

/** A `{{col}}` / `{{ .col }}` placeholder, as the rule templates define it. */
const templateReference = /\{\{\s*\.?([^\s{}.][^\s{}]*)\s*\}\}/g;

/**
 * The Redis mapping of a rule (target defaults merged with the rule's `redis:` overrides),
 * validated as a whole. Throws SLUICE_1005 naming the rule and the offending field.
 */
export function resolveMapping(rule: CompiledRule): ResolvedMapping {
  const cached = resolved.get(rule);
  if (cached !== undefined) return cached;
  // The merged mapping also carries the connection settings: strip them here (the config already rejected unknown keys).
  const parsed = redisMappingSchema.strip().safeParse(rule.mapping);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw sluiceError('SLUICE_1005', `${rule.label}.redis.${path}: ${issue?.message}`, { details: { rule: rule.label, path } });
  }
  const mapping: RedisMapping = { ...parsed.data, structure: parsed.data.structure ?? 'hash', keyPrefix: parsed.data.keyPrefix ?? '' };
  const issue = mappingIssues(mapping)[0];
  if (issue !== undefined) {
    throw sluiceError('SLUICE_1005', `${rule.label}.redis.${issue.path}: ${issue.message}`, { details: { rule: rule.label, path: issue.path } });
  }
  const templateColumns = mapping.keyTemplate === undefined
    ? []
    : [...mapping.keyTemplate.matchAll(templateReference)].map((m) => m[1] ?? '');
  const result: ResolvedMapping = Object.freeze({ ...mapping, label: rule.label, templateColumns });
  resolved.set(rule, result);
  return result;
}
