import type { SqlConnectionConfig } from './connection-spec.ts';

/** Server connection settings with the url (if any) taken apart. */
export interface ServerParams {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password: string;
  readonly database?: string;
  /** `mysql://127.0.0.1:3306/shop`: for logs and reports, never the password. */
  readonly label: string;
}

const defaultPorts: Record<string, number> = { mysql: 3306, mariadb: 3306, postgres: 5432 };

/** Fields of the url win over the separate fields. */
export function serverParams(config: SqlConnectionConfig): ServerParams {
  let { host, port, user, password, database } = config;
  if (config.url) {
    const u = new URL(config.url);
    if (u.hostname) host = decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1');
    if (u.port) port = Number(u.port);
    if (u.username) user = decodeURIComponent(u.username);
    if (u.password) password = decodeURIComponent(u.password);
    const path = decodeURIComponent(u.pathname.replace(/^\//, ''));
    if (path) database = path;
  }
  const p = port ?? defaultPorts[config.type] ?? 0;
  const scheme = config.type === 'postgres' ? 'postgres' : 'mysql';
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    host, port: p, password,
    ...(user === undefined ? {} : { user }),
    ...(database === undefined ? {} : { database }),
    label: `${scheme}://${hostPart}:${p}/${database ?? ''}`,
  };
}

/** The SQLite file of a connection (`file`, else the path of `sqlite:PATH` / `sqlite:///abs/path`). */
export function sqliteFile(config: SqlConnectionConfig): string {
  if (config.file !== undefined) return config.file;
  const rest = (config.url ?? '').replace(/^sqlite:/, '');
  return rest.startsWith('//') ? rest.slice(2) : rest;
}
