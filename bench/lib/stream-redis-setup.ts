/**
 * Shared parts of the stream-redis benchmark and its experiments: the table and its generator,
 * server start, the bulk load, one measurement in a child process, and the result checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import type { BinlogPosition } from '../../src/core/position.ts';
import { startRedis, type RedisServer } from '../../test/services/redis.ts';
import { startMariaDb, type MariaDbServer } from '../../test/services/mariadb.ts';
import type { ChildJob, ChildResult } from './stream-redis-child.ts';

const here = dirname(fileURLToPath(import.meta.url));
const childScript = join(here, 'stream-redis-child.ts');
export const INSERT_ROWS = 5_000;
export const DB = 'sluice_bench';

export const TABLE_DDL = `CREATE TABLE ${DB}.bench (
  id BIGINT UNSIGNED PRIMARY KEY, a INT, b BIGINT, c VARCHAR(64), d DECIMAL(12,2), e DOUBLE,
  f DATETIME(3), g TINYINT, h TEXT, i ENUM('x','y','z')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

const pad2 = (n: number) => String(n).padStart(2, '0');

/** One row as SQL values, the same generator as the binlog probe's gen-bulk.mjs. */
export function rowSql(id: number): string {
  const sec = id % 86400;
  const dt = `2024-01-01 ${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}.${String(id % 1000).padStart(3, '0')}`;
  const hex = ((id * 2654435761) % 4294967296).toString(16);
  return `(${id},${(id * 7) % 1000000},${id * 1000003},'name-${id}-${hex}',${(id % 100000) / 100},${id * 0.5},'${dt}',${id % 128},'text row ${id} lorem ipsum dolor sit amet','${'xyz'[id % 3]}')`;
}

export type Conn = Awaited<ReturnType<MariaDbServer['connect']>>;

export interface Servers {
  readonly db: MariaDbServer;
  readonly redis: RedisServer;
}

/** Starts MariaDB (2G buffer pool) and redis-server; if one fails, the other is stopped. */
export async function startServers(): Promise<Servers> {
  const [db, redis] = await Promise.allSettled([startMariaDb({ bufferPool: '2G' }), startRedis()]);
  if (db.status === 'fulfilled' && redis.status === 'fulfilled') return { db: db.value, redis: redis.value };
  await Promise.all([db.status === 'fulfilled' ? db.value.stop() : undefined, redis.status === 'fulfilled' ? redis.value.stop() : undefined]);
  throw db.status === 'rejected' ? db.reason : (redis as PromiseRejectedResult).reason;
}

export async function masterStatus(conn: Conn): Promise<{ position: BinlogPosition; gtid: string }> {
  const [status] = await conn.query('SHOW MASTER STATUS');
  const s = (status as { File: string; Position: number | string }[])[0];
  if (!s) throw new Error('SHOW MASTER STATUS returned nothing: is the binlog on?');
  const [g] = await conn.query('SELECT @@gtid_binlog_pos AS gtid');
  return { position: { file: s.File, pos: Number(s.Position) }, gtid: (g as { gtid: string }[])[0]!.gtid };
}

export interface LoadResult {
  readonly before: { position: BinlogPosition; gtid: string };
  readonly after: { position: BinlogPosition; gtid: string };
  readonly secs: number;
  readonly binlogBytes: number;
}

/** Creates the table in a fresh binlog file and loads `rows` rows as INSERTs of 5,000 rows. */
export async function loadRows(conn: Conn, rows: number, log: (line: string) => void = console.log): Promise<LoadResult> {
  await conn.query(`CREATE DATABASE ${DB}; ${TABLE_DDL}; FLUSH BINARY LOGS`);
  const before = await masterStatus(conn);
  log(`loading ${rows} rows as INSERTs of ${INSERT_ROWS} from ${before.position.file}:${before.position.pos} (gtid ${before.gtid || 'empty'})…`);
  const t0 = performance.now();
  for (let start = 1; start <= rows; start += INSERT_ROWS) {
    const values: string[] = [];
    for (let id = start; id < Math.min(start + INSERT_ROWS, rows + 1); id++) values.push(rowSql(id));
    await conn.query(`INSERT INTO ${DB}.bench VALUES ${values.join(',')}`);
  }
  const secs = (performance.now() - t0) / 1000;
  const after = await masterStatus(conn);
  if (after.position.file !== before.position.file) throw new Error(`the load spans binlog files ${before.position.file}..${after.position.file}`);
  const [logs] = await conn.query('SHOW BINARY LOGS');
  const binlogBytes = Number((logs as { Log_name: string; File_size: number }[]).find((l) => l.Log_name === after.position.file)?.File_size ?? 0);
  log(`loaded in ${secs.toFixed(2)} s (${Math.round(rows / secs)} rows/s); end ${after.position.file}:${after.position.pos} (gtid ${after.gtid}); binlog ${(binlogBytes / 2 ** 20).toFixed(0)} MiB`);
  return { before, after, secs, binlogBytes };
}

/** utime+stime of a process in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // CLK_TCK = 100 on Linux
  } catch {
    return NaN;
  }
}

/** Machine-wide busy and steal CPU seconds (all cores) from /proc/stat. */
async function machineCpu(): Promise<{ busy: number; steal: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  void iowait;
  return { busy: (user! + nice! + system! + irq! + softirq!) / 100, steal: steal! / 100 };
}

/** Child processes running now, so a failing or interrupted run can kill them by PID. */
export const children = new Set<ChildProcess>();

export interface Measurement extends ChildResult {
  /** Average cores used by redis-server, mariadbd, all processes of the machine, and stolen by the hypervisor, during the run. */
  readonly redisCpu: number;
  readonly mariadbCpu: number;
  readonly machineCpu: number;
  readonly stealCpu: number;
}

export interface MeasureOptions {
  /** Write a .cpuprofile named `name` into `dir`. */
  readonly profile?: { dir: string; name: string };
  /** Modules loaded with --import before the child (experiments that patch prototypes or module resolution). */
  readonly preload?: readonly string[];
  readonly env?: Record<string, string>;
}

/** Runs one measurement in a child process: its result, plus the CPU the servers and the machine used meanwhile. */
export async function measure(mode: 'decode' | 'e2e', job: ChildJob, servers: Servers, options: MeasureOptions = {}): Promise<Measurement> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-'));
  const out = join(dir, 'result.json');
  const { profile, preload = [] } = options;
  const execArgv = [
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile.dir}`, `--cpu-prof-name=${profile.name}.cpuprofile`] : []),
    ...preload.flatMap((p) => ['--import', p]),
  ];
  const [r0, m0, c0] = await Promise.all([cpuSeconds(servers.redis.pid), cpuSeconds(servers.db.pid), machineCpu()]);
  try {
    const child = spawn(process.execPath, [...execArgv, childScript, mode, JSON.stringify(job), out], {
      stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...options.env },
    });
    children.add(child);
    const code = await new Promise<number | null>((res, rej) => {
      child.once('error', rej);
      child.once('exit', (c) => res(c));
    }).finally(() => children.delete(child));
    const [r1, m1, c1] = await Promise.all([cpuSeconds(servers.redis.pid), cpuSeconds(servers.db.pid), machineCpu()]);
    if (code !== 0) throw new Error(`${mode} run failed (exit code ${code})`);
    const result = JSON.parse(await readFile(out, 'utf8')) as ChildResult;
    // The child's own startup is outside `secs`; machine-wide figures cover the whole child.
    const wall = result.secs;
    return {
      ...result,
      redisCpu: +((r1 - r0) / wall).toFixed(2), mariadbCpu: +((m1 - m0) / wall).toFixed(2),
      machineCpu: +((c1.busy - c0.busy) / wall).toFixed(2), stealCpu: +((c1.steal - c0.steal) / wall).toFixed(2),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The hash Sluice should have written for a source row (read with dateStrings). */
function expectedHash(row: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) continue;
    // DATETIME is emitted as ISO-8601 in the source zone (UTC here), see src/sources/mysql/column-decoder.ts.
    out[k] = k === 'f' ? `${String(v).slice(0, 10)}T${String(v).slice(11)}Z` : String(v);
  }
  return out;
}

/** DBSIZE must equal `rows`, and a few hashes must equal their source rows field by field. */
export async function verify(conn: Conn, redisUrl: string, rows: number): Promise<{ dbsize: number; checked: number }> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  try {
    const dbsize = await client.dbSize();
    if (dbsize !== rows) throw new Error(`Redis DBSIZE is ${dbsize}, expected ${rows}`);
    const ids = [...new Set([1, rows, Math.ceil(rows / 2), 4_999, 5_000, 5_001, 777_777, 123_457].filter((id) => id <= rows))];
    for (const id of ids) {
      const [found] = await conn.query(`SELECT * FROM ${DB}.bench WHERE id = ?`, [id]);
      const row = (found as Record<string, unknown>[])[0];
      if (!row) throw new Error(`source row ${id} is missing`);
      const want = expectedHash(row);
      const got = await client.hGetAll(`bench:${id}`);
      if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) {
        throw new Error(`bench:${id} differs from the source row\n  redis:  ${JSON.stringify(got)}\n  source: ${JSON.stringify(want)}`);
      }
    }
    return { dbsize, checked: ids.length };
  } finally {
    await client.quit();
  }
}

export async function flushRedis(redisUrl: string): Promise<void> {
  const client = createClient({ url: redisUrl });
  await client.connect();
  await client.flushAll();
  await client.quit();
}

/** The job for every child run over the loaded range. */
export function jobFor(servers: Servers, load: LoadResult, rows: number): ChildJob {
  const { db, redis } = servers;
  return {
    host: db.host, port: db.port, user: db.user, password: db.password,
    start: load.before.position, end: load.after.position, rows, redisUrl: redis.url, include: [`${DB}.bench`], pipeline: {},
  };
}

/** True when the checkpoint text (`FILE:POS[@GTID]`) is the end position. */
export function isAt(checkpoint: string | undefined, end: BinlogPosition): boolean {
  const at = `${end.file}:${end.pos}`;
  return checkpoint === at || (checkpoint?.startsWith(`${at}@`) ?? false);
}
