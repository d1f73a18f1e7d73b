import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { freePort, startProcess, waitFor, type ManagedProcess } from './process.ts';

const run = promisify(execFile);

export interface MariaDbServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Superuser over TCP (root, empty password). */
  readonly user: string;
  readonly password: string;
  readonly dataDir: string;
  readonly pid: number;
  /** A connection as root; callers close it. */
  connect(database?: string): Promise<mysql.Connection>;
  stop(): Promise<void>;
}

export interface MariaDbOptions {
  serverId?: number;
  /** false starts the server without a binlog (to test preflight failures). */
  binlog?: boolean;
  bufferPool?: string;
  extraArgs?: string[];
}

/**
 * Starts a private MariaDB with the binlog configured as Sluice requires (ROW, FULL row image,
 * FULL row metadata; GTIDs are always on in MariaDB) on a free 127.0.0.1 port and a temp datadir.
 */
export async function startMariaDb(options: MariaDbOptions = {}): Promise<MariaDbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-mariadb-'));
  const dataDir = join(dir, 'data');
  const socket = join(dir, 'mysqld.sock');
  // A private tmpdir: concurrent servers sharing /tmp have clashed on internal temp-table names.
  const tmp = join(dir, 'tmp');
  await mkdir(tmp);
  await run('mariadb-install-db', [
    '--no-defaults', '--user=root', `--datadir=${dataDir}`, `--tmpdir=${tmp}`,
    '--auth-root-authentication-method=normal', '--skip-test-db',
  ]);
  const port = await freePort();
  const proc: ManagedProcess = startProcess('mariadbd', [
    '--no-defaults', '--user=root', `--datadir=${dataDir}`, `--tmpdir=${tmp}`, `--socket=${socket}`,
    `--port=${port}`, '--bind-address=127.0.0.1', `--pid-file=${join(dir, 'mariadbd.pid')}`,
    `--log-error=${join(dir, 'error.log')}`,
    ...(options.binlog === false ? ['--skip-log-bin'] : [`--log-bin=${join(dataDir, 'binlog')}`]),
    '--binlog-format=ROW', '--binlog-row-image=FULL', '--binlog-row-metadata=FULL', `--server-id=${options.serverId ?? 1}`,
    `--innodb-buffer-pool-size=${options.bufferPool ?? '256M'}`, '--innodb-flush-log-at-trx-commit=2',
    '--sync-binlog=0', '--max-allowed-packet=256M', '--skip-name-resolve',
    '--character-set-server=utf8mb4', '--collation-server=utf8mb4_unicode_ci',
    ...(options.extraArgs ?? []),
  ]);
  try {
    const admin = await waitFor('mariadbd to accept connections', () =>
      mysql.createConnection({ socketPath: socket, user: 'root' }));
    await admin.query(`CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''`);
    await admin.query(`GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION`);
    await admin.end();
  } catch (err) {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1', port, user: 'root', password: '', dataDir, pid: proc.pid,
    connect: (database?: string) => mysql.createConnection({
      host: '127.0.0.1', port, user: 'root', password: '', multipleStatements: true, supportBigNumbers: true,
      bigNumberStrings: true, dateStrings: true, ...(database ? { database } : {}),
    }),
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
