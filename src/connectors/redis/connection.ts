import { once, type EventEmitter } from 'node:events';
import type { Logger } from '../../core/logger.ts';
import type { RedisCommand } from './commands.ts';
import type { RedisOptions } from './schema.ts';

/** What the sink needs from a Redis deployment, whatever its topology. */
export interface RedisConnection {
  /** True when commands can be sent now; while reconnecting it is false and writes fail fast. */
  readonly isReady: boolean;
  /**
   * Connects, or waits for the running (re)connection. Rejects on the first connection error;
   * the client keeps reconnecting in the background, so a later call may succeed.
   */
  connect(): Promise<void>;
  /**
   * Sends the commands, keeping their order per key; resolves with one reply per command, in
   * command order, where a command the server refused has an ErrorReply. Rejects on connection loss.
   */
  execute(commands: readonly RedisCommand[]): Promise<unknown[]>;
  ping(): Promise<void>;
  /** Closes gracefully, waiting at most `timeoutMs` for pending replies, else drops the connection. */
  close(timeoutMs: number): Promise<void>;
}

/** The surface shared by node-redis clients, sentinels and clusters. */
export interface NodeRedisHandle extends EventEmitter {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void | Promise<void>;
}

/**
 * Connection lifecycle common to all topologies: error logging (once per outage), connect that
 * fails on the first error while node-redis keeps reconnecting, and bounded close.
 */
export class ConnectionLifecycle {
  readonly #handle: NodeRedisHandle;
  #connecting: Promise<unknown> | undefined;
  #outage = false;

  constructor(handle: NodeRedisHandle, logger: Logger) {
    this.#handle = handle;
    handle.on('error', (err: Error) => {
      if (!this.#outage) logger.warn({ err }, 'redis connection error; reconnecting');
      this.#outage = true;
    });
    handle.on('ready', () => {
      if (this.#outage) logger.info('redis connection restored');
      this.#outage = false;
    });
  }

  async connect(): Promise<void> {
    const handle = this.#handle;
    if (handle.isReady) return;
    if (!handle.isOpen) {
      const connecting = handle.connect().finally(() => {
        if (this.#connecting === connecting) this.#connecting = undefined;
      });
      connecting.catch(() => undefined);
      this.#connecting = connecting;
    }
    const stop = new AbortController();
    try {
      // `once` rejects when 'error' fires first: report the outage instead of waiting for it to end.
      const ready = once(handle, 'ready', { signal: stop.signal });
      await (this.#connecting === undefined ? ready : Promise.race([this.#connecting, ready]));
    } finally {
      stop.abort();
    }
  }

  async close(timeoutMs: number): Promise<void> {
    const handle = this.#handle;
    if (!handle.isOpen) return;
    if (handle.isReady) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<'expired'>((resolve) => { timer = setTimeout(resolve, timeoutMs, 'expired'); });
      const closing = handle.close();
      closing.catch(() => undefined);
      try {
        if ((await Promise.race([closing, expired])) !== 'expired') return;
      } catch {
        // fall through to destroy
      } finally {
        clearTimeout(timer);
      }
    }
    await handle.destroy();
  }
}

/** A CLIENT SETNAME-safe connection name, so operators can spot the sink in CLIENT LIST. */
function clientName(targetName: string): string {
  return `sluice:${targetName.replace(/[^\w.:-]/g, '_')}`;
}

/** Settings every node-redis connection of the sink shares: RESP2, fail fast while offline. */
export function commonClientOptions(options: RedisOptions, targetName: string) {
  return {
    RESP: 2 as const,
    disableOfflineQueue: true,
    name: clientName(targetName),
    ...(options.username === undefined ? {} : { username: options.username }),
    ...(options.password === undefined ? {} : { password: options.password }),
  };
}
