import type { SyncConfig } from '../config/sluice-config.ts';
import { openEngine } from '../connectors/sql/open-engine.ts';
import type { SqlEngine } from '../connectors/sql/sql-engine.ts';
import { errorCatalog, type ErrorCode } from '../core/error-catalog.ts';
import { errorMessage, SluiceError, sluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { runSyncTask } from '../sync/run-sync-task.ts';
import { resolveSyncTasks } from '../sync/task-store.ts';
import { runVerifyTask } from '../verify/run-verify-task.ts';
import type { Job } from './spec.ts';

export interface BuiltinDeps {
  readonly store: MetadataStore;
  readonly config: SyncConfig;
  readonly logger: Logger;
}

/** How a built-in task ended: the report is the fire's result. */
export interface BuiltinResult {
  readonly ok: boolean;
  /** The signal stopped it (the sync ledger keeps what was copied for the next run). */
  readonly stopped: boolean;
  /** Another attempt may succeed: not a config mistake, a differing verify, or rejected data. */
  readonly retryable: boolean;
  readonly report?: unknown;
  readonly error?: string;
}

/** Transient kinds are worth a retry; fatal and unrecoverable ones (config, rejected data) are not. */
function retryableCode(code: string | undefined): boolean {
  if (code === undefined || !Object.hasOwn(errorCatalog, code)) return true;
  const kind = errorCatalog[code as ErrorCode].kind;
  return kind === 'retryable' || kind === 'backoff';
}

async function withEngines<T>(names: readonly string[], config: SyncConfig, work: (engine: (name: string) => SqlEngine) => Promise<T>): Promise<T> {
  const opened = new Map<string, SqlEngine>();
  try {
    for (const name of new Set(names)) {
      const connection = config.connections[name];
      if (!connection) throw sluiceError('SLUICE_7227', `connection "${name}" is not in the config`);
      opened.set(name, await openEngine(connection));
    }
    return await work((name) => opened.get(name)!);
  } finally {
    await Promise.all([...opened.values()].map((e) => e.close().catch(() => undefined)));
  }
}

async function runSync(deps: BuiltinDeps, job: Job, signal: AbortSignal): Promise<BuiltinResult> {
  const tasks = await resolveSyncTasks(deps.config, deps.store, 'the config');
  const task = tasks.find((t) => t.name === job.task);
  if (!task) throw sluiceError('SLUICE_7227', `job ${job.name}: no sync task "${job.task}" (tasks: ${tasks.map((t) => t.name).join(', ') || 'none'})`);
  return withEngines([task.from.connection, task.to.connection], deps.config, async (engine) => {
    const report = await runSyncTask(task, engine(task.from.connection), engine(task.to.connection), {
      store: deps.store, logger: deps.logger.child({ job: job.name }), signal, restart: job.type === 'snapshot',
    });
    const failed = report.tables.find((t) => t.status === 'failed');
    return {
      ok: report.status === 'ok', stopped: report.status === 'stopped', retryable: retryableCode(failed?.error?.code), report,
      ...(failed?.error ? { error: failed.error.message } : {}),
    };
  });
}

async function runVerify(deps: BuiltinDeps, job: Job, signal: AbortSignal): Promise<BuiltinResult> {
  const task = deps.config.verify.find((t) => t.name === job.task);
  if (!task) throw sluiceError('SLUICE_7227', `job ${job.name}: no verify task "${job.task}" (tasks: ${deps.config.verify.map((t) => t.name).join(', ') || 'none'})`);
  return withEngines([task.source.connection, ...task.targets.map((t) => t.connection)], deps.config, async (engine) => {
    // With the store, a verify stopped by the attempt's timeout goes on from its ledger next attempt.
    const report = await runVerifyTask(task, async (name) => engine(name), { signal, store: deps.store });
    const error = report.status === 'different' ? `${job.task}: targets differ from the source` : report.error?.message;
    return { ok: report.status === 'equal', stopped: signal.aborted, retryable: report.status === 'error' && retryableCode(report.error?.code), report, ...(error ? { error } : {}) };
  });
}

/**
 * Runs the job's Sluice task in this process, through the same code as `sluice sync` and
 * `sluice verify` (sync resumes or copies incrementally as configured; snapshot starts over).
 */
export async function runBuiltinTask(deps: BuiltinDeps, job: Job, signal: AbortSignal): Promise<BuiltinResult> {
  try {
    return job.type === 'verify' ? await runVerify(deps, job, signal) : await runSync(deps, job, signal);
  } catch (err) {
    return { ok: false, stopped: signal.aborted, retryable: retryableCode(err instanceof SluiceError ? err.code : undefined), error: errorMessage(err) };
  }
}
