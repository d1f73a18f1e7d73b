import { writeFile } from 'node:fs/promises';
import mysql from 'mysql2/promise';
import { loadConfigFile } from '../config/load-config.ts';
import { storeUrl, syncConfigSchema, type SyncConfig } from '../config/sluice-config.ts';
import type { SqlConnectionConfig } from '../connectors/sql/connection-spec.ts';
import { openEngine } from '../connectors/sql/open-engine.ts';
import { sluiceError } from '../core/errors.ts';
import { createLogger, type Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { openStore } from '../store/open-store.ts';
import { resolveSyncTasks } from '../sync/task-store.ts';
import { goshiftConnection, goshiftEndpoint, goshiftTask, readGoshiftConfig, type GoshiftTaskRow } from '../sync/goshift-task.ts';
import { runSyncTask } from '../sync/run-sync-task.ts';
import { shutdownSignals } from './shutdown-signals.ts';
import type { SyncTask } from '../sync/spec.ts';
import type { SyncReport } from '../sync/sync-report.ts';

export interface SyncCommandOptions {
  config?: string;
  task?: string[];
  restart?: boolean;
  report?: string;
  /** Overrides every task's maxErrors. */
  maxErrors?: string;
  goshiftConfig?: string;
  id?: string;
  taskTable: string;
  useEnv: boolean;
  dataDir: string;
}

interface Job { task: SyncTask; from: SqlConnectionConfig; to: SqlConnectionConfig }

/** The config file's tasks plus the stored ones; every connection they name must be in the file. */
/** The goshift way: one task row from its task table, connections from its JSON config. */
async function goshiftJob(o: SyncCommandOptions): Promise<Job> {
  if (!o.goshiftConfig || o.id === undefined) throw sluiceError('SLUICE_6001', '--goshift-config and --id go together');
  const config = await readGoshiftConfig(o.goshiftConfig);
  const options = { useEnv: o.useEnv, env: process.env };
  if (!config.task_meta_mysql) throw sluiceError('SLUICE_7103', `${o.goshiftConfig} has no task_meta_mysql connection`);
  const meta = goshiftConnection(config.task_meta_mysql, 'mysql', 'task_meta_mysql', options);
  const conn = await mysql.createConnection({ host: meta.host, port: meta.port ?? 3306, user: meta.user, password: meta.password, database: meta.database, supportBigNumbers: true, bigNumberStrings: true });
  try {
    const [rows] = await conn.query(`SELECT * FROM ${conn.escapeId(o.taskTable)} WHERE id = ?`, [o.id]) as unknown as [GoshiftTaskRow[]];
    const row = rows[0];
    if (!row) throw sluiceError('SLUICE_7103', `no task with id ${o.id} in ${meta.database}.${o.taskTable}`);
    return {
      task: goshiftTask(row),
      from: goshiftEndpoint(config, 'from', row.from_db_type, row.from_app, row.from_db, options),
      to: goshiftEndpoint(config, 'to', row.to_db_type, row.to_app, row.to_db, options),
    };
  } finally {
    await conn.end();
  }
}

/**
 * `sluice sync`: runs the config's sync tasks (or one goshift task row), prints the JSON report on
 * stdout and exits 0 when every table was copied, 1 otherwise. SIGTERM/SIGINT stop after the
 * chunks in flight; the next run resumes.
 */
export async function syncCommand(o: SyncCommandOptions): Promise<number> {
  let jobs: Job[];
  let logger: Logger;
  let store: MetadataStore;
  if (o.goshiftConfig || o.id !== undefined) {
    logger = createLogger({});
    jobs = [await goshiftJob(o)];
    store = await openStore(`sqlite:${o.dataDir}/sluice.db`);
  } else {
    if (!o.config) throw sluiceError('SLUICE_6001', 'give -c FILE (sync tasks in YAML), or --goshift-config FILE --id N');
    const config = await loadConfigFile(syncConfigSchema, o.config);
    logger = createLogger({ level: config.log.level });
    store = await openStore(storeUrl(config));
    const tasks = await resolveSyncTasks(config, store, o.config);
    const wanted = o.task ?? [];
    const unknown = wanted.filter((n) => !tasks.some((t) => t.name === n));
    if (unknown.length > 0 || tasks.length === 0) {
      await store.close();
      throw sluiceError('SLUICE_6001', tasks.length === 0
        ? `no sync tasks in ${o.config} or the metadata store`
        : `--task ${unknown.join(', ')}: not in ${o.config} or the metadata store (tasks: ${tasks.map((t) => t.name).join(', ')})`);
    }
    jobs = tasks.filter((t) => wanted.length === 0 || wanted.includes(t.name))
      .map((task) => ({ task, from: config.connections[task.from.connection]!, to: config.connections[task.to.connection]! }));
  }
  if (o.maxErrors !== undefined) {
    const maxErrors = Number(o.maxErrors);
    if (!Number.isSafeInteger(maxErrors) || maxErrors < 0) throw sluiceError('SLUICE_6001', `--max-errors ${o.maxErrors}: give a whole number ≥ 0`);
    jobs = jobs.map((j) => ({ ...j, task: { ...j.task, maxErrors } }));
  }
  const shutdown = shutdownSignals(logger, 'stopping: finishing the chunks in flight; the next run resumes');
  const reports: SyncReport[] = [];
  try {
    for (const job of jobs) {
      const [source, target] = await Promise.all([openEngine(job.from), openEngine(job.to)]);
      try {
        reports.push(await runSyncTask(job.task, source, target, {
          store, logger, signal: shutdown.signal, restart: o.restart ?? false, ...(process.stderr.isTTY ? { tty: process.stderr } : {}),
        }));
      } finally {
        await Promise.all([source.close(), target.close()]);
      }
    }
  } finally {
    shutdown.release();
    await store.close();
  }
  const out = reports.length === 1 ? reports[0] : reports;
  const text = `${JSON.stringify(out, null, 2)}\n`;
  process.stdout.write(text);
  if (o.report) await writeFile(o.report, text);
  logger.flush();
  return reports.every((r) => r.status === 'ok') ? 0 : 1;
}
