/**
 * One Sluice run of `npm run bench -- sync`, in its own process so its peak RSS is its own.
 * Usage: node bench/lib/sync-child.ts <job json> <out.json>. Runs the sync task exactly as
 * `sluice sync` does (runSyncTask over the connector engines) with a fresh metadata store.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqlConnectionSchema, type SqlConnectionConfig } from '../../src/connectors/sql/connection-spec.ts';
import { openEngine } from '../../src/connectors/sql/open-engine.ts';
import { silentLogger } from '../../src/core/logger.ts';
import { openStore } from '../../src/store/open-store.ts';
import { runSyncTask } from '../../src/sync/run-sync-task.ts';
import { syncTaskSchema } from '../../src/sync/spec.ts';

export interface SyncChildJob {
  readonly from: Record<string, unknown>;
  readonly to: Record<string, unknown>;
  readonly task: Record<string, unknown>;
}

export interface SyncChildResult {
  readonly rows: number;
  readonly secs: number;
  readonly rowsPerSec: number;
  readonly maxRssMiB: number;
  readonly cpuCores: number;
  readonly chunks: number;
}

const [jobText, out] = process.argv.slice(2);
const job = JSON.parse(jobText!) as SyncChildJob;
const dir = await mkdtemp(join(tmpdir(), 'sluice-bench-sync-'));
const store = await openStore(`sqlite:${join(dir, 'meta.db')}`);
const [source, target] = await Promise.all([
  openEngine(sqlConnectionSchema.parse(job.from) as SqlConnectionConfig),
  openEngine(sqlConnectionSchema.parse(job.to) as SqlConnectionConfig),
]);
try {
  const task = syncTaskSchema.parse({ from: { connection: 'a' }, to: { connection: 'b' }, ...job.task });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const report = await runSyncTask(task, source, target, { store, logger: silentLogger, signal: new AbortController().signal });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  if (report.status !== 'ok') throw new Error(`sync failed: ${JSON.stringify(report.tables.map((t) => t.error))}`);
  const result: SyncChildResult = {
    rows: report.totals.rowsWritten, secs: +(ms / 1000).toFixed(3), rowsPerSec: Math.round(report.totals.rowsWritten / (ms / 1000)),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), cpuCores: +((cpu.user + cpu.system) / 1000 / ms).toFixed(2), chunks: report.totals.chunks,
  };
  await writeFile(out!, JSON.stringify(result));
} finally {
  await Promise.all([source.close(), target.close(), store.close()]);
  await rm(dir, { recursive: true, force: true });
}
