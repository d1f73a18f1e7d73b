import { sluiceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Sink, SinkContext, SinkRecord } from '../types.ts';
import { createClusterConnection } from './cluster-connection.ts';
import { buildCommands } from './commands.ts';
import type { RedisConnection } from './connection.ts';
import { withDeadline } from './deadline.ts';
import { checkReplies, toSluiceError } from './reply-errors.ts';
import type { RedisOptions } from './schema.ts';
import { createSentinelConnection, createStandaloneConnection } from './standalone-connection.ts';

function createConnection(options: RedisOptions, targetName: string, logger: Logger): RedisConnection {
  switch (options.mode) {
    case 'standalone':
      return createStandaloneConnection(options, targetName, logger);
    case 'sentinel':
      return createSentinelConnection(options, targetName, logger);
    case 'cluster':
      return createClusterConnection(options, targetName, logger);
  }
}

/** The error to report: an abort as is (the caller is stopping), anything else as a SluiceError. */
function failure(err: unknown, signal: AbortSignal | undefined): unknown {
  return signal?.aborted && err === signal.reason ? err : toSluiceError(err);
}

/**
 * Materializes row changes into Redis structures (see commands.ts for the command per op).
 * A batch is sent as one pipelined MULTI/EXEC (per key in cluster mode) and every reply is checked.
 * While the connection is down, writes fail at once with SLUICE_3001 and node-redis reconnects
 * in the background, so the runtime's retry succeeds once Redis is back.
 */
export class RedisSink implements Sink {
  /** One connection per master, and MULTI/EXEC blocks run in the order they were sent. */
  readonly ordered = true;
  readonly #connection: RedisConnection;
  readonly #timeoutMs: number;

  constructor(options: RedisOptions, context: SinkContext) {
    this.#timeoutMs = options.timeout;
    this.#connection = createConnection(options, context.name, context.logger);
  }

  async open(signal?: AbortSignal): Promise<void> {
    try {
      await withDeadline(this.#connection.connect(), this.#timeoutMs, 'connect', signal);
    } catch (err) {
      throw failure(err, signal);
    }
  }

  async write(records: readonly SinkRecord[], signal?: AbortSignal): Promise<void> {
    const origins: number[] = [];
    const commands = buildCommands(records, origins);
    if (commands.length === 0) return;
    if (!this.#connection.isReady) {
      // Restarts connecting if it ever gave up (e.g. a cluster without reachable nodes).
      this.#connection.connect().catch(() => undefined);
      throw sluiceError('SLUICE_3001', 'Redis is not connected; reconnecting in the background');
    }
    let replies: unknown[];
    try {
      replies = await withDeadline(this.#connection.execute(commands), this.#timeoutMs, 'write', signal);
    } catch (err) {
      throw failure(err, signal);
    }
    checkReplies(commands, replies, records, origins);
  }

  async ping(signal?: AbortSignal): Promise<void> {
    try {
      await withDeadline(this.#connection.ping(), this.#timeoutMs, 'ping', signal);
    } catch (err) {
      throw failure(err, signal);
    }
  }

  close(): Promise<void> {
    return this.#connection.close(this.#timeoutMs);
  }
}
