import type { Pool } from 'pg';
import type { SqlColumn, TableInfo, TableRef } from '../sql/sql-engine.ts';
import { postgresFamily } from '../sql/type-families.ts';

interface ColumnRow {
  relid: number; schema: string; reltuples: number; name: string; type: string;
  typname: string; typcategory: string; notnull: boolean; typmod: number;
}

const integerDigits: Record<string, number> = { int2: 5, int4: 10, int8: 19, oid: 10 };

function toColumn(r: ColumnRow): SqlColumn {
  const family = postgresFamily(r.typname, r.typcategory);
  let length: number | undefined;
  let scale: number | undefined;
  let unsigned = false;
  if (r.typname === 'varchar' || r.typname === 'bpchar') {
    if (r.typmod >= 4) length = r.typmod - 4;
    else if (r.typname === 'bpchar') length = 1;
  } else if (r.typname === 'uuid') {
    length = 36;
  } else if (r.typname === 'numeric' && r.typmod >= 4) {
    length = ((r.typmod - 4) >> 16) & 0xffff;
    scale = (r.typmod - 4) & 0x7ff;
  } else if (family === 'integer') {
    length = integerDigits[r.typname];
    unsigned = r.typname === 'oid';
  } else if (family === 'float') {
    length = r.typname === 'float4' ? 24 : 53;
  } else if (family === 'datetime' || family === 'timestamp' || family === 'time') {
    length = r.typmod >= 0 ? r.typmod : 6;
  }
  return {
    name: r.name, type: r.type.toLowerCase(), family, nullable: !r.notnull,
    ...(length === undefined ? {} : { length }), ...(scale === undefined ? {} : { scale }), ...(unsigned ? { unsigned } : {}),
  };
}

export async function describePostgres(pool: Pool, ref: TableRef): Promise<TableInfo | undefined> {
  const { rows } = await pool.query<ColumnRow>(
    `SELECT c.oid::int8 AS relid, n.nspname AS schema, c.reltuples::float8 AS reltuples, a.attname AS name,
            format_type(a.atttypid, a.atttypmod) AS type, bt.typname, bt.typcategory, a.attnotnull AS notnull,
            CASE WHEN t.typtype = 'd' AND a.atttypmod = -1 THEN t.typtypmod ELSE a.atttypmod END AS typmod
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE n.nspname = COALESCE($1, current_schema()) AND c.relname = $2 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      ORDER BY a.attnum`,
    [ref.schema ?? null, ref.name],
  );
  const first = rows[0];
  if (!first) return undefined;
  const { rows: keys } = await pool.query<{ indexrelid: number; primary: boolean; name: string; notnull: boolean }>(
    `SELECT i.indexrelid::int8 AS indexrelid, i.indisprimary AS primary, a.attname AS name, a.attnotnull AS notnull
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1 AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND k.ord <= i.indnkeyatts
      ORDER BY i.indisprimary DESC, i.indexrelid, k.ord`,
    [first.relid],
  );
  const byIndex = new Map<number, typeof keys>();
  for (const k of keys) byIndex.set(k.indexrelid, [...(byIndex.get(k.indexrelid) ?? []), k]);
  const chosen = [...byIndex.values()].find((list) => list[0]!.primary || list.every((k) => k.notnull));
  return {
    ref: { schema: first.schema, name: ref.name },
    columns: rows.map(toColumn),
    primaryKey: chosen ? chosen.map((k) => k.name) : [],
    estimatedRows: Math.max(0, Math.round(first.reltuples)),
  };
}

export async function listPostgresTables(pool: Pool, schema: string | undefined): Promise<TableRef[]> {
  const { rows } = await pool.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = COALESCE($1, current_schema()) AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    [schema ?? null],
  );
  return rows.map((r) => ({ schema: r.schema, name: r.name })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
