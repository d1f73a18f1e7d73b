/**
 * Preload (--import): records where the e2e run's wall time goes, printed as one JSON line on
 * stderr at exit: time the reader is paused (backpressure), queue high-water mark, time the
 * consumer waits for a batch, time in RedisSink.write (and its synchronous part), toRecords time,
 * and heap/RSS high-water marks sampled every 100 ms.
 */
import { RedisSink } from '../../src/connectors/redis/sink.ts';
import type { SinkRecord } from '../../src/connectors/types.ts';
import { ChangeQueue } from '../../src/pipeline/change-queue.ts';
import { TargetRunner } from '../../src/pipeline/target-runner.ts';
import { BinlogSource } from '../../src/sources/mysql/binlog-source.ts';

const d = {
  pausedMs: 0, pauses: 0, queueMaxBytes: 0, queueMaxRows: 0, takeWaitMs: 0, takes: 0,
  writeMs: 0, writeSyncMs: 0, writes: 0, toRecordsMs: 0, heapMaxMiB: 0, rssMaxMiB: 0, externalMaxMiB: 0,
};
let pausedAt = 0;
const now = () => performance.now();

const src = BinlogSource.prototype;
const { pause, resume } = src;
src.pause = function (this: BinlogSource) {
  if (pausedAt === 0) { pausedAt = now(); d.pauses++; }
  pause.call(this);
};
src.resume = function (this: BinlogSource) {
  if (pausedAt !== 0) { d.pausedMs += now() - pausedAt; pausedAt = 0; }
  resume.call(this);
};

const q = ChangeQueue.prototype;
const { push, take } = q;
q.push = function (this: ChangeQueue, txn) {
  push.call(this, txn);
  const self = this as unknown as { rows: number; bytes: number };
  if (self.bytes > d.queueMaxBytes) d.queueMaxBytes = self.bytes;
  if (self.rows > d.queueMaxRows) d.queueMaxRows = self.rows;
};
q.take = async function (this: ChangeQueue, signal?: AbortSignal) {
  const t = now();
  try {
    return await take.call(this, signal);
  } finally {
    d.takeWaitMs += now() - t;
    d.takes++;
  }
};

const { write } = RedisSink.prototype;
RedisSink.prototype.write = function (this: RedisSink, records: readonly SinkRecord[], signal?: AbortSignal) {
  const t = now();
  const p = write.call(this, records, signal);
  d.writeSyncMs += now() - t;
  d.writes++;
  return p.finally(() => { d.writeMs += now() - t; });
};

const { toRecords } = TargetRunner.prototype;
TargetRunner.prototype.toRecords = function (this: TargetRunner, batch) {
  const t = now();
  try {
    return toRecords.call(this, batch);
  } finally {
    d.toRecordsMs += now() - t;
  }
};

const timer = setInterval(() => {
  const m = process.memoryUsage();
  d.heapMaxMiB = Math.max(d.heapMaxMiB, Math.round(m.heapUsed / 2 ** 20));
  d.rssMaxMiB = Math.max(d.rssMaxMiB, Math.round(m.rss / 2 ** 20));
  d.externalMaxMiB = Math.max(d.externalMaxMiB, Math.round(m.external / 2 ** 20));
}, 100);
timer.unref();

process.once('exit', () => {
  if (pausedAt !== 0) d.pausedMs += now() - pausedAt;
  const round = Object.fromEntries(Object.entries(d).map(([k, v]) => [k, Math.round(v)]));
  process.stderr.write(`DIAG ${JSON.stringify(round)}\n`);
});
