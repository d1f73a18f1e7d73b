import type { Pool } from 'pg';
import { postgresDialect as d, quoteTable } from '../sql/dialect.ts';
import type { TableRef } from '../sql/sql-engine.ts';

/** What decides how COPY may write into a table. */
export interface CopyTarget {
  /**
   * A plain or partitioned table without rules or row-level security: COPY into it does what an
   * INSERT does (COPY fires triggers and checks constraints but ignores rules and refuses tables
   * with row security; views and foreign tables need INSERT).
   */
  readonly direct: boolean;
  /** Column sets of the unique indexes ON CONFLICT can infer (valid, not deferrable, not partial, on plain columns). */
  readonly uniqueKeys: readonly (readonly string[])[];
}

/** The table as the write statements will resolve its name (search_path included); undefined if it does not exist. */
export async function postgresCopyTarget(pool: Pool, table: TableRef): Promise<CopyTarget | undefined> {
  const { rows } = await pool.query<{ relkind: string; relhasrules: boolean; relrowsecurity: boolean; index: number | null; name: string | null }>(
    `SELECT c.relkind, c.relhasrules, c.relrowsecurity, i.indexrelid::int8 AS index, a.attname AS name
       FROM pg_class c
       LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid
                           AND i.indpred IS NULL AND i.indexprs IS NULL
       LEFT JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) ON k.ord <= i.indnkeyatts
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
      WHERE c.oid = to_regclass($1)`,
    [quoteTable(d, table)],
  );
  const first = rows[0];
  if (!first) return undefined;
  const keys = new Map<number, string[]>();
  for (const r of rows) if (r.index !== null && r.name !== null) keys.set(r.index, [...(keys.get(r.index) ?? []), r.name]);
  return { direct: (first.relkind === 'r' || first.relkind === 'p') && !first.relhasrules && !first.relrowsecurity, uniqueKeys: [...keys.values()] };
}

/**
 * True when a COPY into the table that raises no unique violation has done exactly what the
 * mode's statement would have: then no row met an existing key, so upsert and insert-ignore
 * (ON CONFLICT on `key`, or on any constraint without a key) and replace (delete the rows with
 * the keys, then insert) only inserted. Needs a unique index on exactly the key columns.
 */
export function insertsWhenNoConflict(target: CopyTarget, key: readonly string[], mode: 'upsert' | 'insert-ignore' | 'replace'): boolean {
  if (!target.direct) return false;
  if (key.length === 0) return mode !== 'replace';
  const want = new Set(key);
  return target.uniqueKeys.some((k) => k.length === want.size && k.every((c) => want.has(c)));
}

export const tableId = (t: TableRef) => `${t.schema ?? ''}\u0000${t.name}`;

/** What an engine knows across transactions about COPY into a table. */
export interface CopyTargetEntry {
  readonly target: CopyTarget;
  /** Writes to go through the staging table before an optimistic COPY is tried again. */
  stageFirst: number;
}

/** An engine's COPY targets, each looked up once (forgotten when the engine creates the table). */
export class CopyTargets {
  private readonly known = new Map<string, CopyTargetEntry>();
  private readonly lookUp: (table: TableRef) => Promise<CopyTarget | undefined>;
  /** Set once the role may not create temporary tables: writes that need a staging table go as INSERTs. */
  stagingDenied = false;

  constructor(lookUp: (table: TableRef) => Promise<CopyTarget | undefined>) {
    this.lookUp = lookUp;
  }

  async get(table: TableRef): Promise<CopyTargetEntry> {
    const id = tableId(table);
    const known = this.known.get(id);
    if (known) return known;
    const target = await this.lookUp(table);
    // A missing table is not remembered: the write itself reports it.
    if (!target) return { target: { direct: false, uniqueKeys: [] }, stageFirst: 0 };
    const entry = { target, stageFirst: 0 };
    this.known.set(id, entry);
    return entry;
  }

  forget(table: TableRef): void {
    this.known.delete(tableId(table));
  }
}
