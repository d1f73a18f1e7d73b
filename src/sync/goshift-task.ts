import { readFile } from 'node:fs/promises';
import type { SqlConnectionConfig } from '../connectors/sql/connection-spec.ts';
import { sluiceError } from '../core/errors.ts';
import { syncTaskSchema, type SyncTask } from './spec.ts';

/** A connection in goshift's JSON config; with UsedEnv, host/user/password name environment variables. */
interface GoshiftConnection {
  host?: string; user?: string; password?: string; db?: string; port?: number; charset?: string;
}

interface GoshiftConfig {
  task_meta_mysql?: GoshiftConnection;
  from?: Record<string, Record<string, GoshiftConnection>>;
  to?: Record<string, Record<string, GoshiftConnection>>;
}

/** A row of goshift's task table (`task_def_sync_manager`). */
export interface GoshiftTaskRow {
  id: number | string;
  from_app: string; from_db_type: string; from_db: string; from_table: string;
  to_app: string; to_db_type: string; to_db: string; to_table: string;
  params: string | null;
  online_status?: number | string | null;
}

export interface GoshiftOptions {
  /** Look host/user/password up as environment variable names (goshift's `-UsedEnv`, default true). */
  readonly useEnv: boolean;
  readonly env: NodeJS.ProcessEnv;
}

const engineTypes: Record<string, SqlConnectionConfig['type']> = { mysql: 'mysql', mariadb: 'mariadb', postgres: 'postgres', postgresql: 'postgres', pg: 'postgres', sqlite: 'sqlite' };

export async function readGoshiftConfig(file: string): Promise<GoshiftConfig> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as GoshiftConfig;
  } catch (err) {
    throw sluiceError('SLUICE_7103', `${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** goshift connection → Sluice connection (secrets from the environment). */
export function goshiftConnection(conn: GoshiftConnection, type: string, where: string, options: GoshiftOptions): SqlConnectionConfig {
  const engine = engineTypes[type.toLowerCase()];
  if (!engine) throw sluiceError('SLUICE_7103', `${where}: db type "${type}" is not supported (use ${Object.keys(engineTypes).join(', ')})`);
  const value = (field: 'host' | 'user' | 'password'): string | undefined => {
    const raw = conn[field];
    if (raw === undefined || !options.useEnv) return raw;
    const fromEnv = options.env[raw];
    if (fromEnv === undefined) throw sluiceError('SLUICE_1004', `${where}.${field} names the environment variable ${raw}, which is not set`);
    return fromEnv;
  };
  if (engine === 'sqlite') return { type: 'sqlite', file: conn.db ?? '', host: '127.0.0.1', password: '', pool: 8 } as SqlConnectionConfig;
  const host = value('host');
  const user = value('user');
  const password = value('password') ?? '';
  return {
    type: engine, host: host ?? '127.0.0.1', password, pool: 8,
    ...(user === undefined ? {} : { user }), ...(conn.db === undefined ? {} : { database: conn.db }), ...(conn.port === undefined ? {} : { port: Number(conn.port) }),
  } as SqlConnectionConfig;
}

/** The connection goshift keys as `{app}_{db}` under from/to → type. */
export function goshiftEndpoint(config: GoshiftConfig, side: 'from' | 'to', type: string, app: string, db: string, options: GoshiftOptions): SqlConnectionConfig {
  const key = `${app}_${db}`;
  const conn = config[side]?.[type]?.[key];
  if (!conn) throw sluiceError('SLUICE_7103', `goshift config has no ${side}.${type}.${key} connection`);
  return goshiftConnection(conn, type, `${side}.${type}.${key}`, options);
}

/**
 * A goshift task row as a Sluice sync task. Params `{pk:{src,dest}, diff_column:{src,dest},
 * worker_num, read_batch, write_batch}` (and the README's `{split:{pk:[...]}}`) map to key,
 * column rename, incremental column, workers and batch sizes. Writes are upserts, so a re-run is safe.
 */
export function goshiftTask(row: GoshiftTaskRow): SyncTask {
  let params: Record<string, unknown> = {};
  try {
    params = row.params ? JSON.parse(row.params) as Record<string, unknown> : {};
  } catch (err) {
    throw sluiceError('SLUICE_7103', `task ${row.id}: params is not JSON: ${(err as Error).message}`);
  }
  const pk = params.pk as { src?: string; dest?: string } | undefined;
  const split = (params.split as { pk?: string[] } | undefined)?.pk;
  const diff = params.diff_column as { src?: string; dest?: string } | undefined;
  const key = pk?.src ? [pk.src] : split;
  const rename: Record<string, string> = {};
  if (pk?.src && pk.dest && pk.dest !== pk.src) rename[pk.src] = pk.dest;
  if (diff?.src && diff.dest && diff.dest !== diff.src) rename[diff.src] = diff.dest;
  // goshift's db is a MySQL database (the schema); for PostgreSQL and SQLite it is the database itself.
  const schema = (type: string, db: string) => (engineTypes[type.toLowerCase()]?.startsWith('m') ? { schema: db } : {});
  const task = {
    name: `goshift-${row.id}`,
    from: { connection: 'from', ...schema(row.from_db_type, row.from_db), tables: [row.from_table] },
    to: { connection: 'to', ...schema(row.to_db_type, row.to_db), table: row.to_table },
    ...(key ? { key } : {}),
    columns: { rename },
    ...(diff?.src ? { incremental: { column: diff.src } } : {}),
    ...Object.fromEntries(['worker_num', 'read_batch', 'write_batch'].filter((k) => params[k] !== undefined).map((k) => [k, Number(params[k])])),
  };
  const parsed = syncTaskSchema.safeParse(task);
  if (!parsed.success) throw sluiceError('SLUICE_7103', `task ${row.id}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
