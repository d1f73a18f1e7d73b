/**
 * Estimates the gain of the proposed optimizations on the stream-redis workload, each against a
 * baseline in the same run (interleaved rounds, medians), without changing src/.
 * Usage: BENCH_ROWS=1000000 BENCH_ROUNDS=2 node bench/experiments/stream-redis-experiments.ts [variant...]
 * Variants: see `variants` below; default all. BENCH_PROFILE=DIR profiles every run.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  children, flushRedis, isAt, jobFor, loadRows, measure, median, startServers, verify, type Measurement, type Servers,
} from '../lib/stream-redis-setup.ts';

const here = dirname(fileURLToPath(import.meta.url));
const p = (f: string) => join(here, f);

interface Variant {
  readonly name: string;
  readonly mode: 'decode' | 'e2e';
  readonly pipeline?: Record<string, unknown>;
  readonly preload?: string[];
  readonly env?: Record<string, string>;
}

// Landed in src since: concurrent slices, lean event counting, queue release, zongji patches.
const variants: Variant[] = [
  { name: 'decode', mode: 'decode' },
  { name: 'baseline', mode: 'e2e' },
  { name: 'queue-8MiB', mode: 'e2e', pipeline: { queue: { maxBytes: '8MiB' } } },
  { name: 'maxRows-5000', mode: 'e2e', pipeline: { batch: { maxRows: 5000 } } },
  { name: 'raw-resp', mode: 'e2e', preload: [p('patch-raw-resp.ts')] },
  { name: 'raw-resp-multi', mode: 'e2e', preload: [p('patch-raw-resp.ts')], env: { BENCH_RAW_MULTI: '1' } },
];
// Diagnostics (run only when named): where the wall time goes, see patch-diagnostics.ts.
const diag = p('patch-diagnostics.ts');
for (const v of [...variants]) if (v.mode === 'e2e') variants.push({ ...v, name: `diag-${v.name}`, preload: [...(v.preload ?? []), diag] });

const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const wanted = process.argv.slice(2);
const selected = wanted.length ? variants.filter((v) => wanted.includes(v.name)) : variants.filter((v) => !v.name.startsWith('diag-'));
const profileDir = process.env.BENCH_PROFILE ? resolve(process.env.BENCH_PROFILE) : undefined;

let servers: Servers | undefined;
const results = new Map<string, Measurement[]>();
try {
  servers = await startServers();
  const conn = await servers.db.connect();
  try {
    const load = await loadRows(conn, rows);
    const job = jobFor(servers, load, rows);
    if (profileDir) await mkdir(profileDir, { recursive: true });
    for (let round = 1; round <= rounds; round++) {
      for (const v of selected) {
        if (v.mode === 'e2e') await flushRedis(servers.redis.url);
        const r = await measure(v.mode, { ...job, pipeline: v.pipeline ?? {} }, servers, {
          preload: v.preload ?? [],
          env: { BENCH_REDIS_URL: servers.redis.url, ...v.env },
          ...(profileDir ? { profile: { dir: profileDir, name: `${v.name}-${round}` } } : {}),
        });
        if (v.mode === 'e2e') {
          await verify(conn, servers.redis.url, rows);
          if (!isAt(r.checkpoint, load.after.position)) throw new Error(`${v.name}: checkpoint ${r.checkpoint} is not the end position`);
        } else if (r.rows !== rows) throw new Error(`${v.name}: decoded ${r.rows} rows`);
        results.set(v.name, [...(results.get(v.name) ?? []), r]);
        console.log(`round ${round} ${v.name.padEnd(22)} ${String(r.rowsPerSec).padStart(7)} rows/s  ${r.secs}s (steady ${Math.round(r.rows / r.steadySecs)} rows/s, startup ${(r.extra as { startupSecs?: number } | undefined)?.startupSecs ?? '-'}s)  rss ${r.maxRssMiB} MiB  node ${r.cpuCores} redis ${r.redisCpu} machine ${r.machineCpu} steal ${r.stealCpu}`);
      }
    }
  } finally {
    await conn.end().catch(() => undefined);
  }
} finally {
  for (const c of children) c.kill('SIGKILL');
  await Promise.all([servers?.db.stop(), servers?.redis.stop()]);
}

const base = median((results.get('baseline') ?? []).map((r) => r.rowsPerSec));
const baseDecode = median((results.get('decode') ?? []).map((r) => r.rowsPerSec));
console.log(`\n| variant | rows/s (median of ${rounds}) | runs | vs baseline | steady rows/s | peak RSS MiB | Node CPU | redis CPU | machine CPU |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const v of selected) {
  const rs = results.get(v.name) ?? [];
  const m = median(rs.map((r) => r.rowsPerSec));
  const ref = v.mode === 'decode' ? baseDecode : base;
  console.log(`| ${v.name} | ${Math.round(m).toLocaleString('en-US')} | ${rs.map((r) => r.rowsPerSec).join(' / ')} | ${ref ? `${m >= ref ? '+' : ''}${((m / ref - 1) * 100).toFixed(0)}%` : '-'} | ${Math.round(median(rs.map((r) => r.rows / r.steadySecs))).toLocaleString('en-US')} | ${median(rs.map((r) => r.maxRssMiB)).toFixed(0)} | ${median(rs.map((r) => r.cpuCores)).toFixed(2)} | ${median(rs.map((r) => r.redisCpu)).toFixed(2)} | ${median(rs.map((r) => r.machineCpu)).toFixed(2)} |`);
}
