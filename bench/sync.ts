/**
 * `npm run bench -- sync`: 1M rows MariaDB → MariaDB and MariaDB → PostgreSQL through `sluice sync`
 * (default settings: upsert, 4 workers, 5,000-row chunks, 500-row statements), against each
 * target's own bulk-load ceiling for the same rows in the same run:
 *   MariaDB:    the rows as multi-row INSERTs (`mariadb-dump --no-create-info`), loaded with the `mariadb` client
 *   PostgreSQL: the rows as tab-separated text, loaded with `psql -c "\copy ... FROM ..."` (COPY)
 * Sources and targets are scratch databases on the machine's MariaDB (3306) and PostgreSQL (5432).
 * Environment: BENCH_ROWS (default 1000000), BENCH_RUNS (default 5, medians), BENCH_DOCS=0|1.
 * Last lines: `sync-<pair> rows_per_s=N ceiling_rows_per_s=M ratio=R peak_rss_mb=X`.
 */
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { MARIADB, POSTGRES, scratchDir, scratchMariaDb, scratchPostgres } from '../test/services/scratch-databases.ts';
import { describeMachine, machineLine } from './machine.ts';
import type { SyncChildJob, SyncChildResult } from './lib/sync-child.ts';
import { mebibytesToMegabytes, writeSyncDocs } from './lib/sync-docs.ts';

const exec = promisify(execFile);
/** The flags bin/sluice.js runs with (its shebang), so the child measures what `sluice sync` does. */
const SLUICE_NODE_FLAGS = ['--max-semi-space-size=8', '--heap-growing-percent=100'];
const here = import.meta.dirname;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const DDL = (table: string) => `CREATE TABLE ${table} (
  id BIGINT PRIMARY KEY, account INT NOT NULL, amount DECIMAL(12,2) NOT NULL, ratio DOUBLE NOT NULL,
  name VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, note TEXT NOT NULL, created_at DATETIME(3) NOT NULL,
  flags INT NOT NULL, code CHAR(8) NOT NULL)`;

function child(job: SyncChildJob, out: string): Promise<SyncChildResult> {
  return new Promise((resolvePromise, reject) => {
    const p = spawn(process.execPath, [...SLUICE_NODE_FLAGS, join(here, 'lib/sync-child.ts'), JSON.stringify(job), out], { stdio: ['ignore', 'inherit', 'inherit'] });
    p.on('error', reject);
    p.on('exit', async (code) => {
      if (code !== 0) return reject(new Error(`sync child exited with ${code}`));
      resolvePromise(JSON.parse(await readFile(out, 'utf8')) as SyncChildResult);
    });
  });
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

export async function run(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 5);
  const writeDocs = process.env.BENCH_DOCS === undefined ? rows === 1_000_000 : process.env.BENCH_DOCS === '1';
  const [src, dstMaria, dstPg, dir] = await Promise.all([scratchMariaDb('sluice_bench'), scratchMariaDb('sluice_bench'), scratchPostgres('sluice_bench'), scratchDir('sluice-bench-sync-')]);
  try {
    const [v] = await src.conn.query('SELECT VERSION() AS v') as unknown as [{ v: string }[]];
    const machine = await describeMachine({ mariadbVersion: v[0]!.v });
    console.log(`machine: ${machineLine(machine)}`);
    await src.conn.query(`${DDL('bench')}; INSERT INTO bench SELECT seq, seq % 100000, (seq % 1000000) / 100, seq / 7, CONCAT('name-', seq), ELT(1 + seq % 4, 'new', 'paid', 'shipped', 'void'),
      CONCAT('a note of about forty five characters #', seq), TIMESTAMPADD(SECOND, seq, '2024-01-01 00:00:00.123'), seq % 65536, LPAD(HEX(seq), 8, '0') FROM seq_1_to_${rows}`);
    // The ceilings' input files, made outside the timing.
    const auth = ['-h', MARIADB.host, '-P', String(MARIADB.port), '-u', MARIADB.user];
    const dump = join(dir.dir, 'bench.sql');
    const tsv = join(dir.dir, 'bench.tsv');
    await exec('sh', ['-c', `mariadb-dump ${auth.join(' ')} --no-create-info --skip-triggers --extended-insert --net-buffer-length=1M ${src.database} bench > ${dump}`]);
    await exec('sh', ['-c', `mariadb ${auth.join(' ')} -N -B -e "SELECT * FROM bench ORDER BY id" ${src.database} > ${tsv}`]);
    const pgEnv = { ...process.env, PGHOST: POSTGRES.host, PGPORT: String(POSTGRES.port), PGUSER: POSTGRES.user, PGDATABASE: dstPg.database };
    const pgDdl = DDL('bench').replace('DATETIME(3)', 'timestamp(3)').replace('DOUBLE', 'double precision');

    const results: Record<string, { sluice: SyncChildResult[]; ceiling: number[] }> = { 'mariadb-mariadb': { sluice: [], ceiling: [] }, 'mariadb-postgres': { sluice: [], ceiling: [] } };
    const fromCfg = { ...src.config };
    for (let i = 1; i <= runs; i++) {
      // MariaDB → MariaDB
      await dstMaria.conn.query(`DROP TABLE IF EXISTS bench; ${DDL('bench')}`);
      const mm = await child({ from: fromCfg, to: dstMaria.config, task: { name: `bench-mm-${i}`, from: { connection: 'a', tables: ['bench'] } } }, join(dir.dir, 'mm.json'));
      await dstMaria.conn.query(`DROP TABLE bench; ${DDL('bench')}`);
      const mmCeiling = rows / await timed(() => exec('sh', ['-c', `mariadb ${auth.join(' ')} ${dstMaria.database} < ${dump}`]));
      results['mariadb-mariadb']!.sluice.push(mm);
      results['mariadb-mariadb']!.ceiling.push(mmCeiling);
      console.log(`mariadb→mariadb #${i}: sluice ${fmt(mm.rowsPerSec)} rows/s (RSS ${mm.maxRssMiB} MiB, CPU ${mm.cpuCores}), mariadb client ${fmt(mmCeiling)} rows/s`);
      // MariaDB → PostgreSQL
      await dstPg.client.query(`DROP TABLE IF EXISTS bench; ${pgDdl}`);
      const mp = await child({ from: fromCfg, to: dstPg.config, task: { name: `bench-mp-${i}`, from: { connection: 'a', tables: ['bench'] } } }, join(dir.dir, 'mp.json'));
      await dstPg.client.query(`DROP TABLE bench; ${pgDdl}`);
      const mpCeiling = rows / await timed(() => exec('psql', ['-v', 'ON_ERROR_STOP=1', '-c', `\\copy bench FROM '${tsv}'`], { env: pgEnv }));
      results['mariadb-postgres']!.sluice.push(mp);
      results['mariadb-postgres']!.ceiling.push(mpCeiling);
      console.log(`mariadb→postgres #${i}: sluice ${fmt(mp.rowsPerSec)} rows/s (RSS ${mp.maxRssMiB} MiB, CPU ${mp.cpuCores}), psql \\copy ${fmt(mpCeiling)} rows/s`);
    }
    const lines = Object.entries(results).map(([pair, r]) => {
      const n = median(r.sluice.map((x) => x.rowsPerSec));
      const m = median(r.ceiling);
      const rss = Math.max(...r.sluice.map((x) => x.maxRssMiB));
      return { pair, n, m, rss, runs: r, line: `sync-${pair} rows_per_s=${Math.round(n)} ceiling_rows_per_s=${Math.round(m)} ratio=${(n / m).toFixed(2)} peak_rss_mb=${mebibytesToMegabytes(rss)}` };
    });
    if (writeDocs) await writeSyncDocs(resolve(here, '..', 'docs', 'benchmarks.md'), { machine: machineLine(machine), date: machine.date, rows, runs, pairs: lines });
    for (const l of lines) console.log(l.line);
  } finally {
    await Promise.all([src.drop(), dstMaria.drop(), dstPg.drop(), dir.drop()]);
  }
}
