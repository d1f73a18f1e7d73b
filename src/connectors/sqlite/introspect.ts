import type { DatabaseSync } from 'node:sqlite';
import { sqliteDialect as d, quoteTable } from '../sql/dialect.ts';
import type { SqlColumn, TableInfo, TableRef } from '../sql/sql-engine.ts';
import { sqliteFamily, typeArgs } from '../sql/type-families.ts';

interface ColumnRow { name: string; type: string; notnull: bigint; pk: bigint }

function toColumn(r: ColumnRow): SqlColumn {
  const type = r.type.toLowerCase();
  const family = sqliteFamily(type);
  const [a, b] = typeArgs(type);
  let length: number | undefined;
  let scale: number | undefined;
  if (family === 'string' || family === 'binary' || family === 'datetime' || family === 'timestamp' || family === 'time') length = a;
  else if (family === 'decimal') {
    length = a;
    scale = a === undefined ? undefined : b ?? 0;
  } else if (family === 'integer') length = 19; // every SQLite integer is 64-bit
  else if (family === 'float') length = 53; // REAL is a double whatever the declared name
  const unsigned = /\bunsigned\b/.test(type);
  return {
    name: r.name, type, family, nullable: r.notnull === 0n && r.pk === 0n,
    ...(length === undefined ? {} : { length }), ...(scale === undefined ? {} : { scale }), ...(unsigned ? { unsigned } : {}),
  };
}

/** The primary key, else the first unique, non-partial index over NOT NULL columns. */
function pickKey(db: DatabaseSync, ref: TableRef, rows: readonly ColumnRow[]): string[] {
  const pk = rows.filter((r) => r.pk > 0n).sort((x, y) => Number(x.pk - y.pk)).map((r) => r.name);
  if (pk.length > 0) return pk;
  const notNull = new Set(rows.filter((r) => r.notnull !== 0n).map((r) => r.name));
  const schema = ref.schema ?? 'main';
  const indexes = db.prepare('SELECT name FROM pragma_index_list(?, ?) WHERE "unique" = 1 AND partial = 0 ORDER BY seq').all(ref.name, schema) as { name: string }[];
  for (const { name } of indexes) {
    const cols = db.prepare('SELECT name FROM pragma_index_info(?, ?) ORDER BY seqno').all(name, schema) as { name: string | null }[];
    if (cols.length > 0 && cols.every((c) => c.name !== null && notNull.has(c.name))) return cols.map((c) => c.name!);
  }
  return [];
}

export function describeSqlite(db: DatabaseSync, ref: TableRef): TableInfo | undefined {
  const rows = db.prepare('SELECT name, type, "notnull", pk FROM pragma_table_info(?, ?) ORDER BY cid').all(ref.name, ref.schema ?? 'main') as unknown as ColumnRow[];
  if (rows.length === 0) return undefined;
  const count = db.prepare(`SELECT COUNT(*) AS n FROM ${quoteTable(d, ref)}`).get() as { n: bigint };
  return {
    ref: ref.schema ? { schema: ref.schema, name: ref.name } : { name: ref.name },
    columns: rows.map(toColumn),
    primaryKey: pickKey(db, ref, rows),
    estimatedRows: Number(count.n),
  };
}

export function listSqliteTables(db: DatabaseSync, schema: string | undefined): TableRef[] {
  const rows = db.prepare(`SELECT name FROM ${d.quote(schema ?? 'main')}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`).all() as { name: string }[];
  return rows.map((r) => (schema ? { schema, name: r.name } : { name: r.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
