/**
 * Preload (--import): RedisSink writes through a hand-built RESP encoder on a plain socket instead
 * of node-redis. Same commands (buildCommands) and same reply checks (checkReplies, with ErrorReply
 * for error replies); one string and one socket write per batch, replies counted off the stream.
 * Standalone mode only; the URL comes from BENCH_REDIS_URL. BENCH_RAW_MULTI=1 wraps each batch in
 * MULTI/EXEC as src does since 521c4a0 (same atomicity), otherwise it is a plain pipeline.
 */
import { connect, type Socket } from 'node:net';
import { ErrorReply } from 'redis';
import { buildCommands, type RedisCommand } from '../../src/connectors/redis/commands.ts';
import { checkReplies } from '../../src/connectors/redis/reply-errors.ts';
import { RedisSink } from '../../src/connectors/redis/sink.ts';
import type { SinkRecord } from '../../src/connectors/types.ts';

interface Pending {
  readonly replies: unknown[];
  readonly expected: number;
  resolve(replies: unknown[]): void;
  reject(err: Error): void;
}

/** Minimal RESP2 reader: simple strings, errors, integers, bulk strings, arrays. */
class RawConnection {
  readonly #socket: Socket;
  readonly #pending: Pending[] = [];
  #buf: Buffer = Buffer.alloc(0);
  readonly ready: Promise<void>;

  constructor(url: string) {
    const u = new URL(url);
    this.#socket = connect(Number(u.port || 6379), u.hostname);
    this.#socket.setNoDelay(true);
    this.ready = new Promise((resolve, reject) => {
      this.#socket.once('connect', () => resolve());
      this.#socket.once('error', reject);
    });
    this.#socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    this.#socket.on('error', (err) => this.#failAll(err));
    this.#socket.on('close', () => this.#failAll(new Error('connection closed')));
  }

  send(commands: readonly RedisCommand[], multi: boolean): Promise<unknown[]> {
    let out = multi ? '*1\r\n$5\r\nMULTI\r\n' : '';
    for (const args of commands) {
      out += `*${args.length}\r\n`;
      for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
    }
    if (multi) out += '*1\r\n$4\r\nEXEC\r\n';
    return new Promise<unknown[]>((resolve, reject) => {
      this.#pending.push({ replies: [], expected: commands.length + (multi ? 2 : 0), resolve, reject });
      this.#socket.write(out);
    }).then((replies) => {
      if (!multi) return replies;
      const exec = replies[replies.length - 1];
      if (Array.isArray(exec)) return exec;
      // EXECABORT or a discarded transaction: report the per-command errors (QUEUED replies otherwise).
      return replies.slice(1, -1).map((r) => (r instanceof ErrorReply ? r : exec));
    });
  }

  close(): void {
    this.#socket.end();
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.splice(0)) p.reject(err);
  }

  #onData(chunk: Buffer): void {
    const buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    let pos = 0;
    for (;;) {
      const parsed = this.#parse(buf, pos);
      if (parsed === undefined) break;
      pos = parsed[1];
      const head = this.#pending[0];
      if (!head) continue; // unsolicited
      head.replies.push(parsed[0]);
      if (head.replies.length === head.expected) {
        this.#pending.shift();
        head.resolve(head.replies);
      }
    }
    this.#buf = pos === buf.length ? Buffer.alloc(0) : buf.subarray(pos);
  }

  #parse(buf: Buffer, pos: number): [unknown, number] | undefined {
    if (pos >= buf.length) return undefined;
    const eol = buf.indexOf(13, pos);
    if (eol < 0 || eol + 1 >= buf.length) return undefined;
    const type = buf[pos];
    const line = buf.toString('latin1', pos + 1, eol);
    const next = eol + 2;
    switch (type) {
      case 43: return [line, next]; // +
      case 45: return [new ErrorReply(line), next]; // -
      case 58: return [Number(line), next]; // :
      case 36: { // $
        const n = Number(line);
        if (n < 0) return [null, next];
        if (next + n + 2 > buf.length) return undefined;
        return [buf.toString('utf8', next, next + n), next + n + 2];
      }
      case 42: { // *
        const n = Number(line);
        if (n < 0) return [null, next];
        const items: unknown[] = [];
        let p = next;
        for (let i = 0; i < n; i++) {
          const item = this.#parse(buf, p);
          if (item === undefined) return undefined;
          items.push(item[0]);
          p = item[1];
        }
        return [items, p];
      }
      default: throw new Error(`unexpected RESP type byte ${type}`);
    }
  }
}

const connections = new WeakMap<RedisSink, RawConnection>();
const url = process.env.BENCH_REDIS_URL;
const multi = process.env.BENCH_RAW_MULTI === '1';
if (!url) throw new Error('patch-raw-resp needs BENCH_REDIS_URL');

RedisSink.prototype.open = async function (this: RedisSink): Promise<void> {
  const c = new RawConnection(url);
  connections.set(this, c);
  await c.ready;
};
RedisSink.prototype.write = async function (this: RedisSink, records: readonly SinkRecord[]): Promise<void> {
  const origins: number[] = [];
  const commands = buildCommands(records, origins);
  if (commands.length === 0) return;
  const replies = await connections.get(this)!.send(commands, multi);
  checkReplies(commands, replies, records, origins);
};
RedisSink.prototype.close = async function (this: RedisSink): Promise<void> {
  connections.get(this)?.close();
};
