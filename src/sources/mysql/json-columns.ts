import type { Connection } from 'mysql2/promise';

/**
 * MariaDB stores JSON as LONGTEXT with a `json_valid(col)` CHECK, so the binlog cannot tell a
 * JSON column from text. This index of such columns (read from information_schema) lets the
 * decoder emit them as JSON values. MySQL's native JSON type needs no lookup.
 */
export class JsonColumnIndex {
  private columns = new Map<string, Set<string>>();
  private static readonly none: ReadonlySet<string> = new Set();

  async refresh(conn: Connection): Promise<void> {
    const [rows] = await conn.query(
      `SELECT CONSTRAINT_SCHEMA AS db, TABLE_NAME AS tbl, CHECK_CLAUSE AS clause
         FROM information_schema.CHECK_CONSTRAINTS WHERE CHECK_CLAUSE LIKE 'json_valid(%'`,
    ).catch(() => [[]] as unknown as [unknown[]]); // MySQL < 8.0.16 has no CHECK_CONSTRAINTS: nothing to find
    const next = new Map<string, Set<string>>();
    for (const row of rows as { db: string; tbl: string; clause: string }[]) {
      const m = /^json_valid\(`?([^`)]+)`?\)$/i.exec(row.clause.trim());
      if (!m) continue;
      const key = `${row.db}.${row.tbl}`;
      let set = next.get(key);
      if (!set) next.set(key, (set = new Set()));
      set.add(m[1]!);
    }
    this.columns = next;
  }

  get(db: string, table: string): ReadonlySet<string> {
    return this.columns.get(`${db}.${table}`) ?? JsonColumnIndex.none;
  }
}
