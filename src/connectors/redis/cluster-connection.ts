import { ClientOfflineError, createCluster, ErrorReply, MultiErrorReply } from 'redis';
import type { Logger } from '../../core/logger.ts';
import type { RedisCommand } from './commands.ts';
import { commonClientOptions, ConnectionLifecycle, type RedisConnection } from './connection.ts';
import type { RedisOptions } from './schema.ts';

/** A cluster client; discovered nodes get the credentials, and TLS when the root nodes use rediss://. */
function newCluster(options: RedisOptions, targetName: string) {
  const nodes = options.cluster?.nodes;
  if (nodes === undefined) throw new Error('cluster settings are required in cluster mode');
  const tls = nodes.some((url) => url.startsWith('rediss:'));
  return createCluster({
    rootNodes: nodes.map((url) => ({ url })),
    defaults: { ...commonClientOptions(options, targetName), ...(tls ? { socket: { tls: true as const } } : {}) },
    RESP: 2,
  });
}

type Cluster = ReturnType<typeof newCluster>;

/** Command indexes by key (every command the sink builds has its key second), in command order. */
function groupByKey(commands: readonly RedisCommand[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < commands.length; i++) {
    const key = commands[i]![1]!;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [i]);
    else group.push(i);
  }
  return groups;
}

/**
 * Redis Cluster: commands are grouped by key and the groups sent concurrently, so node-redis
 * routes each to its slot's master (following MOVED/ASK) and pipelines per node. A key with one
 * command sends it alone; a key with several sends them as one MULTI/EXEC, which keeps their order.
 * Every group settles before the batch does, so a retry never overtakes an earlier attempt.
 */
class ClusterConnection implements RedisConnection {
  readonly #cluster: Cluster;
  readonly #lifecycle: ConnectionLifecycle;

  constructor(cluster: Cluster, logger: Logger) {
    this.#cluster = cluster;
    this.#lifecycle = new ConnectionLifecycle(cluster, logger);
  }

  get isReady(): boolean {
    return this.#cluster.isReady;
  }

  connect(): Promise<void> {
    return this.#lifecycle.connect();
  }

  async execute(commands: readonly RedisCommand[]): Promise<unknown[]> {
    const replies: unknown[] = new Array(commands.length);
    const sends: Promise<void>[] = [];
    for (const [key, indexes] of groupByKey(commands)) {
      sends.push(indexes.length === 1 ? this.#sendOne(key, commands, indexes[0]!, replies) : this.#sendGroup(key, commands, indexes, replies));
    }
    const failure = (await Promise.allSettled(sends)).find((s) => s.status === 'rejected');
    if (failure !== undefined) throw failure.reason;
    return replies;
  }

  async #sendOne(key: string, commands: readonly RedisCommand[], index: number, replies: unknown[]): Promise<void> {
    try {
      replies[index] = await this.#cluster.sendCommand(key, false, commands[index]!);
    } catch (err) {
      if (!(err instanceof ErrorReply)) throw err;
      replies[index] = err;
    }
  }

  async #sendGroup(key: string, commands: readonly RedisCommand[], indexes: number[], replies: unknown[]): Promise<void> {
    // A transaction would wait for a reconnect (no offline check on that path); fail fast instead.
    if (!(await this.#cluster.getNodeClientForKey(key)).isReady) throw new ClientOfflineError();
    const multi = this.#cluster.multi(key);
    for (const i of indexes) multi.addCommand(key, false, commands[i]!);
    let groupReplies: unknown[];
    try {
      groupReplies = await multi.exec();
    } catch (err) {
      if (!(err instanceof MultiErrorReply)) throw err;
      groupReplies = err.replies;
    }
    for (let j = 0; j < indexes.length; j++) replies[indexes[j]!] = groupReplies[j];
  }

  async ping(): Promise<void> {
    await this.#cluster.sendCommand(undefined, false, ['PING']);
  }

  close(timeoutMs: number): Promise<void> {
    return this.#lifecycle.close(timeoutMs);
  }
}

export function createClusterConnection(options: RedisOptions, targetName: string, logger: Logger): RedisConnection {
  return new ClusterConnection(newCluster(options, targetName), logger);
}
