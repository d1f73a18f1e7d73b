/**
 * One measurement of `npm run bench -- stream-redis`, in its own process so its peak RSS and CPU
 * profile are its own. Usage: node bench/lib/stream-redis-child.ts <decode|e2e> <json ChildJob> <out.json>
 *
 *   decode  @vlasky/zongji alone, started at the start position with Sluice's connection options
 *           and event filter, counting the rows of WriteRows events until the end position.
 *   e2e     the real StreamPipeline (test harness, in-process) from FILE:POS to Redis hashes;
 *           timed until the pipeline's checkpoint reaches the end position.
 */
import { rm, writeFile } from 'node:fs/promises';
import ZongJi from '@vlasky/zongji';
import { comparePositions, formatPosition, type BinlogPosition } from '../../src/core/position.ts';
import { Checkpointer } from '../../src/pipeline/checkpointer.ts';
import { connectionOptions } from '../../src/sources/mysql/connection.ts';
import type { MysqlSourceConfig } from '../../src/sources/mysql/spec.ts';
import { openStore } from '../../src/store/open-store.ts';
import { storeUrl } from '../../src/config/sluice-config.ts';
import { startPipeline } from '../../test/e2e/pipeline-harness.ts';

export interface ChildJob {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly start: BinlogPosition;
  readonly end: BinlogPosition;
  /** Rows expected between start and end. */
  readonly rows: number;
  /** e2e only. */
  readonly redisUrl?: string;
  readonly include?: string[];
  /** e2e only: `pipeline:` block of the config (`{}` = defaults); a `source` key in it overrides source settings. */
  readonly pipeline?: Record<string, unknown>;
}

export interface ChildResult {
  readonly mode: 'decode' | 'e2e';
  readonly rows: number;
  /** From the call that starts reading (connect included) to the end position. */
  readonly secs: number;
  readonly rowsPerSec: number;
  /** From the first row seen / first checkpoint advance to the end, i.e. without connection setup. */
  readonly steadySecs: number;
  readonly maxRssMiB: number;
  /** User+system CPU of this process over `secs`, in cores (1.0 = one core busy). */
  readonly cpuCores: number;
  readonly heapUsedMiB: number;
  readonly checkpoint?: string;
  readonly extra?: Record<string, unknown>;
}

/** Binlog events Sluice asks the reader for (src/sources/mysql/binlog-source.ts, `events`). */
const sluiceEvents = ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'mariadbgtid', 'gtid', 'rotate'];

function sourceConfig(job: ChildJob): MysqlSourceConfig {
  return { host: job.host, port: job.port, user: job.user, password: job.password } as MysqlSourceConfig;
}

const serverId = (base: number) => base + Math.floor(Math.random() * 1000);

function finish(mode: ChildResult['mode'], rows: number, t0: number, tFirst: number, tEnd: number, cpu0: NodeJS.CpuUsage, extra: Partial<ChildResult> = {}): ChildResult {
  const cpu = process.cpuUsage(cpu0);
  const secs = (tEnd - t0) / 1000;
  return {
    mode, rows, secs: +secs.toFixed(3), rowsPerSec: Math.round(rows / secs),
    steadySecs: +((tEnd - tFirst) / 1000).toFixed(3),
    maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuCores: +((cpu.user + cpu.system) / 1000 / (tEnd - t0)).toFixed(2),
    heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
    ...extra,
  };
}

async function decode(job: ChildJob): Promise<ChildResult> {
  const zj = new ZongJi(connectionOptions(sourceConfig(job)) as ConstructorParameters<typeof ZongJi>[0]);
  const state = zj as unknown as { options: { filename: string; position: number } };
  let rows = 0;
  let rowEvents = 0;
  let tFirst = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const tEnd = await new Promise<number>((resolve, reject) => {
    zj.on('error', reject);
    zj.on('binlog', (e: { getTypeName(): string; rows?: unknown[] }) => {
      if (e.getTypeName() === 'WriteRows') {
        if (tFirst === 0) tFirst = performance.now();
        rows += e.rows!.length;
        rowEvents++;
      }
      const at = { file: state.options.filename, pos: state.options.position };
      if (comparePositions(at, job.end) >= 0) resolve(performance.now());
    });
    zj.start({ serverId: serverId(7000), filename: job.start.file, position: job.start.pos, includeEvents: sluiceEvents } as Parameters<ZongJi['start']>[0]);
  });
  const result = finish('decode', rows, t0, tFirst, tEnd, cpu0, { extra: { rowEvents } });
  zj.stop();
  return result;
}

async function e2e(job: ChildJob): Promise<ChildResult> {
  // The moment the pipeline's checkpoint reaches the end position: every row acknowledged by Redis.
  let tFirst = 0;
  let reached: (t: number) => void = () => {};
  const atEnd = new Promise<number>((resolve) => (reached = resolve));
  const advance = Checkpointer.prototype.advance;
  Checkpointer.prototype.advance = function (this: Checkpointer, position: BinlogPosition): void {
    advance.call(this, position);
    const now = performance.now();
    if (tFirst === 0) tFirst = now;
    if (comparePositions(position, job.end) >= 0) reached(now);
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // A variant's `source` key overrides source settings; the rest is the `pipeline:` block.
  const { source: sourceOverrides = {}, ...pipelineBlock } = job.pipeline ?? {};
  const pipeline = await startPipeline({
    name: 'bench',
    source: {
      type: 'mariadb', host: job.host, port: job.port, user: job.user, password: job.password,
      serverId: serverId(5000), start: formatPosition(job.start), include: job.include ?? [],
      ...(sourceOverrides as Record<string, unknown>),
    },
    pipeline: pipelineBlock,
    targets: [{ type: 'redis', name: 'redis', redis: { url: job.redisUrl, structure: 'hash', keyPrefix: 'bench:' } }],
  });
  const tReady = performance.now();
  let tEnd: number;
  try {
    tEnd = await Promise.race([atEnd, pipeline.done.then(() => { throw new Error('pipeline ended before the end position'); })]);
  } catch (err) {
    await pipeline.stop().catch(() => undefined);
    throw err;
  }
  const result = finish('e2e', job.rows, t0, tFirst, tEnd, cpu0);
  await pipeline.stop();
  // The persisted checkpoint (saved on stop) must be the end position.
  const store = await openStore(storeUrl(pipeline.config));
  const saved = await store.getCheckpoint('bench');
  await store.close();
  await rm(pipeline.config.dataDir, { recursive: true, force: true });
  const { batch, queue } = pipeline.config.pipeline;
  return { ...result, checkpoint: saved ? formatPosition(saved.position) : 'none', extra: { batch, queue, startupSecs: +((tReady - t0) / 1000).toFixed(3) } };
}

const [mode, jobText, out] = process.argv.slice(2);
if ((mode !== 'decode' && mode !== 'e2e') || !jobText || !out) {
  console.error('usage: stream-redis-child.ts <decode|e2e> <job json> <out.json>');
  process.exit(2);
}
const job = JSON.parse(jobText) as ChildJob;
try {
  const result = mode === 'decode' ? await decode(job) : await e2e(job);
  await writeFile(out, JSON.stringify(result));
  process.exit(0);
} catch (err) {
  console.error(err);
  process.exit(1);
}
