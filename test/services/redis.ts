import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startProcess, waitFor } from './process.ts';

/** A private redis-server started by a test; `stop()` ends it by PID and removes its directory. */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra command-line settings, e.g. `['--cluster-enabled', 'yes']` or `['--sentinel']`. */
  readonly args?: readonly string[];
  /** Config file text, written to the server's directory and passed first (Sentinel needs one). */
  readonly config?: string;
}

/** Resolves when the server on `port` answers PING (with PONG, or NOAUTH when it has a password). */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy(new Error('no reply to PING')));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      socket.end();
      if (reply.startsWith('+PONG') || reply.startsWith('-NOAUTH')) resolve();
      else reject(new Error(`PING answered ${JSON.stringify(reply)}`));
    });
    socket.on('error', reject);
  });
}

/**
 * Starts redis-server on a free 127.0.0.1 port with a temp directory and no persistence, and waits
 * until it answers PING. Callers stop it in `after()`; the harness also kills it if the run exits.
 */
export async function startRedis(options: RedisServerOptions = {}): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-redis-'));
  const port = await freePort();
  const configArgs: string[] = [];
  if (options.config !== undefined) {
    const file = join(dir, 'redis.conf');
    await writeFile(file, options.config);
    configArgs.push(file);
  }
  const proc = startProcess('redis-server', [
    ...configArgs, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', '--appendonly', 'no', '--daemonize', 'no', ...(options.args ?? []),
  ]);
  const stop = async (): Promise<void> => {
    await proc.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`redis-server on port ${port}`, () => ping(port), 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: proc.pid, stop };
}
