import type { SqlRow, SqlValue } from '../connectors/sql/sql-engine.ts';

/** Key values as JSON for the ledger: binary values as `{"$bytes": base64}`, everything else as is. */
export function rowToJson(row: SqlRow | undefined): string | null {
  if (row === undefined) return null;
  return JSON.stringify(row.map((v) => (v instanceof Uint8Array ? { $bytes: Buffer.from(v).toString('base64') } : v)));
}

export function rowFromJson(text: string | null | undefined): SqlRow | undefined {
  if (text === null || text === undefined) return undefined;
  return (JSON.parse(text) as unknown[]).map((v): SqlValue => {
    if (v && typeof v === 'object' && '$bytes' in v) return Buffer.from(String((v as { $bytes: string }).$bytes), 'base64');
    return v as SqlValue;
  });
}

/** A row as a JSON-safe object for reports and the reject store (binary as base64). */
export function rowObject(columns: readonly string[], row: SqlRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    const v = row[i];
    out[c] = v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v;
  });
  return out;
}
