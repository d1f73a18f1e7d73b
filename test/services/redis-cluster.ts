import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from './process.ts';
import { startRedis, type RedisServer } from './redis.ts';

const run = promisify(execFile);

/** A private Redis Cluster of master-only nodes; `stop()` stops every node. */
export interface RedisCluster {
  readonly nodes: readonly RedisServer[];
  stop(): Promise<void>;
}

/**
 * Starts `size` (≥ 3) cluster-enabled redis-servers, joins them with `redis-cli --cluster create`
 * (slots spread evenly, no replicas) and waits until every node reports `cluster_state:ok`.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < size; i++) {
      nodes.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] }));
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    for (const node of nodes) {
      await waitFor(`cluster_state:ok on port ${node.port}`, async () => {
        const { stdout } = await run('redis-cli', ['-p', String(node.port), 'cluster', 'info']);
        if (!stdout.includes('cluster_state:ok')) throw new Error(stdout.split('\n')[0]);
      });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, stop };
}
