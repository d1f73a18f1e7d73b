import type { Row, TableSchema, Value } from '../core/event.ts';
import type { DateFormatter } from './date-format.ts';
import { ruleError } from './rule-error.ts';
import type { RuleConfig } from './rule-schema.ts';

/** Shapes a source row: include/exclude, rename, case, defaults, date and datetime formats. */
export type RowTransform = (row: Row, schema: TableSchema) => Row;

export interface ColumnRulesInit {
  /** Rule path for error messages. */
  readonly label: string;
  readonly columns: RuleConfig['columns'];
  readonly dateFormat: DateFormatter | null;
  readonly datetimeFormat: DateFormatter | null;
}

/** One output column of a table: where it comes from and how its value is finished. */
interface Step {
  readonly source: string;
  readonly output: string;
  readonly format: DateFormatter | null;
  /** Default for a missing or NULL value; undefined when there is none. */
  readonly fallback: Value | undefined;
}

/** `user_name` → `userName`; an all-upper-case name is lower-cased first (`USER_NAME` → `userName`). */
export function toCamel(name: string): string {
  const base = name === name.toUpperCase() ? name.toLowerCase() : name;
  return base.replace(/(?<=[^_])_+([^_])/g, (_, c: string) => c.toUpperCase());
}

const caseConversions: Record<string, (name: string) => string> = {
  lower: (name) => name.toLowerCase(),
  upper: (name) => name.toUpperCase(),
  camel: toCamel,
};

const identity: RowTransform = (row) => row;

/**
 * Compiles the column rules, checking them against each other. Column names match
 * case-insensitively (as in MySQL). Each table version gets a column plan, built on first use
 * and cached by its TableSchema object, so a row costs one object and one loop.
 */
export function compileColumnRules(init: ColumnRulesInit): RowTransform {
  const { label, columns, dateFormat, datetimeFormat } = init;
  const include = columns.include?.length ? new Set(columns.include.map((c) => c.toLowerCase())) : null;
  const exclude = new Set((columns.exclude ?? []).map((c) => c.toLowerCase()));
  const rename = new Map<string, string>();
  const defaults = new Map<string, { name: string; value: Value }>();
  const renameEntries = Object.entries(columns.rename ?? {});
  const defaultEntries = Object.entries(columns.defaults ?? {});
  if (!include && exclude.size === 0 && renameEntries.length === 0 && defaultEntries.length === 0
    && columns.case === undefined && !dateFormat && !datetimeFormat) return identity;

  const dropper = (column: string) =>
    include && !include.has(column) ? 'columns.include' : exclude.has(column) ? 'columns.exclude' : undefined;
  const checkKept = (field: string, name: string) => {
    const by = dropper(name.toLowerCase());
    if (by) throw ruleError(label, `${field}.${name}`, `column "${name}" is dropped by ${by}`);
  };
  const targets = new Map<string, string>();
  for (const [from, to] of renameEntries) {
    checkKept('columns.rename', from);
    const previous = targets.get(to);
    if (previous !== undefined) throw ruleError(label, `columns.rename.${from}`, `"${previous}" is renamed to "${to}" too`);
    targets.set(to, from);
    rename.set(from.toLowerCase(), to);
  }
  for (const [name, value] of defaultEntries) {
    checkKept('columns.defaults', name);
    defaults.set(name.toLowerCase(), { name, value });
  }
  const convert = columns.case === undefined ? (name: string) => name : caseConversions[columns.case];
  if (!convert) throw ruleError(label, 'columns.case', `unknown case "${String(columns.case)}"; use lower, upper or camel`);

  const buildPlan = (schema: TableSchema): Step[] => {
    const steps: Step[] = [];
    const outputs = new Map<string, string>();
    const add = (source: string, format: DateFormatter | null) => {
      const key = source.toLowerCase();
      const output = rename.get(key) ?? convert(source);
      const clash = outputs.get(output);
      if (clash !== undefined) {
        throw ruleError(label, 'columns', `columns "${clash}" and "${source}" of ${schema.db}.${schema.table} both become "${output}"`);
      }
      outputs.set(output, source);
      steps.push({ source, output, format, fallback: defaults.get(key)?.value });
    };
    const present = new Set<string>();
    for (const column of schema.columns) {
      const key = column.name.toLowerCase();
      present.add(key);
      if (dropper(key)) continue;
      const type = column.type;
      add(column.name, type === 'date' ? dateFormat : type.startsWith('datetime') || type.startsWith('timestamp') ? datetimeFormat : null);
    }
    for (const [key, { name }] of defaults) if (!present.has(key)) add(name, null);
    return steps;
  };

  const plans = new WeakMap<TableSchema, Step[]>();
  return (row, schema) => {
    let steps = plans.get(schema);
    if (steps === undefined) {
      steps = buildPlan(schema);
      plans.set(schema, steps);
    }
    const out: Record<string, Value> = {};
    for (const step of steps) {
      const value = row[step.source];
      if (value === undefined || value === null) {
        if (step.fallback !== undefined) out[step.output] = step.fallback;
        else if (value === null) out[step.output] = null;
      } else {
        out[step.output] = step.format !== null && typeof value === 'string' ? step.format(value) : value;
      }
    }
    return out;
  };
}
