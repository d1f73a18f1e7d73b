import type { EngineKind, TableRef } from './sql-engine.ts';

/** How an engine spells identifiers and parameters. */
export interface Dialect {
  readonly kind: EngineKind;
  /** A quoted identifier; the quote character inside the name is doubled. */
  quote(name: string): string;
  /** The placeholder of the `n`-th parameter (1-based). */
  placeholder(n: number): string;
  /** Most parameters one statement may carry. */
  readonly maxParams: number;
}

function quoter(q: string): (name: string) => string {
  return (name) => `${q}${name.split(q).join(q + q)}${q}`;
}

export const mysqlDialect: Dialect = { kind: 'mysql', quote: quoter('`'), placeholder: () => '?', maxParams: 65535 };
export const postgresDialect: Dialect = { kind: 'postgres', quote: quoter('"'), placeholder: (n) => `$${n}`, maxParams: 65535 };
/** SQLITE_MAX_VARIABLE_NUMBER is 32766 since 3.32. */
export const sqliteDialect: Dialect = { kind: 'sqlite', quote: quoter('"'), placeholder: () => '?', maxParams: 32766 };

/** `schema`.`table`, or the bare table when no schema is given. */
export function quoteTable(d: Dialect, ref: TableRef): string {
  return ref.schema ? `${d.quote(ref.schema)}.${d.quote(ref.name)}` : d.quote(ref.name);
}

export function quoteList(d: Dialect, names: readonly string[]): string {
  return names.map((n) => d.quote(n)).join(', ');
}

/** `schema.table` for messages. */
export function tableLabel(ref: TableRef): string {
  return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}
