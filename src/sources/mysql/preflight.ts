import type { Connection } from 'mysql2/promise';
import { errorCatalog, type ErrorCode } from '../../core/error-catalog.ts';
import { connectControl } from './connection.ts';
import type { MysqlSourceConfig } from './spec.ts';

export interface Finding {
  readonly ok: boolean;
  readonly check: string;
  readonly detail: string;
  readonly code?: ErrorCode;
  readonly hint?: string;
}

const pass = (check: string, detail: string): Finding => ({ ok: true, check, detail });
const fail = (check: string, code: ErrorCode, detail: string): Finding => ({ ok: false, check, detail, code, hint: errorCatalog[code].hint });

async function variables(conn: Connection): Promise<Map<string, string>> {
  const [rows] = await conn.query(`SHOW GLOBAL VARIABLES WHERE Variable_name IN
    ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata','server_id','version','version_comment')`);
  return new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name, r.Value]));
}

function checkGrants(grants: string[]): Finding {
  const text = grants.join('\n').toUpperCase();
  if (/GRANT ALL PRIVILEGES ON \*\.\*/.test(text)) return pass('privileges', 'ALL PRIVILEGES');
  const missing = [
    ['REPLICATION SLAVE', /REPLICATION SLAVE|REPLICATION REPLICA/],
    ['REPLICATION CLIENT', /REPLICATION CLIENT|BINLOG MONITOR/],
    ['SELECT', /GRANT [^\n]*\bSELECT\b/],
  ].filter(([, re]) => !(re as RegExp).test(text)).map(([name]) => name as string);
  return missing.length === 0 ? pass('privileges', 'replication and SELECT granted') : fail('privileges', 'SLUICE_2006', `missing ${missing.join(', ')}`);
}

/** Checks everything the binlog source needs from the server; never throws. */
export async function preflightSource(config: MysqlSourceConfig): Promise<Finding[]> {
  let conn: Connection;
  try {
    conn = await connectControl(config);
  } catch (err) {
    return [fail('connect', 'SLUICE_2001', `${config.host}:${config.port}: ${(err as Error).message}`)];
  }
  try {
    const v = await variables(conn);
    const findings: Finding[] = [pass('connect', `${v.get('version')} at ${config.host}:${config.port}`)];
    findings.push(v.get('log_bin') === 'ON' ? pass('binlog', 'log_bin=ON') : fail('binlog', 'SLUICE_2002', `log_bin=${v.get('log_bin') ?? 'OFF'}`));
    findings.push(v.get('binlog_format') === 'ROW' ? pass('binlog_format', 'ROW') : fail('binlog_format', 'SLUICE_2003', `binlog_format=${v.get('binlog_format')}`));
    findings.push(v.get('binlog_row_image') === 'FULL' ? pass('binlog_row_image', 'FULL') : fail('binlog_row_image', 'SLUICE_2004', `binlog_row_image=${v.get('binlog_row_image')}`));
    const meta = v.get('binlog_row_metadata');
    findings.push(meta === 'FULL' ? pass('binlog_row_metadata', 'FULL')
      : fail('binlog_row_metadata', 'SLUICE_2005', meta === undefined ? 'the server has no binlog_row_metadata (needs MySQL 8.0.1+ or MariaDB 10.5+)' : `binlog_row_metadata=${meta}`));
    const [grantRows] = await conn.query('SHOW GRANTS FOR CURRENT_USER()');
    findings.push(checkGrants((grantRows as Record<string, string>[]).map((r) => Object.values(r)[0]!)));
    const [replicas] = await conn.query('SHOW SLAVE HOSTS').catch(() => [[]] as unknown as [unknown[]]);
    const replicaIds = (replicas as { Server_id: number | string }[]).map((r) => Number(r.Server_id));
    const sourceId = Number(v.get('server_id'));
    findings.push(sourceId === config.serverId || replicaIds.includes(config.serverId)
      ? fail('server_id', 'SLUICE_2007', `serverId ${config.serverId} is used by ${sourceId === config.serverId ? 'the source itself' : 'a registered replica'}`)
      : pass('server_id', `serverId ${config.serverId} is free (source is ${sourceId})`));
    return findings;
  } catch (err) {
    return [fail('connect', 'SLUICE_2001', (err as Error).message)];
  } finally {
    await conn.end().catch(() => undefined);
  }
}
