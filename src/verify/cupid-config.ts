import { readFile } from 'node:fs/promises';
import type { SqlConnectionConfig } from '../connectors/sql/connection-spec.ts';
import { sluiceError } from '../core/errors.ts';
import { verifyTaskSchema, type VerifyTask } from './spec.ts';

/** The parts of a cupid-go JSON config a batch verify uses (the watcher and callback settings are kept for the continuous mode). */
interface CupidConfig {
  src?: { dsn?: string; table?: string; byColumn?: string };
  des?: { dsn?: string; table?: string; byColumn?: string; columns?: Record<string, string>; callbackNotification?: { url?: string } }[];
}

export interface CupidVerify {
  readonly task: VerifyTask;
  /** Connection per name used in the task: `src`, `des0`, `des1`, … */
  readonly connections: Record<string, SqlConnectionConfig>;
}

/** A Go MySQL DSN, `user:password@tcp(host:port)/db?params`, as a connection. */
export function parseGoDsn(dsn: string, where: string): SqlConnectionConfig {
  const m = /^(?:([^:@]*)(?::([^@]*))?@)?(?:(tcp|unix)\(([^)]*)\))?\/([^?]*)(?:\?.*)?$/.exec(dsn.trim());
  if (!m) throw sluiceError('SLUICE_7104', `${where}: "${dsn}" is not a DSN like user:password@tcp(host:3306)/db`);
  const [, user, password, , address = '127.0.0.1:3306', database] = m;
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address || '127.0.0.1';
  const port = colon > 0 ? Number(address.slice(colon + 1)) : 3306;
  return { type: 'mysql', host, port, password: password ?? '', pool: 4, ...(user ? { user } : {}), ...(database ? { database } : {}) } as SqlConnectionConfig;
}

/**
 * A cupid-go config as it is: `src` (dsn, table, byColumn) against every `des[]` (dsn, table,
 * byColumn, columns: the source → destination column map, which is also what is compared).
 */
export async function readCupidConfig(file: string): Promise<CupidVerify> {
  let raw: CupidConfig;
  try {
    raw = JSON.parse(await readFile(file, 'utf8')) as CupidConfig;
  } catch (err) {
    throw sluiceError('SLUICE_7104', `${file}: ${(err as Error).message}`, { cause: err });
  }
  const src = raw.src;
  if (!src?.dsn || !src.table || !src.byColumn) throw sluiceError('SLUICE_7104', `${file}: src needs dsn, table and byColumn`);
  if (!raw.des?.length) throw sluiceError('SLUICE_7104', `${file}: des needs at least one destination`);
  const connections: Record<string, SqlConnectionConfig> = { src: parseGoDsn(src.dsn, 'src.dsn') };
  const compared = new Set<string>([src.byColumn]);
  const targets = raw.des.map((d, i) => {
    if (!d.dsn || !d.table) throw sluiceError('SLUICE_7104', `${file}: des[${i}] needs dsn and table`);
    connections[`des${i}`] = parseGoDsn(d.dsn, `des[${i}].dsn`);
    const columns: Record<string, string> = { ...(d.columns ?? {}) };
    if (d.byColumn) columns[src.byColumn!] = d.byColumn;
    for (const c of Object.keys(d.columns ?? {})) compared.add(c);
    return { connection: `des${i}`, table: d.table, columns };
  });
  const parsed = verifyTaskSchema.safeParse({
    name: `cupid-${src.table}`, source: { connection: 'src', table: src.table }, targets, key: [src.byColumn],
    columns: { include: [...compared] },
  });
  if (!parsed.success) throw sluiceError('SLUICE_7104', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { task: parsed.data, connections };
}
