import { loadConfigFile } from '../config/load-config.ts';
import { storeUrl, syncConfigSchema } from '../config/sluice-config.ts';
import { serveMetrics } from '../api/metrics-server.ts';
import { sluiceError } from '../core/errors.ts';
import { createLogger } from '../core/logger.ts';
import { Metrics } from '../core/metrics.ts';
import { createFireRunner } from '../scheduler/fire-runner.ts';
import { jobGraphIssues } from '../scheduler/job-graph.ts';
import { loadJobs } from '../scheduler/job-store.ts';
import { startNodeServer } from '../scheduler/node-server.ts';
import { SchedulerMetrics } from '../scheduler/scheduler-metrics.ts';
import { SchedulerNode, defaultNodeName } from '../scheduler/scheduler-node.ts';
import { openStore } from '../store/open-store.ts';
import { shutdownSignals } from './shutdown-signals.ts';

/**
 * `sluice schedule -c FILE`: runs a scheduler node until SIGTERM/SIGINT. Several nodes may share a
 * MySQL/PostgreSQL store; they split the partitions between them. On shutdown the node lets the
 * fires in flight finish (or hands them back), then releases its leases so another node takes over at once.
 */
export async function scheduleCommand(file: string): Promise<number> {
  const config = await loadConfigFile(syncConfigSchema, file);
  const logger = createLogger({ level: config.log.level });
  const store = await openStore(storeUrl(config));
  const settings = config.scheduler;
  const node = settings.node ?? defaultNodeName();
  const shutdown = shutdownSignals(logger, 'stopping the scheduler: finishing the fires in flight, then releasing the partitions');
  const closers: (() => Promise<unknown>)[] = [() => store.close()];
  try {
    // Config jobs and jobs created in the store form one graph: check it as a whole.
    const stored = (await loadJobs(store.db, undefined, logger)).filter((j) => j.origin === 'store' && !config.jobs.some((c) => c.name === j.name));
    const all = [...config.jobs, ...stored.map((j) => j.job)];
    // A mistake in a config job stops the start (the file is wrong); one in a job stored by someone
    // else is logged and that job alone is affected (an invalid stored schedule is already taken
    // out by loadJobs), so one bad stored job cannot keep the others from running.
    const issues = jobGraphIssues(all, { sync: config.sync.map((t) => t.name), verify: config.verify.map((t) => t.name) });
    const inConfig = (i: { path: (string | number)[] }) => typeof i.path[1] === 'number' && i.path[1] < config.jobs.length;
    for (const i of issues.filter((x) => !inConfig(x))) {
      const name = all[i.path[1] as number]?.name;
      logger.error({ job: name, problem: i.message }, 'a job stored in the metadata store is not consistent with the others; fix it there');
    }
    const fatal = issues.filter(inConfig);
    if (fatal.length > 0) throw sluiceError('SLUICE_7201', fatal.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const metrics = new Metrics({ defaultMetrics: true });
    const schedulerMetrics = new SchedulerMetrics(metrics.registry);
    const metricsServer = config.metrics.listen ? await serveMetrics(config.metrics.listen, metrics) : undefined;
    if (metricsServer) closers.unshift(async () => metricsServer.close());
    const runner = createFireRunner({ store, settings, config, logger, node });
    closers.unshift(() => runner.close());
    if (settings.listen) {
      const server = await startNodeServer({ store, settings, logger });
      closers.unshift(() => server.close());
      logger.info({ url: server.url }, 'scheduler endpoint listening');
    }
    const scheduler = new SchedulerNode({ store, settings, jobs: config.jobs, runner, logger, node, metrics: schedulerMetrics });
    await scheduler.start();
    logger.info({ node, jobs: all.length, partitions: settings.partitions }, 'scheduler running');
    if (!shutdown.signal.aborted) await new Promise((resolve) => shutdown.signal.addEventListener('abort', resolve, { once: true }));
    await scheduler.stop();
    logger.info({ node }, 'scheduler stopped; partitions released');
    return 0;
  } finally {
    shutdown.release();
    for (const close of closers) await close().catch((err: unknown) => logger.warn({ err }, 'error while shutting down'));
    logger.flush();
  }
}
