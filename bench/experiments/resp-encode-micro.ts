/**
 * Sink-side cost of one 10-field HSET, isolated from the binlog side: the same argument lists
 * Sluice builds (buildCommands output shape) sent to a private redis-server in slices of 1,000,
 * one slice in flight (as TargetRunner does) or several, through
 *   node-redis   client.multi().addCommand(...).execAsPipeline()   (what src does)
 *   raw-concat   one RESP string per slice built with +=, one socket.write
 *   raw-buffer   RESP written into a reused Buffer (latin1 fast path for ASCII args), one socket.write
 * Prints wall rows/s and Node CPU µs per row (process.cpuUsage). Usage:
 *   node bench/experiments/resp-encode-micro.ts [rows=200000] [inflight=1]
 */
import { connect, type Socket } from 'node:net';
import { createClient } from 'redis';
import { startRedis } from '../../test/services/redis.ts';

const ROWS = Number(process.argv[2] ?? 200_000);
const INFLIGHT = Number(process.argv[3] ?? 1);
const SLICE = 1000;

const pad2 = (n: number) => String(n).padStart(2, '0');
/** The HSET Sluice builds for row `id` of the benchmark table (values as toText renders them). */
function command(id: number): string[] {
  const sec = id % 86400;
  return ['HSET', `bench:${id}`,
    'id', String(id), 'a', String((id * 7) % 1000000), 'b', String(id * 1000003), 'c', `name-${id}-${((id * 2654435761) % 4294967296).toString(16)}`,
    'd', ((id % 100000) / 100).toFixed(2), 'e', String(id * 0.5),
    'f', `2024-01-01T${pad2(Math.floor(sec / 3600))}:${pad2(Math.floor(sec / 60) % 60)}:${pad2(sec % 60)}.${String(id % 1000).padStart(3, '0')}Z`,
    'g', String(id % 128), 'h', `text row ${id} lorem ipsum dolor sit amet`, 'i', 'xyz'[id % 3]!];
}

/** Reply counter for the raw variants: every HSET reply is one `:n\r\n` line (errors `-...\r\n`). */
class Raw {
  readonly socket: Socket;
  #waiters: { left: number; resolve: () => void }[] = [];
  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (d: Buffer) => {
      let lines = 0;
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
      while (lines > 0 && this.#waiters.length > 0) {
        const w = this.#waiters[0]!;
        const n = Math.min(lines, w.left);
        w.left -= n;
        lines -= n;
        if (w.left === 0) {
          this.#waiters.shift();
          w.resolve();
        }
      }
    });
  }
  ready(): Promise<void> {
    return new Promise((r) => this.socket.once('connect', () => r()));
  }
  send(payload: string | Buffer, n: number): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ left: n, resolve });
      this.socket.write(payload);
    });
  }
}

function encodeConcat(cmds: readonly string[][]): string {
  let out = '';
  for (const args of cmds) {
    out += `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a)}\r\n${a}\r\n`;
  }
  return out;
}

/** Node's undocumented-in-types fast writers (public since v0.x, missing from @types/node). */
type FastBuffer = Buffer & { latin1Write(s: string, at: number): number; utf8Write(s: string, at: number): number };
let scratch = Buffer.allocUnsafe(1 << 20) as FastBuffer;
const ascii = /^[\x00-\x7f]*$/;
function encodeBuffer(cmds: readonly string[][]): Buffer {
  let pos = 0;
  const ensure = (n: number) => {
    if (pos + n <= scratch.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(scratch.length * 2, pos + n)) as FastBuffer;
    scratch.copy(bigger, 0, 0, pos);
    scratch = bigger;
  };
  for (const args of cmds) {
    ensure(16);
    pos += scratch.latin1Write(`*${args.length}\r\n`, pos);
    for (const a of args) {
      const len = a.length <= 64 && ascii.test(a) ? a.length : Buffer.byteLength(a);
      ensure(len + 24);
      pos += scratch.latin1Write(`$${len}\r\n`, pos);
      pos += len === a.length ? scratch.latin1Write(a, pos) : scratch.utf8Write(a, pos);
      scratch[pos++] = 13;
      scratch[pos++] = 10;
    }
  }
  return Buffer.from(scratch.subarray(0, pos)); // copy: the socket may still hold the previous one
}

type Sender = (cmds: string[][]) => Promise<unknown>;

async function runVariant(name: string, send: Sender): Promise<void> {
  const slices: string[][][] = [];
  // Build the argument lists outside the timed section (Sluice's buildCommands is measured separately).
  for (let s = 0; s < ROWS; s += SLICE) {
    const cmds: string[][] = [];
    for (let id = s + 1; id <= Math.min(s + SLICE, ROWS); id++) cmds.push(command(id));
    slices.push(cmds);
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (const cmds of slices) {
    const p: Promise<unknown> = send(cmds).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= INFLIGHT) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name.padEnd(11)} ${String(Math.round(ROWS / secs)).padStart(7)} rows/s  Node CPU ${((cpu.user + cpu.system) / ROWS).toFixed(2)} µs/row (user ${(cpu.user / ROWS).toFixed(2)}, sys ${(cpu.system / ROWS).toFixed(2)})  (${secs.toFixed(2)} s, inflight ${INFLIGHT})`);
}

const server = await startRedis();
try {
  const client = createClient({ url: server.url, RESP: 2 });
  await client.connect();
  const raw = new Raw(server.port);
  await raw.ready();
  const variants: [string, Sender][] = [
    ['node-redis', (cmds) => { const m = client.multi(); for (const c of cmds) m.addCommand(c); return m.execAsPipeline(); }],
    ['raw-concat', (cmds) => raw.send(encodeConcat(cmds), cmds.length)],
    ['raw-buffer', (cmds) => raw.send(encodeBuffer(cmds), cmds.length)],
  ];
  for (let round = 1; round <= 3; round++) {
    for (const [name, send] of variants) {
      await client.flushAll();
      await runVariant(name, send);
    }
  }
  await client.quit();
  raw.socket.end();
} finally {
  await server.stop();
}
