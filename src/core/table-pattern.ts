/**
 * Table name patterns used by source filters and rules:
 *   `shop.orders`      exact database and table
 *   `shop.*`, `*.log_*` glob (`*` any run of characters, `?` one character)
 *   `/^shop\.order_\d+$/` regular expression over `db.table`
 */
export type TableMatcher = (db: string, table: string) => boolean;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

const isRegex = (p: string) => p.length > 2 && p.startsWith('/') && p.lastIndexOf('/') > 0;

/** One name against `/regex/flags` or a glob (`*` any run of characters, `?` one character). */
export function compileNamePattern(pattern: string): (text: string) => boolean {
  const p = pattern.trim();
  const re = isRegex(p) ? new RegExp(p.slice(1, p.lastIndexOf('/')), p.slice(p.lastIndexOf('/') + 1)) : globToRegExp(p);
  return (text) => re.test(text);
}

export function compileTablePattern(pattern: string): TableMatcher {
  const p = pattern.trim();
  if (isRegex(p)) {
    const matches = compileNamePattern(p);
    return (db, table) => matches(`${db}.${table}`);
  }
  const dot = p.indexOf('.');
  const dbGlob = dot < 0 ? p : p.slice(0, dot);
  const tableGlob = dot < 0 ? '*' : p.slice(dot + 1);
  const dbRe = globToRegExp(dbGlob);
  const tableRe = globToRegExp(tableGlob);
  return (db, table) => dbRe.test(db) && tableRe.test(table);
}

/** Checks that a pattern compiles; returns the error message or undefined. */
export function tablePatternError(pattern: string): string | undefined {
  try {
    compileTablePattern(pattern);
    return undefined;
  } catch (err) {
    return `invalid table pattern "${pattern}": ${(err as Error).message}`;
  }
}

/**
 * Include/exclude filter: a table passes when it matches some include pattern (or there are none)
 * and no exclude pattern. Results are cached per table, so the hot path is one Map lookup.
 */
export function compileTableFilter(include: readonly string[], exclude: readonly string[]): TableMatcher {
  const inc = include.map(compileTablePattern);
  const exc = exclude.map(compileTablePattern);
  const cache = new Map<string, boolean>();
  return (db, table) => {
    const id = `${db}\u0000${table}`;
    let hit = cache.get(id);
    if (hit === undefined) {
      hit = (inc.length === 0 || inc.some((m) => m(db, table))) && !exc.some((m) => m(db, table));
      cache.set(id, hit);
    }
    return hit;
  };
}
