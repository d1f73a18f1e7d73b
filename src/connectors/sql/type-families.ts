import type { TypeFamily } from './sql-engine.ts';

/** MySQL/MariaDB `DATA_TYPE` (lower case) → family. `tinyint(1)` is MySQL's BOOLEAN. */
export function mysqlFamily(dataType: string, columnType: string): TypeFamily {
  switch (dataType) {
    case 'tinyint': return /^tinyint\(1\)/.test(columnType) ? 'boolean' : 'integer';
    case 'smallint': case 'mediumint': case 'int': case 'integer': case 'bigint': case 'year': case 'bit': return 'integer';
    case 'decimal': case 'numeric': return 'decimal';
    case 'float': case 'double': case 'real': return 'float';
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext': case 'enum': case 'set':
    case 'uuid': case 'inet4': case 'inet6':
      return 'string';
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob':
    case 'geometry': case 'point': case 'linestring': case 'polygon': case 'multipoint': case 'multilinestring':
    case 'multipolygon': case 'geometrycollection': case 'geomcollection':
      return 'binary';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    case 'timestamp': return 'timestamp';
    case 'time': return 'time';
    case 'json': return 'json';
    default: return 'other';
  }
}

/** PostgreSQL `pg_type.typname` of the (base) type → family. */
export function postgresFamily(typname: string, typcategory: string): TypeFamily {
  switch (typname) {
    case 'int2': case 'int4': case 'int8': case 'oid': return 'integer';
    case 'numeric': return 'decimal';
    case 'float4': case 'float8': return 'float';
    case 'bool': return 'boolean';
    case 'varchar': case 'bpchar': case 'text': case 'name': case 'citext': case 'uuid': return 'string';
    case 'bytea': return 'binary';
    case 'date': return 'date';
    case 'timestamp': return 'datetime';
    case 'timestamptz': return 'timestamp';
    case 'time': case 'timetz': return 'time';
    case 'json': case 'jsonb': return 'json';
    default: return typcategory === 'E' ? 'string' : 'other';
  }
}

/**
 * SQLite declared type (any case) → family. SQLite stores by affinity, so the declared name is all
 * there is: Sluice's own names (`DECIMAL_TEXT`, `JSON_TEXT`, `BOOLEAN`) keep the family while
 * giving the affinity that stores the value exactly (docs/sync-types.md).
 */
export function sqliteFamily(declared: string): TypeFamily {
  const t = declared.trim().toLowerCase();
  if (t === '') return 'other';
  if (/^(bool|boolean)\b/.test(t) || t === 'tinyint(1)') return 'boolean';
  if (/^(decimal|numeric|number|money)/.test(t)) return 'decimal';
  if (/^json/.test(t)) return 'json';
  if (/^date$/.test(t)) return 'date';
  if (/^(datetime|timestamp without time zone|timestamp\(\d\) without time zone)/.test(t)) return 'datetime';
  if (/^timestamp/.test(t)) return 'timestamp';
  if (/^time/.test(t)) return 'time';
  if (t.includes('int')) return 'integer';
  if (/char|clob|text|uuid/.test(t)) return 'string';
  if (t.includes('blob') || /binary/.test(t) || t === 'bytea') return 'binary';
  if (/real|floa|doub/.test(t)) return 'float';
  return 'other';
}

/** `(n)` or `(p,s)` of a type text. */
export function typeArgs(type: string): number[] {
  const m = /\((\d+)(?:\s*,\s*(\d+))?\)/.exec(type);
  if (!m) return [];
  return m[2] === undefined ? [Number(m[1])] : [Number(m[1]), Number(m[2])];
}
