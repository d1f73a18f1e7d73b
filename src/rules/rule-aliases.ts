/**
 * go-mysql-transfer rule keys accepted as aliases of Sluice rule fields. A rule copied from a
 * go-mysql-transfer `app.yml` is rewritten onto the Sluice fields before validation.
 */
export interface AliasProblem {
  readonly key: string;
  readonly message: string;
}

type Fields = Record<string, unknown>;

/** Top-level one-to-one renames. */
const topLevel: Record<string, string> = {
  value_encoder: 'encoder',
  value_formatter: 'template',
  date_formatter: 'dateFormat',
  datetime_formatter: 'datetimeFormat',
};

const caseFlags: Record<string, string> = {
  column_lower_case: 'lower',
  column_upper_case: 'upper',
  column_underscore_to_camel: 'camel',
};

/** `"a, b,,c"` → `['a','b','c']`; non-strings pass through for the schema to reject. */
function list(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `"a=b,c=d"` → `{a:'b', c:'d'}`; each pair splits at its first `=`, empty items are skipped. */
function pairs(value: unknown, key: string, problems: AliasProblem[]): unknown {
  if (typeof value !== 'string') return value;
  const out: Record<string, string> = {};
  for (const item of value.split(',')) {
    if (item.trim() === '') continue;
    const eq = item.indexOf('=');
    const name = item.slice(0, eq).trim();
    if (eq < 0 || name === '') {
      problems.push({ key, message: `"${item.trim()}" is not name=value (expected e.g. "a=b,c=d")` });
      continue;
    }
    out[name] = item.slice(eq + 1).trim();
  }
  return out;
}

function conflict(alias: string, field: string): AliasProblem {
  return { key: alias, message: `set either ${field} or its go-mysql-transfer alias ${alias}, not both` };
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a copy of `input` with aliases moved onto Sluice fields, plus any problems found
 * (an alias set together with its field, malformed pairs, several case flags).
 * Non-objects are returned unchanged.
 */
export function expandRuleAliases(input: unknown): { value: unknown; problems: AliasProblem[] } {
  const problems: AliasProblem[] = [];
  if (!isObject(input)) return { value: input, problems };
  const rule: Fields = { ...input };
  const columns: Fields = isObject(rule.columns) ? { ...rule.columns } : {};
  /** Moves `rule[alias]` to `target[key]` unless `key` is set there already. */
  const move = (alias: string, target: Fields, key: string, field: string, map: (v: unknown) => unknown) => {
    if (!(alias in rule)) return;
    if (key in target) problems.push(conflict(alias, field));
    else target[key] = map(rule[alias]);
    delete rule[alias];
  };

  for (const [alias, field] of Object.entries(topLevel)) move(alias, rule, field, field, (v) => v);
  move('include_columns', columns, 'include', 'columns.include', list);
  move('exclude_columns', columns, 'exclude', 'columns.exclude', list);
  move('column_mappings', columns, 'rename', 'columns.rename', (v) => pairs(v, 'column_mappings', problems));
  move('default_column_values', columns, 'defaults', 'columns.defaults', (v) => pairs(v, 'default_column_values', problems));

  const flags = Object.keys(caseFlags).filter((flag) => flag in rule);
  const on = flags.filter((flag) => rule[flag] === true);
  for (const flag of flags) {
    if (typeof rule[flag] !== 'boolean') problems.push({ key: flag, message: 'must be true or false' });
  }
  if (on.length > 1) problems.push({ key: on[1]!, message: `set only one of ${on.join(', ')}` });
  else if (on.length === 1) move(on[0]!, columns, 'case', 'columns.case', () => caseFlags[on[0]!]);
  for (const flag of flags) delete rule[flag];

  if (Object.keys(columns).length > 0 && (rule.columns === undefined || isObject(rule.columns))) rule.columns = columns;
  return { value: rule, problems };
}
