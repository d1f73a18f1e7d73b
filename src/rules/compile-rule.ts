import type { Row } from '../core/event.ts';
import { compileTablePattern } from '../core/table-pattern.ts';
import { compileColumnRules } from './column-rules.ts';
import type { CompiledRule } from './compiled-rule.ts';
import { compileDateFormat, type DateFormatter } from './date-format.ts';
import { compileField, ruleError } from './rule-error.ts';
import type { RuleConfig } from './rule-schema.ts';
import { compileTemplate, type Template } from './template.ts';
import { valueEncoders } from './value-encoder.ts';

export interface CompileRuleOptions {
  /** Config path of the rule, e.g. `targets[0].rules[1]`. */
  readonly label: string;
  /** The target's options merged with the rule's `<type>:` overrides, already validated. */
  readonly mapping?: Record<string, unknown>;
}

function dateFormatter(label: string, field: string, pattern: string | undefined): DateFormatter | null {
  return pattern === undefined ? null : compileField(label, field, () => compileDateFormat(pattern));
}

/**
 * Compiles a validated rule: table matcher, column plan, date formats, encoder and template are
 * all built here, so the per-row methods do no parsing. Throws SLUICE_1005 naming `label` and the
 * field when the rule contradicts itself (e.g. renaming a column that `include` drops).
 */
export function compileRule(config: RuleConfig, options: CompileRuleOptions): CompiledRule {
  const { label } = options;
  const matches = compileField(label, 'match', () => compileTablePattern(config.match));
  const transform = compileColumnRules({
    label,
    columns: config.columns,
    dateFormat: dateFormatter(label, 'dateFormat', config.dateFormat),
    datetimeFormat: dateFormatter(label, 'datetimeFormat', config.datetimeFormat),
  });
  if (!Object.hasOwn(valueEncoders, config.encoder)) {
    throw ruleError(label, 'encoder', `unknown encoder "${config.encoder}"; use ${Object.keys(valueEncoders).join(', ')}`);
  }
  const source = config.template;
  const encode = source === undefined
    ? valueEncoders[config.encoder]
    : compileField(label, 'template', () => compileTemplate(source)).render;

  const templates = new Map<string, Template>();
  return {
    label,
    matches,
    transform,
    encode,
    render(template: string, row: Row): string {
      let compiled = templates.get(template);
      if (compiled === undefined) {
        compiled = compileField(label, undefined, () => compileTemplate(template));
        templates.set(template, compiled);
      }
      return compiled.render(row);
    },
    mapping: Object.freeze({ ...options.mapping }),
  };
}

/** The rule used for tables no configured rule matches: every table, rows unchanged, json encoder. */
export function defaultRule(label: string, mapping: Record<string, unknown> = {}): CompiledRule {
  return compileRule({ match: '*.*', columns: {}, encoder: 'json' }, { label, mapping });
}
