import { loadConfigFile } from '../config/load-config.ts';
import { storeUrl, syncConfigSchema } from '../config/sluice-config.ts';
import { openEngine } from '../connectors/sql/open-engine.ts';
import type { SqlEngine } from '../connectors/sql/sql-engine.ts';
import { sluiceError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import { openStore } from '../store/open-store.ts';
import { Watcher } from '../verify/watcher.ts';
import { VerifyMetrics } from '../verify/verify-metrics.ts';
import { Metrics } from '../core/metrics.ts';
import { serveMetrics } from '../api/metrics-server.ts';
import type { SqlConnectionConfig } from '../connectors/sql/connection-spec.ts';
import { readCupidConfig } from '../verify/cupid-config.ts';
import type { VerifyTask } from '../verify/spec.ts';
import type { VerifyReport } from '../verify/verify-report.ts';
import { runVerifyTask } from '../verify/run-verify-task.ts';
import { writeFile } from 'node:fs/promises';
import type { SqlRow } from '../connectors/sql/sql-engine.ts';
import { shutdownSignals } from './shutdown-signals.ts';

export interface VerifyCommandOptions {
  config?: string;
  /** cupid-go compatibility: its JSON config as it is. */
  cupidConfig?: string;
  /** cupid-go's -s/--start-id: compare keys from this one on. */
  startId?: string;
  task?: string[];
  report?: string;
  /** Make the targets equal (upsert missing/different rows, delete extra ones), then verify again. */
  repair?: boolean;
  /** Rows per second the repair writes at most. */
  repairRate?: string;
  /** Run the continuous checks of the tasks with `watch:` until SIGTERM. */
  watch?: boolean;
  /** Write repair scripts (one per task and target) into this directory. */
  fixSql?: string;
  /** Start over instead of resuming an interrupted comparison. */
  restart?: boolean;
}

/**
 * `sluice verify -c FILE`: runs the config's verify tasks, prints the JSON report on stdout and a
 * summary on stderr. Exit code 0 when every target equals its source, 1 when any differs, 2 on error.
 */
export async function verifyCommand(o: VerifyCommandOptions): Promise<number> {
  let tasks: VerifyTask[];
  let connections: Record<string, SqlConnectionConfig>;
  let logger: Logger;
  let storeAt: string | undefined;
  if (o.cupidConfig) {
    const cupid = await readCupidConfig(o.cupidConfig);
    tasks = [cupid.task];
    connections = cupid.connections;
    logger = createLogger({});
  } else {
    if (!o.config) throw sluiceError('SLUICE_6001', 'give -c FILE (verify tasks in YAML) or --cupid-config FILE');
    const config = await loadConfigFile(syncConfigSchema, o.config);
    logger = createLogger({ level: config.log.level });
    const wanted = o.task ?? [];
    tasks = config.verify.filter((t) => wanted.length === 0 || wanted.includes(t.name));
    const unknown = wanted.filter((n) => !config.verify.some((t) => t.name === n));
    if (tasks.length === 0 || unknown.length > 0) {
      throw sluiceError('SLUICE_6001', unknown.length > 0 ? `--task ${unknown.join(', ')}: not a verify task in ${o.config}` : `no verify tasks in ${o.config}`);
    }
    connections = config.connections;
    storeAt = storeUrl(config);
  }
  const startAfter = startKey(o.startId);
  if (o.watch) {
    if (!o.config) throw sluiceError('SLUICE_6001', '--watch needs -c FILE (the watch settings and the metadata store)');
    return watchCommand(o.config, tasks, connections, logger);
  }
  const shutdown = shutdownSignals(logger, 'stopping the comparison');
  const engines = new Map<string, Promise<SqlEngine>>();
  const engine = (name: string) => {
    let e = engines.get(name);
    if (!e) engines.set(name, (e = openEngine(connections[name]!)));
    return e;
  };
  const reports: VerifyReport[] = [];
  // The chunk ledger, so an interrupted comparison resumes (repairs need every key in memory: they start over).
  const store = storeAt && !o.repair && !o.fixSql ? await openStore(storeAt) : undefined;
  try {
    for (const task of tasks) {
      reports.push(await runVerifyTask(task, engine, {
        signal: shutdown.signal, say: (line) => process.stderr.write(`${line}\n`),
        ...(startAfter ? { startAfter } : {}), ...(store ? { store } : {}), restart: o.restart ?? false,
        repair: o.repair ?? false, fixSql: o.fixSql, ...(o.repairRate ? { repairRate: Number(o.repairRate) } : {}),
      }));
    }
  } finally {
    shutdown.release();
    await store?.close();
    await Promise.all([...engines.values()].map(async (e) => (await e.catch(() => undefined))?.close()));
  }
  const text = `${JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2)}\n`;
  process.stdout.write(text);
  if (o.report) await writeFile(o.report, text);
  logger.flush();
  if (reports.some((r) => r.status === 'error')) return 2;
  return reports.some((r) => r.status === 'different') ? 1 : 0;
}

/** `-s N`: keys from N on, i.e. after N - 1 (integer keys, as cupid's Id). */
function startKey(startId: string | undefined): SqlRow | undefined {
  if (startId === undefined) return undefined;
  if (!/^-?\d+$/.test(startId)) throw sluiceError('SLUICE_6001', `--start-id ${startId}: give an integer key`);
  return [(BigInt(startId) - 1n).toString()];
}

/** `--watch`: every task with `watch:` settings runs its watcher until SIGTERM/SIGINT. */
async function watchCommand(file: string, tasks: VerifyTask[], connections: Record<string, SqlConnectionConfig>, logger: Logger): Promise<number> {
  const watched = tasks.filter((t) => t.watch);
  if (watched.length === 0) throw sluiceError('SLUICE_6001', `no verify task in ${file} has watch settings`);
  const config = await loadConfigFile(syncConfigSchema, file);
  const store = await openStore(storeUrl(config));
  const metrics = new Metrics({ defaultMetrics: true });
  const verifyMetrics = new VerifyMetrics(metrics.registry);
  const server = config.metrics.listen ? await serveMetrics(config.metrics.listen, metrics) : undefined;
  const shutdown = shutdownSignals(logger, 'stopping the watchers');
  const engines: SqlEngine[] = [];
  const open = async (name: string) => {
    const e = await openEngine(connections[name]!);
    engines.push(e);
    return e;
  };
  try {
    await Promise.all(watched.map(async (task) => {
      const source = await open(task.source.connection);
      const targets = await Promise.all(task.targets.map(async (t) => ({ engine: await open(t.connection), ref: { ...(t.schema ? { schema: t.schema } : {}), name: t.table }, columns: t.columns })));
      const sourceRef = { ...(task.source.schema ? { schema: task.source.schema } : {}), name: task.source.table };
      logger.info({ task: task.name }, 'watching');
      await new Watcher(task, source, sourceRef, targets, store, logger, verifyMetrics).run(shutdown.signal);
    }));
  } finally {
    shutdown.release();
    server?.close();
    await Promise.all(engines.map((e) => e.close().catch(() => undefined)));
    await store.close();
    logger.flush();
  }
  return 0;
}
