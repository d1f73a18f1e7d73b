import type { SqlColumn, TableInfo } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import type { SyncTask } from './spec.ts';

/** Which source columns are read, the target column each one is written to, and the key. */
export interface ColumnPlan {
  readonly source: readonly string[];
  readonly target: readonly string[];
  /** Source columns with their metadata, in `source` order (for creating the target table). */
  readonly columns: readonly SqlColumn[];
  readonly sourceKey: readonly string[];
  readonly targetKey: readonly string[];
  /** Position of each key column in `source`. */
  readonly keyIndex: readonly number[];
}

export function planColumns(info: TableInfo, task: SyncTask, table: string): ColumnPlan {
  const names = new Set(info.columns.map((c) => c.name));
  const unknown = (field: string, list: readonly string[]) => {
    const missing = list.filter((c) => !names.has(c));
    if (missing.length > 0) {
      throw sluiceError('SLUICE_7101', `${field}: ${missing.map((c) => `"${c}"`).join(', ')} not a column of ${table} (columns: ${[...names].join(', ')})`);
    }
  };
  const { include, exclude, rename } = task.columns;
  unknown(`sync "${task.name}" columns.include`, include);
  unknown(`sync "${task.name}" columns.exclude`, exclude);
  unknown(`sync "${task.name}" columns.rename`, Object.keys(rename));
  const sourceKey = task.key ?? info.primaryKey;
  unknown(`sync "${task.name}" key`, sourceKey);
  if (sourceKey.length === 0) {
    throw sluiceError('SLUICE_7101', `sync "${task.name}": table ${table} has no primary key or unique NOT NULL key; give \`key: [...]\` columns that identify a row`);
  }
  const keep = (c: SqlColumn) => sourceKey.includes(c.name) || ((include.length === 0 || include.includes(c.name)) && !exclude.includes(c.name));
  const columns = info.columns.filter(keep);
  const source = columns.map((c) => c.name);
  const target = source.map((c) => rename[c] ?? c);
  return {
    source, target, columns, sourceKey,
    targetKey: sourceKey.map((c) => rename[c] ?? c),
    keyIndex: sourceKey.map((c) => source.indexOf(c)),
  };
}
