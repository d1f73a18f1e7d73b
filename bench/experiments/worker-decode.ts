/**
 * Would a worker thread for binlog decoding pay off? @vlasky/zongji runs in a worker (Sluice's
 * connection options and event filter), rows are handed to the main thread in batches, and the
 * main thread only receives them. Measures rows/s and, above all, the main thread's busy time per
 * row (event-loop utilization): the cost the consumer side would still pay per row for the hand-off,
 * against ~4-5 µs/row for decoding on the main thread.
 *   structured  postMessage(rows)                 (structured clone)
 *   json        postMessage(JSON.stringify(rows)) then JSON.parse on the main thread
 * Usage: BENCH_ROWS=1000000 node bench/experiments/worker-decode.ts
 */
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import ZongJi from '@vlasky/zongji';
import { comparePositions, type BinlogPosition } from '../../src/core/position.ts';
import { connectionOptions } from '../../src/sources/mysql/connection.ts';
import type { MysqlSourceConfig } from '../../src/sources/mysql/spec.ts';
import { children, jobFor, loadRows, median, startServers, type Servers } from '../lib/stream-redis-setup.ts';
import type { ChildJob } from '../lib/stream-redis-child.ts';

const events = ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'mariadbgtid', 'gtid', 'rotate'];
type Mode = 'structured' | 'json';

if (!isMainThread) {
  const { job, mode, batchRows } = workerData as { job: ChildJob; mode: Mode; batchRows: number };
  const zj = new ZongJi(connectionOptions({ host: job.host, port: job.port, user: job.user, password: job.password } as MysqlSourceConfig) as ConstructorParameters<typeof ZongJi>[0]);
  const state = zj as unknown as { options: { filename: string; position: number } };
  let pending: unknown[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    parentPort!.postMessage(mode === 'json' ? JSON.stringify(pending) : pending);
    pending = [];
  };
  zj.on('binlog', (e: { getTypeName(): string; rows?: unknown[] }) => {
    if (e.getTypeName() === 'WriteRows') {
      for (const r of e.rows!) pending.push(r);
      if (pending.length >= batchRows) flush();
    }
    if (comparePositions({ file: state.options.filename, pos: state.options.position }, job.end as BinlogPosition) >= 0) {
      flush();
      parentPort!.postMessage('end');
      zj.stop();
    }
  });
  zj.start({ serverId: 9000 + Math.floor(Math.random() * 1000), filename: job.start.file, position: job.start.pos, includeEvents: events } as Parameters<ZongJi['start']>[0]);
} else {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const runOnce = (job: ChildJob, mode: Mode, batchRows: number) => new Promise<{ rowsPerSec: number; mainUsPerRow: number }>((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { job, mode, batchRows } });
    let count = 0;
    let idSum = 0;
    const elu0 = performance.eventLoopUtilization();
    const t0 = performance.now();
    worker.on('message', (m: unknown) => {
      if (m === 'end') {
        const secs = (performance.now() - t0) / 1000;
        const elu = performance.eventLoopUtilization(elu0);
        void worker.terminate();
        if (count !== rows) reject(new Error(`received ${count} rows`));
        resolve({ rowsPerSec: Math.round(count / secs), mainUsPerRow: +(elu.active * 1000 / count).toFixed(2) });
        return;
      }
      const batch = (mode === 'json' ? JSON.parse(m as string) : m) as { id: number | string }[];
      count += batch.length;
      for (const r of batch) idSum += Number(r.id) & 1; // touch every row, as a consumer would
    });
    worker.on('error', reject);
  });
  let servers: Servers | undefined;
  try {
    servers = await startServers();
    const conn = await servers.db.connect();
    const load = await loadRows(conn, rows);
    await conn.end();
    const job = jobFor(servers, load, rows);
    const results = new Map<string, { rowsPerSec: number; mainUsPerRow: number }[]>();
    for (let round = 1; round <= 3; round++) {
      for (const [mode, batchRows] of [['structured', 1000], ['json', 1000], ['structured', 100]] as const) {
        const r = await runOnce(job, mode, batchRows);
        const key = `${mode} batch ${batchRows}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        console.log(`round ${round} ${key}: ${r.rowsPerSec} rows/s, main thread busy ${r.mainUsPerRow} µs/row`);
      }
    }
    console.log('\n| hand-off | rows/s (median of 3) | main-thread busy µs/row (median) |\n|---|---|---|');
    for (const [k, rs] of results) console.log(`| ${k} | ${Math.round(median(rs.map((r) => r.rowsPerSec))).toLocaleString('en-US')} | ${median(rs.map((r) => r.mainUsPerRow)).toFixed(2)} |`);
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all([servers?.db.stop(), servers?.redis.stop()]);
  }
}
