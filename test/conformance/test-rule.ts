import type { Row, Value } from '../../src/core/event.ts';
import type { CompiledRule } from '../../src/rules/compiled-rule.ts';

function text(value: Value | undefined): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * A minimal CompiledRule for connector tests: rows pass unchanged, values encode as JSON and
 * `{{col}}` / `{{.col}}` templates render column text. `mapping` is the target's merged mapping.
 */
export function testRule(mapping: Readonly<Record<string, unknown>>, label = 'targets[0].rules[0]'): CompiledRule {
  return {
    label,
    matches: () => true,
    transform: (row: Row) => row,
    encode: (row: Row) => JSON.stringify(row),
    render: (template: string, row: Row) => template.replace(/\{\{\s*\.?([^\s{}]+)\s*\}\}/g, (_, column: string) => text(row[column])),
    mapping: Object.freeze({ ...mapping }),
  };
}
