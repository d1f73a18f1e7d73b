import { Worker } from 'node:worker_threads';
import type { Transaction } from '../../core/event.ts';
import { sluiceError, type SluiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { ChangeSource } from '../change-source.ts';
import type { BinlogSourceOptions } from './binlog-source.ts';
import { errorFromWire, type FromThread, type ToThread, type WorkerData } from './thread-protocol.ts';
import { WireDecoder } from './transaction-wire.ts';

const STOP_TIMEOUT_MS = 5_000;

/**
 * A BinlogSource that runs in a worker thread (binlog-worker.ts): reading and decoding rows, the
 * larger half of the per-row work, leaves the main thread to the rules and the targets. Transactions
 * arrive in binlog order, exactly as the in-thread source emits them.
 */
export class ThreadedBinlogSource implements ChangeSource {
  private readonly options: BinlogSourceOptions;
  private readonly decoder = new WireDecoder();
  private worker: Worker | undefined;
  private stopped = false;
  private exited: Promise<void> = Promise.resolve();
  private stoppedByThread: (() => void) | undefined;

  constructor(options: BinlogSourceOptions) {
    this.options = options;
  }

  start(): Promise<void> {
    const data: WorkerData = { config: this.options.config, from: this.options.from, logLevel: this.options.logger.level, flushRows: 2_000 };
    const worker = new Worker(new URL('./binlog-worker.ts', import.meta.url), { workerData: data });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', () => resolve()));
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const failed = (err: SluiceError): void => {
        if (!started) {
          started = true;
          reject(err);
        } else this.fail(err);
      };
      worker.on('message', (m: FromThread) => {
        switch (m.type) {
          case 'txns':
            if (!this.stopped) this.deliver(this.decoder.decode(m.batch));
            return;
          case 'ready':
            started = true;
            resolve();
            return;
          case 'start-failed':
          case 'error':
            failed(errorFromWire(m.error));
            return;
          case 'log':
            log(this.options.logger, m.level, m.args);
            return;
          case 'stopped':
            this.stoppedByThread?.();
            return;
        }
      });
      worker.on('error', (err: Error) => failed(sluiceError('SLUICE_2009', `binlog decoder thread failed: ${err.name}: ${err.message}`, { cause: err })));
      worker.once('exit', (code) => {
        if (!this.stopped) failed(sluiceError('SLUICE_2009', `binlog decoder thread exited with code ${code}`));
      });
    });
  }

  pause(reason = 'backpressure'): void {
    this.send({ type: 'pause', reason });
  }

  resume(reason = 'backpressure'): void {
    this.send({ type: 'resume', reason });
  }

  /** Asks the thread to stop reading and waits for it (terminating it if it does not answer). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    const answered = new Promise<void>((resolve) => (this.stoppedByThread = resolve));
    this.send({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([answered, this.exited, new Promise((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private deliver(txns: Transaction[]): void {
    for (const txn of txns) this.options.onTransaction(txn);
  }

  private fail(err: SluiceError): void {
    if (this.stopped) return;
    void this.stop();
    this.options.onError(err);
  }

  private send(message: ToThread): void {
    if (!this.stopped || message.type === 'stop') this.worker?.postMessage(message);
  }
}

function log(logger: Logger, level: number, args: unknown[]): void {
  const label = logger.levels.labels[level] as 'warn' | undefined;
  const method = label && typeof logger[label] === 'function' ? logger[label] : logger.warn;
  (method as (...a: unknown[]) => void).apply(logger, args);
}
