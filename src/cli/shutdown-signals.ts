import type { Logger } from '../core/logger.ts';

/**
 * SIGTERM/SIGINT abort the returned signal once (logging `message`); `release()` removes the
 * handlers. Long-running commands finish their work in flight and exit on their own.
 */
export function shutdownSignals(logger: Logger, message: string): { readonly signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    logger.info({ signal }, message);
    controller.abort();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
    },
  };
}
