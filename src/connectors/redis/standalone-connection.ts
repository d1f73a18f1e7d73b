import { createClient, createSentinel, MultiErrorReply } from 'redis';
import type { Logger } from '../../core/logger.ts';
import type { RedisCommand } from './commands.ts';
import { commonClientOptions, ConnectionLifecycle, type NodeRedisHandle, type RedisConnection } from './connection.ts';
import type { RedisOptions } from './schema.ts';

/** A pipeline being assembled; `add` appends one command. */
interface PipelineBuilder {
  add(args: RedisCommand): void;
  run(): Promise<unknown[]>;
}

/**
 * One master reached directly (standalone) or through Sentinel. A batch goes out as one pipeline
 * on one connection, so Redis executes it in order.
 */
class SingleMasterConnection implements RedisConnection {
  readonly #handle: NodeRedisHandle;
  readonly #lifecycle: ConnectionLifecycle;
  readonly #newPipeline: () => PipelineBuilder;
  readonly #ping: () => Promise<unknown>;

  constructor(handle: NodeRedisHandle, logger: Logger, newPipeline: () => PipelineBuilder, ping: () => Promise<unknown>) {
    this.#handle = handle;
    this.#lifecycle = new ConnectionLifecycle(handle, logger);
    this.#newPipeline = newPipeline;
    this.#ping = ping;
  }

  get isReady(): boolean {
    return this.#handle.isReady;
  }

  connect(): Promise<void> {
    return this.#lifecycle.connect();
  }

  async pipeline(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const pipeline = this.#newPipeline();
    for (const args of commands) pipeline.add(args);
    try {
      return await pipeline.run();
    } catch (err) {
      // node-redis throws when any reply is an error; the caller inspects every reply itself.
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
  const newPipeline = (): PipelineBuilder => {
    const multi = client.multi();
    return { add: (args) => multi.addCommand(args), run: () => multi.execAsPipeline() };
  };
  return new SingleMasterConnection(client, logger, newPipeline, () => client.sendCommand(['PING']));
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
  const newPipeline = (): PipelineBuilder => {
    const multi = sentinel.multi();
    return { add: (args) => multi.addCommand(false, args), run: () => multi.execAsPipeline() };
  };
  return new SingleMasterConnection(sentinel, logger, newPipeline, () => sentinel.sendCommand(false, ['PING']));
}
