import { availableParallelism } from 'node:os';
import type { SluiceConfig } from '../config/sluice-config.ts';
import { errorMessage, type SluiceError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { formatPosition, parseStartPosition, type BinlogPosition } from '../core/position.ts';
import type { ChangeSource } from '../sources/change-source.ts';
import { BinlogSource, type BinlogSourceOptions, type ResumeFrom } from '../sources/mysql/binlog-source.ts';
import { ThreadedBinlogSource } from '../sources/mysql/threaded-binlog-source.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { buildTargets } from './build-targets.ts';
import { ChangeQueue } from './change-queue.ts';
import { Checkpointer } from './checkpointer.ts';
import { backoffDelay, sleep } from './retry.ts';
import { countByTable, TargetRunner } from './target-runner.ts';

export interface StreamDeps {
  readonly store: MetadataStore;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Called once the binlog stream is connected and positioned. */
  readonly onStarted?: () => void;
}

/**
 * binlog → queue → batches → every target → checkpoint. At-least-once: the checkpoint moves only
 * to the end of a batch that every target acknowledged (or dead-lettered), and always on a
 * transaction boundary. Aborting `signal` finishes the batch in flight, saves the checkpoint and returns.
 */
export class StreamPipeline {
  private readonly config: SluiceConfig;
  private readonly deps: StreamDeps;

  constructor(config: SluiceConfig, deps: StreamDeps) {
    this.config = config;
    this.deps = deps;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { config, deps } = this;
    const { logger, metrics, store } = deps;
    const p = config.pipeline;
    const targets = await buildTargets(config, logger);
    for (const t of targets) await t.sink.open(signal);
    const runners = targets.map((t) => new TargetRunner({
      pipeline: config.name, name: t.name, sink: t.sink, rules: t.rules, retry: p.retry, onFailure: p.onFailure,
      maxRows: p.batch.maxRows, store, metrics, logger,
    }));
    const checkpointer = new Checkpointer(config.name, store, metrics, logger, p.checkpointInterval);
    const queue = new ChangeQueue({ maxRows: p.batch.maxRows, maxBytes: p.batch.maxBytes, flushInterval: p.batch.flushInterval, maxQueueBytes: p.queue.maxBytes });
    const stored = await store.getCheckpoint(config.name);
    let resume: ResumeFrom = stored ? { kind: 'checkpoint', position: stored.position } : parseStartPosition(config.source.start);
    let lastQueued: BinlogPosition | undefined;
    let fatal: SluiceError | undefined;
    let source: ChangeSource | undefined;
    let restarts = 0;
    const stopLoop = new AbortController();
    const loopSignal = AbortSignal.any([signal, stopLoop.signal]);

    const onSourceError = (err: SluiceError): void => {
      // An event that cannot be decoded would fail again after a reconnect: stop with its error.
      if (err.kind === 'fatal' || err.kind === 'unrecoverable' || loopSignal.aborted) {
        fatal = err;
        stopLoop.abort(err);
        return;
      }
      logger.warn({ code: err.code, err: err.message }, 'binlog stream interrupted; reconnecting');
      if (lastQueued) resume = { kind: 'checkpoint', position: lastQueued };
      void (async () => {
        await sleep(backoffDelay({ attempts: 0, initialDelay: 500, maxDelay: 30_000 }, Math.min(restarts++, 10)), loopSignal).catch(() => undefined);
        if (!loopSignal.aborted) await startSource().catch(onSourceError);
      })();
    };
    const startSource = async (): Promise<void> => {
      const options: BinlogSourceOptions = {
        config: config.source, from: resume, logger, onError: onSourceError,
        onTransaction: (txn) => {
          lastQueued = txn.position;
          queue.push(txn);
        },
      };
      const s = useDecodeThread(config.source.decodeThread) ? new ThreadedBinlogSource(options) : new BinlogSource(options);
      source = s;
      queue.onPressure = (full) => (full ? s.pause() : s.resume());
      await s.start();
      restarts = 0;
      logger.info({ from: resume.kind === 'checkpoint' ? formatPosition(resume.position) : resume.kind }, 'binlog stream started');
    };

    try {
      await startSource();
      deps.onStarted?.();
      // Up to maxInFlight batches are being written at once; the checkpoint follows them in order.
      // Writes in flight finish even when a shutdown is requested; only a fatal error aborts them.
      let acknowledged: Promise<void> = Promise.resolve();
      const inFlight: Promise<void>[] = [];
      for (;;) {
        if (inFlight.length >= p.maxInFlight) await inFlight.shift();
        if (fatal) break;
        const batch = await queue.take(loopSignal);
        if (!batch) break;
        countByTable(batch.transactions.flatMap((t) => t.events), (table, op, n) => metrics.eventsIn.inc({ table, op }, n));
        const delivered = Promise.all(runners.map((r) => r.deliver(batch, stopLoop.signal)));
        delivered.catch(() => undefined); // observed through `acknowledged`
        acknowledged = acknowledged.then(() => delivered).then(() => checkpointer.advance(batch.position));
        inFlight.push(acknowledged.catch((err: unknown) => {
          fatal ??= err as SluiceError;
          stopLoop.abort(err);
        }));
      }
      await Promise.all(inFlight);
    } catch (err) {
      fatal ??= err as SluiceError;
    } finally {
      await source?.stop();
      await checkpointer.close().catch((err) => logger.error({ err: errorMessage(err) }, 'final checkpoint save failed'));
      await Promise.all(targets.map((t) => t.sink.close().catch(() => undefined)));
      const at = checkpointer.position;
      logger.info({ position: at ? formatPosition(at) : null }, 'stream stopped');
    }
    if (fatal) throw fatal;
  }
}

/** `auto`: a decoder thread pays off only when a core is free for it besides the main thread, Redis and the database. */
function useDecodeThread(setting: boolean | 'auto'): boolean {
  return setting === 'auto' ? availableParallelism() >= 4 : setting;
}
