import type { SqlEngine, TableRef } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import { compileNamePattern } from '../core/table-pattern.ts';
import type { SyncTask } from './spec.ts';

const isPattern = (p: string) => /[*?]/.test(p) || p.startsWith('/');

export interface TablePair {
  readonly source: TableRef;
  readonly target: TableRef;
  /** `schema.table` (or `table`), the name in the ledger, logs and the report. */
  readonly label: string;
}

/** The tables a task copies: its list, patterns expanded against the source, minus `exclude`. */
export async function selectTables(task: SyncTask, source: SqlEngine): Promise<TablePair[]> {
  const { tables, exclude, schema } = task.from;
  let names: string[];
  if (tables.length > 0 && !tables.some(isPattern)) names = [...tables];
  else {
    const all = (await source.listTables(schema)).map((t) => t.name);
    const include = tables.map(compileNamePattern);
    names = all.filter((n) => include.length === 0 || include.some((m) => m(n)));
  }
  const skip = exclude.map(compileNamePattern);
  names = names.filter((n) => !skip.some((m) => m(n)));
  if (names.length === 0) throw sluiceError('SLUICE_7101', `sync "${task.name}" from.tables: no table of ${source.label} matches ${JSON.stringify(tables)}`);
  if (task.to.table && names.length > 1) {
    throw sluiceError('SLUICE_7101', `sync "${task.name}" to.table: names one target table but ${names.length} source tables match (${names.slice(0, 5).join(', ')}…)`);
  }
  return names.map((name) => ({
    source: { ...(schema ? { schema } : {}), name },
    target: { ...(task.to.schema ? { schema: task.to.schema } : {}), name: task.to.table ?? name },
    label: schema ? `${schema}.${name}` : name,
  }));
}
