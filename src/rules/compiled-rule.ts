import type { Row, TableSchema } from '../core/event.ts';

/**
 * A table rule after validation and compilation: everything a target needs to turn a source row
 * into its own shape, with no per-row parsing left to do.
 */
export interface CompiledRule {
  /** Config path of the rule, e.g. `targets[0].rules[1]`, used in error messages. */
  readonly label: string;
  /** True when this rule applies to `db.table`. */
  matches(db: string, table: string): boolean;
  /** Applies the column rules: include/exclude, rename, case, defaults, date and datetime formats. */
  transform(row: Row, schema: TableSchema): Row;
  /** The row as one string value: the rule's template if set, otherwise its encoder (json by default). */
  encode(row: Row): string;
  /** Renders a `{{column}}` template (also accepts go-template style `{{.column}}`) against a row. */
  render(template: string, row: Row): string;
  /** Target mapping: the target's options merged with this rule's `<type>:` overrides. */
  readonly mapping: Readonly<Record<string, unknown>>;
}
