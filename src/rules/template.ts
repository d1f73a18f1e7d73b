import type { Row } from '../core/event.ts';
import { valueText } from './value-encoder.ts';

/**
 * `{{column}}` templates, also in go-template spelling `{{.column}}`; spaces inside the braces
 * are ignored (`{{ .id }}`). A missing or NULL column renders as ''. Text outside placeholders is
 * copied as is. Compiled once into literal parts and column names.
 */
export interface Template {
  readonly source: string;
  /** Column names in placeholder order (repeats kept). */
  readonly columns: readonly string[];
  render(row: Row): string;
}

const placeholder = /^\s*\.?([^\s{}.][^\s{}]*)\s*$/;

/** Compiles a template; throws an Error saying what is wrong when a placeholder is malformed. */
export function compileTemplate(source: string): Template {
  const literals: string[] = [];
  const columns: string[] = [];
  let pos = 0;
  for (let open = source.indexOf('{{'); open >= 0; open = source.indexOf('{{', pos)) {
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw new Error(`"{{" at position ${open} has no closing "}}" in "${source}"`);
    const inner = source.slice(open + 2, close);
    const m = placeholder.exec(inner);
    if (!m) {
      throw new Error(`placeholder "{{${inner}}}" at position ${open} must be one column name, e.g. {{id}} or {{.id}}`);
    }
    literals.push(source.slice(pos, open));
    columns.push(m[1]!);
    pos = close + 2;
  }
  literals.push(source.slice(pos));
  const head = literals[0]!;
  return {
    source,
    columns,
    render(row) {
      let out = head;
      for (let i = 0; i < columns.length; i++) out += valueText(row[columns[i]!]) + literals[i + 1]!;
      return out;
    },
  };
}
