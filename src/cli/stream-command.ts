import { serveMetrics } from '../api/metrics-server.ts';
import { Metrics } from '../core/metrics.ts';
import { StreamPipeline } from '../pipeline/stream-pipeline.ts';
import { openContext } from './context.ts';
import { shutdownSignals } from './shutdown-signals.ts';

/** `sluice stream -c FILE`: runs until SIGTERM/SIGINT, then finishes in-flight work and saves the checkpoint. */
export async function streamCommand(file: string): Promise<void> {
  const { config, logger, store } = await openContext(file);
  const metrics = new Metrics({ defaultMetrics: true });
  const server = config.metrics.listen ? await serveMetrics(config.metrics.listen, metrics) : undefined;
  const shutdown = shutdownSignals(logger, 'shutting down: finishing in-flight batches');
  try {
    await new StreamPipeline(config, { store, metrics, logger }).run(shutdown.signal);
  } finally {
    shutdown.release();
    server?.close();
    await store.close();
    logger.flush();
  }
}
