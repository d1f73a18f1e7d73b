/**
 * Entry point of the decoder thread: runs a BinlogSource (zongji, table registry, value decoding,
 * event creation) off the main thread and posts transactions to it in compact batches.
 * Protocol in threaded-binlog-source.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { BinlogSource } from './binlog-source.ts';
import { errorToWire, type ToThread, type WorkerData } from './thread-protocol.ts';
import { portable, WireEncoder } from './transaction-wire.ts';

const port = parentPort!;
const { config, from, logLevel, flushRows } = workerData as WorkerData;

// Log calls go to the main thread's logger, which owns the destination and the format.
const logger = pino({
  level: logLevel,
  hooks: {
    logMethod(args, _method, level) {
      port.postMessage({ type: 'log', level, args: args.map((a) => (a instanceof Error ? { message: a.message, stack: a.stack } : a)) });
    },
  },
});

const encoder = new WireEncoder();
let scheduled = false;
const flush = (): void => {
  scheduled = false;
  if (encoder.pending === 0) return;
  const batch = encoder.take();
  try {
    port.postMessage({ type: 'txns', batch });
  } catch (err) {
    // Only JSON.rawJSON values (integers beyond 2^53 inside JSON columns) cannot be cloned.
    if ((err as Error).name !== 'DataCloneError') throw err;
    port.postMessage({ type: 'txns', batch: portable(batch) });
  }
};

const source = new BinlogSource({
  config, from, logger,
  onTransaction: (txn) => {
    encoder.add(txn);
    if (encoder.pendingRows >= flushRows) flush();
    else if (!scheduled) {
      // Everything decoded from one socket read goes out in one message.
      scheduled = true;
      setImmediate(flush);
    }
  },
  onError: (err) => {
    flush();
    port.postMessage({ type: 'error', error: errorToWire(err) });
  },
});

port.on('message', (m: ToThread) => {
  if (m.type === 'pause') source.pause(m.reason);
  else if (m.type === 'resume') source.resume(m.reason);
  else {
    void source.stop().finally(() => {
      flush();
      port.postMessage({ type: 'stopped' });
      port.close();
    });
  }
});

source.start().then(
  () => port.postMessage({ type: 'ready' }),
  (err: unknown) => {
    port.postMessage({ type: 'start-failed', error: errorToWire(err) });
    port.close();
  },
);
