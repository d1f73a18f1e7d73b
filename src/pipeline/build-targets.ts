import type { SluiceConfig } from '../config/sluice-config.ts';
import { targetNames } from '../config/sluice-config.ts';
import { connectorSpec } from '../connectors/registry.ts';
import type { Sink } from '../connectors/types.ts';
import { sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { compileRule, defaultRule } from '../rules/compile-rule.ts';
import type { CompiledRule } from '../rules/compiled-rule.ts';
import type { RuleConfig } from '../rules/rule-schema.ts';

export interface BuiltTarget {
  readonly name: string;
  readonly type: string;
  readonly sink: Sink;
  readonly rules: readonly CompiledRule[];
}

/** Creates every target's sink (loading its client library now) and compiles its rules. */
export async function buildTargets(config: SluiceConfig, logger: Logger): Promise<BuiltTarget[]> {
  const names = targetNames(config);
  return Promise.all(config.targets.map(async (target, i) => {
    const t = target as unknown as Record<string, unknown> & { type: string; rules?: (RuleConfig & Record<string, unknown>)[] };
    const spec = connectorSpec(t.type);
    if (!spec) throw sluiceError('SLUICE_3004', `targets[${i}].type "${t.type}"`);
    const options = t[t.type] as Record<string, unknown>;
    const name = names[i]!;
    const rules = t.rules
      ? t.rules.map((rule, j) => compileRule(rule, {
        label: `targets[${i}].rules[${j}]`,
        mapping: { ...options, ...(rule[t.type] as Record<string, unknown> | undefined) },
      }))
      : [defaultRule(`targets[${i}]`, options)];
    const sink = await spec.createSink(options, { name, logger: logger.child({ target: name }) });
    return { name, type: t.type, sink, rules };
  }));
}
