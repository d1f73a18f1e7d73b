import type { Pool } from 'mysql2/promise';
import type { SqlColumn, TableInfo, TableRef } from '../sql/sql-engine.ts';
import { mysqlFamily } from '../sql/type-families.ts';

interface ColumnRow {
  name: string; dataType: string; columnType: string; nullable: string;
  charLength: number | null; precision: number | null; scale: number | null; fsp: number | null;
}

interface IndexRow { indexName: string; columnName: string; subPart: number | null; nullable: string }

const bitDigits = (bits: number) => (bits <= 8 ? 3 : bits <= 16 ? 5 : bits <= 24 ? 8 : bits <= 32 ? 10 : 20);

function toColumn(r: ColumnRow, jsonColumns: ReadonlySet<string>): SqlColumn {
  const dataType = r.dataType.toLowerCase();
  const type = r.columnType.toLowerCase();
  const family = jsonColumns.has(r.name) ? 'json' : mysqlFamily(dataType, type);
  const unsigned = /\bunsigned\b/.test(type) || dataType === 'bit';
  let length: number | undefined;
  let scale: number | undefined;
  if (family === 'string' || family === 'binary') {
    if (/^(char|varchar|binary|varbinary|enum|set)$/.test(dataType) && r.charLength !== null) length = Number(r.charLength);
  } else if (family === 'decimal') {
    length = r.precision ?? undefined;
    scale = r.scale ?? 0;
  } else if (family === 'integer') {
    length = dataType === 'bit' ? bitDigits(r.precision ?? 64) : dataType === 'year' ? 4 : r.precision ?? undefined;
  } else if (family === 'float') {
    length = dataType === 'float' ? 24 : 53;
  } else if (family === 'datetime' || family === 'timestamp' || family === 'time') {
    length = r.fsp ?? 0;
  }
  return {
    name: r.name, type, family, nullable: r.nullable === 'YES',
    ...(length === undefined ? {} : { length }), ...(scale === undefined ? {} : { scale }), ...(unsigned ? { unsigned } : {}),
  };
}

/** The primary key, else the first unique index over NOT NULL columns without prefix parts. */
function pickKey(rows: readonly IndexRow[]): string[] {
  const byIndex = new Map<string, IndexRow[]>();
  for (const r of rows) {
    const list = byIndex.get(r.indexName) ?? [];
    list.push(r);
    byIndex.set(r.indexName, list);
  }
  const primary = byIndex.get('PRIMARY');
  if (primary) return primary.map((r) => r.columnName);
  for (const list of byIndex.values()) {
    if (list.every((r) => r.nullable !== 'YES' && r.subPart === null)) return list.map((r) => r.columnName);
  }
  return [];
}

/** MariaDB JSON columns are LONGTEXT with a `json_valid(col)` CHECK (see src/sources/mysql/json-columns.ts). */
async function mariadbJsonColumns(pool: Pool, schema: string, table: string): Promise<Set<string>> {
  const [rows] = await pool.query(
    'SELECT CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?',
    [schema, table],
  );
  const found = new Set<string>();
  for (const { clause } of rows as { clause: string }[]) {
    const m = /^json_valid\(`?([^`)]+)`?\)$/i.exec(clause.trim());
    if (m) found.add(m[1]!);
  }
  return found;
}

export async function describeMysql(pool: Pool, ref: TableRef, mariadb: boolean): Promise<TableInfo | undefined> {
  const [cols] = await pool.query(
    `SELECT TABLE_SCHEMA AS tableSchema, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType, IS_NULLABLE AS nullable,
            CHARACTER_MAXIMUM_LENGTH AS charLength, NUMERIC_PRECISION AS precision_, NUMERIC_SCALE AS scale, DATETIME_PRECISION AS fsp
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [ref.schema ?? null, ref.name],
  );
  const rows = (cols as (ColumnRow & { tableSchema: string; precision_: number | null })[]).map((r) => ({ ...r, precision: r.precision_ }));
  if (rows.length === 0) return undefined;
  const schema = rows[0]!.tableSchema;
  const hasText = rows.some((r) => r.dataType.toLowerCase() === 'longtext');
  const json = mariadb && hasText ? await mariadbJsonColumns(pool, schema, ref.name) : new Set<string>();
  const [idx] = await pool.query(
    `SELECT INDEX_NAME AS indexName, COLUMN_NAME AS columnName, SUB_PART AS subPart, NULLABLE AS nullable
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND NON_UNIQUE = 0
      ORDER BY INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
    [schema, ref.name],
  );
  const [est] = await pool.query('SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [schema, ref.name]);
  const estimate = (est as { n: number | string | null }[])[0]?.n;
  return {
    ref: { schema, name: ref.name },
    columns: rows.map((r) => toColumn(r, json)),
    primaryKey: pickKey(idx as IndexRow[]),
    estimatedRows: Number(estimate ?? 0),
  };
}

export async function listMysqlTables(pool: Pool, schema: string | undefined): Promise<TableRef[]> {
  const [rows] = await pool.query(
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_TYPE = 'BASE TABLE'`,
    [schema ?? null],
  );
  return (rows as { s: string; t: string }[])
    .map((r) => ({ schema: r.s, name: r.t }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
