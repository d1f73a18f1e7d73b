import { serveMetrics } from '../api/metrics-server.ts';
import { Metrics } from '../core/metrics.ts';
import { StreamPipeline } from '../pipeline/stream-pipeline.ts';
import { openContext } from './context.ts';

/** `sluice stream -c FILE`: runs until SIGTERM/SIGINT, then finishes in-flight work and saves the checkpoint. */
export async function streamCommand(file: string): Promise<void> {
  const { config, logger, store } = await openContext(file);
  const metrics = new Metrics({ defaultMetrics: true });
  const server = config.metrics.listen ? await serveMetrics(config.metrics.listen, metrics) : undefined;
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    logger.info({ signal }, 'shutting down: finishing in-flight batches');
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  try {
    await new StreamPipeline(config, { store, metrics, logger }).run(controller.signal);
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    server?.close();
    await store.close();
    logger.flush();
  }
}
