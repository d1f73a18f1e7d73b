/**
 * MariaDB → PostgreSQL sync experiment (scratch, not product code): loads the `npm run bench -- sync`
 * table once, then alternates Sluice runs (bench/lib/sync-child.ts) and the `psql \copy` ceiling,
 * printing rows/s, the ratio and CPU per row of Node, MariaDB and PostgreSQL (from /proc); the Sluice
 * copy must hold the same rows as the ceiling's.
 *
 *   node bench/experiments/sync-pg.ts            # BENCH_ROWS (300000), BENCH_ROUNDS (3), BENCH_PAIR=mm for MariaDB → MariaDB
 *   BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/experiments/sync-pg.ts
 *   BENCH_ENV="X=0|X=1" ...                      # variants of the child's environment, run alternately
 *   BENCH_TREES="/tmp/base|/work/main" ...       # source trees run alternately (before/after a change)
 *   BENCH_TASK='{"workers":8}' ...               # task settings over the defaults
 */
import { execFile, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MARIADB, POSTGRES, scratchDir, scratchMariaDb, scratchPostgres } from '../../test/services/scratch-databases.ts';
import type { SyncChildJob, SyncChildResult } from '../lib/sync-child.ts';

const exec = promisify(execFile);
const here = import.meta.dirname;
const rows = Number(process.env.BENCH_ROWS ?? 300_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const pair = process.env.BENCH_PAIR ?? 'mp';
const flags = ['--max-semi-space-size=8', '--heap-growing-percent=100', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
// BENCH_ENV="A=1|A=0": variants separated by |, run alternately each round.
const variants = (process.env.BENCH_ENV ?? '').split('|').map((v) => Object.fromEntries(v.split(' ').filter(Boolean).map((kv) => kv.split('=') as [string, string])));
let extraEnv: Record<string, string> = variants[0]!;
// BENCH_TREES="/tmp/base|/work/main": source trees whose bench/lib/sync-child.ts run alternately (before/after a change).
const trees = (process.env.BENCH_TREES ?? join(here, '../..')).split('|');
let tree = trees[0]!;
const nVariants = Math.max(variants.length, trees.length);
const taskExtra = JSON.parse(process.env.BENCH_TASK ?? '{}') as Record<string, unknown>;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const DDL = (table: string) => `CREATE TABLE ${table} (
  id BIGINT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, ratio DOUBLE NOT NULL,
  name VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, note TEXT NOT NULL, created_at DATETIME(3) NOT NULL,
  flags INT NOT NULL, code CHAR(8) NOT NULL)`;

/** CPU seconds (user + system) of all processes whose command line matches. */
async function cpuOf(match: RegExp): Promise<number> {
  let ticks = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      if (!match.test(cmd)) continue;
      const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
      ticks += Number(stat[11]) + Number(stat[12]) + Number(stat[13]) + Number(stat[14]);
    } catch { /* gone */ }
  }
  return ticks / 100;
}

/** Busy and idle CPU seconds of the whole machine (/proc/stat). */
async function machineCpu(): Promise<{ busy: number; idle: number }> {
  const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  return { busy: (f.reduce((a, b) => a + b, 0) - idle) / 100, idle: idle / 100 };
}

const servers = { mariadb: /mariadbd/, postgres: /^(\/usr\/lib\/postgresql\/\d+\/bin\/postgres|postgres: )/ };

function child(job: SyncChildJob, out: string): Promise<SyncChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [...flags, join(tree, 'bench/lib/sync-child.ts'), JSON.stringify(job), out], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...extraEnv } });
    p.on('error', reject);
    p.on('exit', async (code) => (code === 0 ? resolve(JSON.parse(await readFile(out, 'utf8')) as SyncChildResult) : reject(new Error(`child exited ${code}`))));
  });
}

async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; secs: number; maria: number; pg: number; idle: number }> {
  const [m0, p0, c0] = [await cpuOf(servers.mariadb), await cpuOf(servers.postgres), await machineCpu()];
  const t0 = performance.now();
  const value = await fn();
  const secs = (performance.now() - t0) / 1000;
  const [m1, p1, c1] = [await cpuOf(servers.mariadb), await cpuOf(servers.postgres), await machineCpu()];
  return { value, secs, maria: m1 - m0, pg: p1 - p0, idle: (c1.idle - c0.idle) / secs };
}

const [src, dstPg, dstMaria, dir] = await Promise.all([scratchMariaDb('sluice_exp'), scratchPostgres('sluice_exp'), scratchMariaDb('sluice_exp'), scratchDir('sluice-exp-')]);
try {
  await src.conn.query(`${DDL('bench')}; INSERT INTO bench SELECT seq, seq % 100000, (seq % 1000000) / 100, seq / 7, CONCAT('name-', seq), ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'void'),
    CONCAT('a note of about forty five characters #', seq), TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00.123'), seq % 65536, LPAD(HEX(seq), 8, '0') FROM seq_1_to_${rows}`);
  const auth = ['-h', MARIADB.host, '-P', String(MARIADB.port), '-u', MARIADB.user];
  const tsv = join(dir.dir, 'bench.tsv');
  const dump = join(dir.dir, 'bench.sql');
  await exec('sh', ['-c', `mariadb ${auth.join(' ')} -N -B -e "SELECT * FROM bench ORDER BY id" ${src.database} > ${tsv}`]);
  await exec('sh', ['-c', `mariadb-dump ${auth.join(' ')} --no-create-info --skip-triggers --extended-insert --net-buffer-length=1M ${src.database} bench > ${dump}`]);
  const pgEnv = { ...process.env, PGHOST: POSTGRES.host, PGPORT: String(POSTGRES.port), PGUSER: POSTGRES.user, PGDATABASE: dstPg.database };
  const pgDdl = DDL('bench').replace('DATETIME(3)', 'timestamp(3)').replace('DOUBLE', 'double precision');
  const ratios: number[] = [];
  for (let i = 1; i <= rounds * nVariants; i++) {
    extraEnv = variants[(i - 1) % variants.length]!;
    tree = trees[(i - 1) % trees.length]!;
    let s: Awaited<ReturnType<typeof measured<SyncChildResult>>>;
    let c: Awaited<ReturnType<typeof measured<unknown>>>;
    if (pair === 'mm') {
      await dstMaria.conn.query(`DROP TABLE IF EXISTS bench; ${DDL('bench')}`);
      s = await measured(() => child({ from: src.config, to: dstMaria.config, task: { name: `exp-${i}`, from: { connection: 'a', tables: ['bench'] }, ...taskExtra } }, join(dir.dir, 'r.json')));
      await dstMaria.conn.query(`DROP TABLE bench; ${DDL('bench')}`);
      c = await measured(() => exec('sh', ['-c', `mariadb ${auth.join(' ')} ${dstMaria.database} < ${dump}`]));
    } else {
      await dstPg.client.query(`DROP TABLE IF EXISTS bench; ${pgDdl}`);
      s = await measured(() => child({ from: src.config, to: dstPg.config, task: { name: `exp-${i}`, from: { connection: 'a', tables: ['bench'] }, ...taskExtra } }, join(dir.dir, 'r.json')));
      const [{ n }] = (await dstPg.client.query('SELECT count(*)::int AS n FROM bench')).rows as [{ n: number }];
      if (n !== rows) throw new Error(`copied ${n} rows, expected ${rows}`);
      await dstPg.client.query(`DROP TABLE IF EXISTS bench_sluice; ALTER TABLE bench RENAME TO bench_sluice; ${pgDdl}`);
      c = await measured(() => exec('psql', ['-v', 'ON_ERROR_STOP=1', '-c', `\\copy bench FROM '${tsv}'`], { env: pgEnv }));
      // Every value as psql \copy loaded it from the mariadb client's text: no row differs either way.
      const [{ d }] = (await dstPg.client.query('SELECT (SELECT count(*) FROM (TABLE bench EXCEPT TABLE bench_sluice) a) + (SELECT count(*) FROM (TABLE bench_sluice EXCEPT TABLE bench) b) AS d')).rows as [{ d: string }];
      if (Number(d) !== 0) throw new Error(`${d} rows differ between the Sluice copy and psql \\copy`);
    }
    const r = s.value;
    const ceiling = rows / c.secs;
    ratios.push(r.rowsPerSec / ceiling);
    const us = (cpu: number) => ((cpu / rows) * 1e6).toFixed(2);
    const nodeCpu = r.cpuCores * r.secs;
    console.log(`#${i} ${trees.length > 1 ? tree : JSON.stringify(extraEnv)} sluice ${fmt(r.rowsPerSec)} rows/s ceiling ${fmt(ceiling)} ratio ${(r.rowsPerSec / ceiling).toFixed(2)} rss ${r.maxRssMiB} MiB | ` +
      `µs/row node ${us(nodeCpu)} mariadb ${us(s.maria)} pg ${us(s.pg)} (ceiling: pg ${us(c.pg)}) | cores node ${r.cpuCores} mariadb ${(s.maria / s.secs).toFixed(2)} pg ${(s.pg / s.secs).toFixed(2)} idle ${s.idle.toFixed(2)}`);
  }
  Array.from({ length: nVariants }, (_, k) => k).forEach((k) => {
    const mine = ratios.filter((_, i) => i % nVariants === k).sort((a, b) => a - b);
    console.log(`${trees.length > 1 ? trees[k % trees.length] : JSON.stringify(variants[k % variants.length])} median ratio ${mine[Math.floor(mine.length / 2)]!.toFixed(2)} (${mine.map((r) => r.toFixed(2)).join(' ')})`);
  });
} finally {
  await Promise.all([src.drop(), dstPg.drop(), dstMaria.drop(), dir.drop()]);
}
