import { createClient, createSentinel, MultiErrorReply } from 'redis';
import type { Logger } from '../../core/logger.ts';
import type { RedisCommand } from './commands.ts';
import { commonClientOptions, ConnectionLifecycle, type NodeRedisHandle, type RedisConnection } from './connection.ts';
import type { RedisOptions } from './schema.ts';

/** A MULTI/EXEC transaction being assembled; `add` appends one command. */
interface TransactionBuilder {
  add(args: RedisCommand): void;
  exec(): Promise<unknown[]>;
}

/**
 * One master reached directly (standalone) or through Sentinel. A batch goes out pipelined as one
 * MULTI/EXEC transaction: Redis runs it in order and at once, so readers never see half a batch
 * and a connection lost before EXEC applies nothing.
 */
class SingleMasterConnection implements RedisConnection {
  readonly #handle: NodeRedisHandle;
  readonly #lifecycle: ConnectionLifecycle;
  readonly #newTransaction: () => TransactionBuilder;
  readonly #ping: () => Promise<unknown>;

  constructor(handle: NodeRedisHandle, logger: Logger, newTransaction: () => TransactionBuilder, ping: () => Promise<unknown>) {
    this.#handle = handle;
    this.#lifecycle = new ConnectionLifecycle(handle, logger);
    this.#newTransaction = newTransaction;
    this.#ping = ping;
  }

  get isReady(): boolean {
    return this.#handle.isReady;
  }

  connect(): Promise<void> {
    return this.#lifecycle.connect();
  }

  async execute(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const transaction = this.#newTransaction();
    for (const args of commands) transaction.add(args);
    try {
      return await transaction.exec();
    } catch (err) {
      // node-redis throws when any EXEC reply is an error; the caller inspects every reply itself.
      if (err instanceof MultiErrorReply) return err.replies;
      throw err;
    }
  }

  async ping(): Promise<void> {
    await this.#ping();
  }

  close(timeoutMs: number): Promise<void> {
    return this.#lifecycle.close(timeoutMs);
  }
}

export function createStandaloneConnection(options: RedisOptions, targetName: string, logger: Logger): RedisConnection {
  const client = createClient({
    ...commonClientOptions(options, targetName),
    url: options.url,
    ...(options.db === undefined ? {} : { database: options.db }),
  });
  const newTransaction = (): TransactionBuilder => {
    const multi = client.multi();
    return { add: (args) => multi.addCommand(args), exec: () => multi.exec() };
  };
  return new SingleMasterConnection(client, logger, newTransaction, () => client.sendCommand(['PING']));
}

export function createSentinelConnection(options: RedisOptions, targetName: string, logger: Logger): RedisConnection {
  const settings = options.sentinel;
  if (settings === undefined) throw new Error('sentinel settings are required in sentinel mode');
  const sentinel = createSentinel({
    name: settings.name,
    sentinelRootNodes: settings.sentinels.map((address) => {
      const colon = address.lastIndexOf(':');
      return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
    }),
    RESP: 2,
    nodeClientOptions: {
      ...commonClientOptions(options, targetName),
      ...(options.db === undefined ? {} : { database: options.db }),
    },
    sentinelClientOptions: settings.password === undefined ? {} : { password: settings.password },
  });
  const newTransaction = (): TransactionBuilder => {
    const multi = sentinel.multi();
    return { add: (args) => multi.addCommand(false, args), exec: () => multi.exec() };
  };
  return new SingleMasterConnection(sentinel, logger, newTransaction, () => sentinel.sendCommand(false, ['PING']));
}
