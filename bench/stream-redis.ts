/**
 * `npm run bench -- stream-redis`: binlog → Redis throughput of the real pipeline against the
 * decode-only ceiling of the binlog reader, on the same binlog range, in the same run.
 *
 * Starts its own MariaDB (2G buffer pool) and redis-server (test harness), loads BENCH_ROWS
 * (default 1,000,000) rows of a 10-column table as INSERTs of 5,000 rows, then alternates:
 *   decode  @vlasky/zongji from the start position with Sluice's connection options, rows/s
 *   e2e     StreamPipeline from FILE:POS to Redis hashes `bench:<id>` (default batch settings),
 *           timed until its checkpoint reaches the end position; then DBSIZE and spot checks.
 * Each measurement runs in a child process (bench/lib/stream-redis-child.ts) for its own peak RSS.
 *
 * Environment:
 *   BENCH_ROWS=200000     rows to load (default 1000000)
 *   BENCH_RUNS=3          runs of each measurement (default 3); medians are reported
 *   BENCH_VARIANTS='[{"batch":{"maxRows":5000}}]'   (a `source` key overrides source settings: '[{"source":{"decodeThread":false}}]')
 *                         extra e2e runs (one each) with these `pipeline:` blocks instead of the defaults
 *   BENCH_PROFILE=DIR     write a .cpuprofile of every child run into DIR (node --cpu-prof);
 *                         summarize with `node bench/tools/cpuprofile.ts DIR/e2e-1.cpuprofile`
 *   BENCH_DOCS=0|1        write the results into docs/benchmarks.md (default: only for 1,000,000 rows)
 * The last line printed is `stream-redis rows_per_s=N decode_ceiling_rows_per_s=M ratio=R`.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  children, flushRedis, INSERT_ROWS, isAt, jobFor, loadRows, measure, median, startServers, verify,
  type Measurement, type Servers,
} from './lib/stream-redis-setup.ts';
import { describeMachine, machineLine, type MachineInfo } from './machine.ts';
import { redisCeiling } from './lib/redis-ceiling.ts';

const here = dirname(fileURLToPath(import.meta.url));
const docsFile = resolve(here, '..', 'docs', 'benchmarks.md');
const TARGET_ROWS_PER_S = 150_000;

/** The code measured: BENCH_SLUICE_REV, else the git commit, marked when src/ or test/ has local changes. */
async function sluiceRevision(): Promise<string> {
  if (process.env.BENCH_SLUICE_REV) return process.env.BENCH_SLUICE_REV;
  const git = (args: string[]) => promisify(execFile)('git', ['-C', resolve(here, '..'), ...args]).then((r) => r.stdout.trim());
  try {
    const [rev, dirty] = await Promise.all([git(['rev-parse', '--short', 'HEAD']), git(['status', '--porcelain', '--', 'src', 'test'])]);
    return dirty ? `${rev} with uncommitted changes in src/ or test/` : rev;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

interface Summary {
  machine: MachineInfo;
  revision: string;
  rows: number;
  runs: number;
  load: { secs: number; rowsPerSec: number; binlogBytes: number; start: string; end: string; gtidBefore: string; gtidAfter: string };
  decode: Measurement[];
  e2e: Measurement[];
  variants: (Measurement & { pipeline: Record<string, unknown> })[];
  /** redis-benchmark HSETs of the same fields, rows/s per run. */
  redis: number[];
  e2eMedian: number;
  decodeMedian: number;
  ratio: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function runRow(label: string, r: Measurement): string {
  return `| ${label} | ${fmt(r.rowsPerSec)} | ${r.secs} | ${r.steadySecs} | ${r.maxRssMiB} | ${r.cpuCores} | ${r.redisCpu} | ${r.mariadbCpu} | ${r.machineCpu} | ${r.stealCpu} |`;
}

function markdown(s: Summary): string {
  const e2eExtra = s.e2e[0]?.extra as { batch?: unknown; queue?: unknown } | undefined;
  const lines = [
    `### ${s.machine.date.slice(0, 10)}, Sluice ${s.revision.split(' ')[0] === 'commit' ? s.revision.split(' ')[1] : s.revision.split(' ')[0]}: ${fmt(s.rows)} rows, median of ${s.runs} runs`,
    '',
    `- Machine: ${machineLine(s.machine)}. Sluice: ${s.revision}.`,
    `- Data: ${fmt(s.rows)} rows of the probe's 10-column table (BIGINT UNSIGNED PK, INT, BIGINT, VARCHAR(64), DECIMAL(12,2), DOUBLE, DATETIME(3), TINYINT, TEXT ~45 chars, ENUM), loaded as ${fmt(Math.ceil(s.rows / INSERT_ROWS))} INSERTs of ${fmt(INSERT_ROWS)} rows in ${s.load.secs} s (${fmt(s.load.rowsPerSec)} rows/s). Binlog range \`${s.load.start}\` → \`${s.load.end}\` (${(s.load.binlogBytes / 2 ** 20).toFixed(0)} MiB with MariaDB's default annotate rows), \`@@gtid_binlog_pos\` \`${s.load.gtidBefore || '(empty)'}\` → \`${s.load.gtidAfter}\`.`,
    `- **Ceiling**: @vlasky/zongji alone from the start position, with Sluice's connection options and event filter, counting WriteRows rows until the end position.`,
    `- **End to end**: the real StreamPipeline (in-process, test harness) from \`FILE:POS\`, Redis hash row mode \`bench:<id>\`, default settings (batch ${JSON.stringify(e2eExtra?.batch)}, queue ${JSON.stringify(e2eExtra?.queue)}); timed from start until the pipeline's checkpoint reaches the end position. Then DBSIZE = ${fmt(s.rows)}, the stored checkpoint = the end position, and 8 hashes equal their source rows field by field.`,
    `- Every run is a fresh child process. "secs" includes connecting; "steady" starts at the first row (decode) or the first checkpoint advance (e2e). CPU columns are cores busy on average over the run (1.0 = one core); "machine" is every process on the box, "steal" is time the hypervisor took away.`,
    '',
    '| run | rows/s | secs | steady secs | peak RSS MiB | Node CPU | redis CPU | mariadbd CPU | machine CPU | steal |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...s.decode.map((r, i) => runRow(`ceiling (decode only) #${i + 1}`, r)),
    ...s.e2e.map((r, i) => runRow(`Sluice end to end #${i + 1}`, r)),
    ...s.variants.map((r) => runRow(`end to end, pipeline ${JSON.stringify(r.pipeline).replace(/\|/g, '\\|')} (1 run)`, r)),
    '',
    `Redis's own ceiling for these writes (\`redis-benchmark -c 1 -P 1000\`, HSET of one source row's 10 fields to random keys, no Node): ${s.redis.map(fmt).join(', ')} rows/s (median ${fmt(median(s.redis))}).`,
    '',
    `**Result: Sluice end to end ${fmt(s.e2eMedian)} rows/s (median; peak RSS ${median(s.e2e.map((r) => r.maxRssMiB))} MiB) against a decode-only ceiling of ${fmt(s.decodeMedian)} rows/s (peak RSS ${median(s.decode.map((r) => r.maxRssMiB))} MiB): ratio ${s.ratio.toFixed(2)}.**`,
    `The issue's target is ≥${fmt(TARGET_ROWS_PER_S)} rows/s end to end: ${s.e2eMedian >= TARGET_ROWS_PER_S ? 'met' : `**not met** (${(s.e2eMedian / TARGET_ROWS_PER_S * 100).toFixed(0)}% of it)`}.${s.decodeMedian < TARGET_ROWS_PER_S ? ' The binlog reader alone is below the target on this machine as well.' : ''}`,
    '',
  ];
  return lines.join('\n');
}

const RUNS_MARKER = '<!-- stream-redis:runs (newest first; bench/stream-redis.ts inserts results below this line) -->';

/** Inserts the run into docs/benchmarks.md under the stream-redis section (created if missing). */
async function writeDocs(entry: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(docsFile, 'utf8');
  } catch {
    text = '# Benchmarks\n\nMeasured with `npm run bench -- <name>`; every benchmark starts its own servers.\n';
  }
  if (!text.includes(RUNS_MARKER)) {
    text = `${text.trimEnd()}\n\n## stream-redis\n\n\`npm run bench -- stream-redis\`: binlog → Redis hashes through the whole pipeline, against the binlog reader's decode-only ceiling on the same binlog range.\nTarget (issue): ≥${fmt(TARGET_ROWS_PER_S)} rows/s end to end.\n\n${RUNS_MARKER}\n`;
  }
  const at = text.indexOf(RUNS_MARKER) + RUNS_MARKER.length;
  text = `${text.slice(0, at)}\n\n${entry.trimEnd()}\n${text.slice(at)}`;
  await mkdir(dirname(docsFile), { recursive: true });
  await writeFile(docsFile, text);
}

function describeRun(label: string, r: Measurement): string {
  return `${label}: ${fmt(r.rowsPerSec)} rows/s in ${r.secs} s, peak RSS ${r.maxRssMiB} MiB, CPU node ${r.cpuCores} redis ${r.redisCpu} mariadbd ${r.mariadbCpu} machine ${r.machineCpu} steal ${r.stealCpu}`;
}

export async function run(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const variantBlocks = JSON.parse(process.env.BENCH_VARIANTS ?? '[]') as Record<string, unknown>[];
  const profileDir = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;
  const writeToDocs = process.env.BENCH_DOCS === undefined ? rows === 1_000_000 : process.env.BENCH_DOCS === '1';
  if (!Number.isSafeInteger(rows) || rows < 1 || !Number.isSafeInteger(runs) || runs < 1) throw new Error('BENCH_ROWS and BENCH_RUNS must be positive integers');
  const profile = (name: string) => (profileDir ? { profile: { dir: profileDir, name } } : {});

  let servers: Servers | undefined;
  let summary: Summary | undefined;
  const onSignal = () => {
    for (const c of children) c.kill('SIGKILL');
    void Promise.all([servers?.db.stop(), servers?.redis.stop()]).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    console.log('starting MariaDB (2G buffer pool) and redis-server…');
    servers = await startServers();
    const conn = await servers.db.connect();
    try {
      const [v] = await conn.query('SELECT VERSION() AS v');
      const machine = await describeMachine({ mariadbVersion: (v as { v: string }[])[0]!.v });
      console.log(`machine: ${machineLine(machine)}`);
      const load = await loadRows(conn, rows);
      const job = jobFor(servers, load, rows);
      if (profileDir) await mkdir(profileDir, { recursive: true });
      const decodeRuns: Measurement[] = [];
      const e2eRuns: Measurement[] = [];
      const redisRuns: number[] = [];
      const e2e = async (label: string, pipeline: Record<string, unknown>, name: string): Promise<Measurement> => {
        await flushRedis(servers!.redis.url);
        const r = await measure('e2e', { ...job, pipeline }, servers!, profile(name));
        const checked = await verify(conn, servers!.redis.url, rows);
        if (!isAt(r.checkpoint, load.after.position)) throw new Error(`stored checkpoint ${r.checkpoint} is not the end position`);
        console.log(`${describeRun(label, r)}; DBSIZE ${checked.dbsize}, ${checked.checked} hashes match, checkpoint ${r.checkpoint}`);
        return r;
      };
      // Interleaved, so a noisy phase of the VM hits both measurements.
      for (let i = 1; i <= runs; i++) {
        const d = await measure('decode', job, servers, profile(`decode-${i}`));
        if (d.rows !== rows) throw new Error(`decode counted ${d.rows} rows, expected ${rows}`);
        decodeRuns.push(d);
        console.log(describeRun(`decode #${i}`, d));
        redisRuns.push(await redisCeiling(conn, servers.redis.url, rows));
        console.log(`redis  #${i}: ${fmt(redisRuns.at(-1)!)} HSET/s (redis-benchmark)`);
        e2eRuns.push(await e2e(`e2e    #${i}`, {}, `e2e-${i}`));
      }
      const variants: Summary['variants'] = [];
      for (const [i, pipeline] of variantBlocks.entries()) {
        variants.push({ ...(await e2e(`e2e ${JSON.stringify(pipeline)}`, pipeline, `variant-${i + 1}`)), pipeline });
      }
      const e2eMedian = Math.round(median(e2eRuns.map((r) => r.rowsPerSec)));
      const decodeMedian = Math.round(median(decodeRuns.map((r) => r.rowsPerSec)));
      summary = {
        machine, rows, runs, revision: await sluiceRevision(),
        load: {
          secs: +load.secs.toFixed(2), rowsPerSec: Math.round(rows / load.secs), binlogBytes: load.binlogBytes,
          start: `${load.before.position.file}:${load.before.position.pos}`, end: `${load.after.position.file}:${load.after.position.pos}`,
          gtidBefore: load.before.gtid, gtidAfter: load.after.gtid,
        },
        decode: decodeRuns, e2e: e2eRuns, variants, redis: redisRuns, e2eMedian, decodeMedian, ratio: e2eMedian / decodeMedian,
      };
      const entry = markdown(summary);
      console.log(`\n${entry}`);
      if (writeToDocs) {
        await writeDocs(entry);
        console.log(`results written to ${join('docs', 'benchmarks.md')}`);
      }
    } finally {
      await conn.end().catch(() => undefined);
    }
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([servers?.db.stop(), servers?.redis.stop()]);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (!summary) throw new Error('no result');
  console.log(`stream-redis rows_per_s=${summary.e2eMedian} decode_ceiling_rows_per_s=${summary.decodeMedian} ratio=${summary.ratio.toFixed(2)}`);
}
