import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Sink, SinkRecord } from '../connectors/types.ts';
import { createChangeEvent, type TableSchema } from '../core/event.ts';
import { sluiceError } from '../core/errors.ts';
import { silentLogger } from '../core/logger.ts';
import { Metrics } from '../core/metrics.ts';
import { openStore } from '../store/open-store.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { testRule } from '../../test/conformance/test-rule.ts';
import type { Batch } from './batch.ts';
import { TargetRunner } from './target-runner.ts';

/**
 * A target with one ordered connection, like Redis: each write is applied (or lost, atomically) in
 * the order it was started, and acknowledged later. Writes chosen by `fails` are lost.
 */
class OrderedStore implements Sink {
  readonly ordered: boolean;
  readonly state = new Map<string, unknown>();
  writes = 0;
  private readonly fails: (n: number) => boolean;
  constructor(ordered: boolean, fails: (n: number) => boolean) {
    this.ordered = ordered;
    this.fails = fails;
  }
  async open(): Promise<void> {}
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
  async write(records: readonly SinkRecord[]): Promise<void> {
    const n = ++this.writes;
    const lost = this.fails(n);
    if (!lost) for (const r of records) this.state.set(String(r.key[0]), r.row?.v);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    if (lost) throw sluiceError('SLUICE_3001', `write ${n} lost`);
  }
}

const schema: TableSchema = Object.freeze({ db: 'd', table: 't', primaryKey: ['id'], columns: [{ name: 'id', type: 'int' }, { name: 'v', type: 'int' }] });
const position = { file: 'b.000001', pos: 4 };

/** Batch `seq` sets every key 0..keys-1 to `seq`. */
function batch(seq: number, keys: number): Batch {
  const events = Array.from({ length: keys }, (_, id) => createChangeEvent({
    txnId: `t${seq}`, index: id, op: 'update', schema, before: { id, v: seq - 1 }, after: { id, v: seq }, position, commitTime: Date.now(),
  }));
  return { seq, rows: keys, bytes: keys * 10, position, commitTime: Date.now(), transactions: [{ id: `t${seq}`, events, position, commitTime: Date.now(), bytes: keys * 10 }] };
}

let dir: string;
let store: MetadataStore;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-runner-'));
  store = await openStore(`sqlite:${join(dir, 'meta.db')}`);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

function runner(sink: Sink, maxRows: number): TargetRunner {
  return new TargetRunner({
    pipeline: 'p', name: 't', sink, rules: [testRule({})], maxRows, store, metrics: new Metrics(), logger: silentLogger,
    retry: { attempts: 20, initialDelay: 1, maxDelay: 5 }, onFailure: 'dlq',
  });
}

/** Delivers `batches` batches with up to `window` in flight, as the stream pipeline does. */
async function deliverAll(r: TargetRunner, batches: number, keys: number, window: number): Promise<void> {
  const inFlight: Promise<void>[] = [];
  for (let seq = 1; seq <= batches; seq++) {
    if (inFlight.length >= window) await inFlight.shift();
    inFlight.push(r.deliver(batch(seq, keys)));
  }
  await Promise.all(inFlight);
}

test('pipelined batches with lost writes still end with the newest value of every key', async () => {
  for (const ordered of [true, false]) {
    for (let round = 0; round < 5; round++) {
      const sink = new OrderedStore(ordered, () => Math.random() < 0.2);
      await deliverAll(runner(sink, 3), 60, 10, 4);
      const expected = new Map(Array.from({ length: 10 }, (_, id) => [String(id), 60]));
      assert.deepEqual(sink.state, expected, `ordered=${ordered} round ${round}`);
    }
  }
});

test('a batch sent while an earlier one is replayed is replayed after it', async () => {
  // Write 1 (batch 1) is lost; write 2 (batch 2) lands first, then batch 1's replay re-applies
  // older values. Batch 2 must be written again, after the replay.
  const sink = new OrderedStore(true, (n) => n === 1);
  const r = runner(sink, 100);
  await Promise.all([r.deliver(batch(1, 5)), r.deliver(batch(2, 5))]);
  assert.deepEqual([...sink.state.values()], [2, 2, 2, 2, 2]);
  assert.equal(sink.writes, 4, 'two first attempts, the replay of batch 1, the replay of batch 2');
});

test('an unordered sink gets one write at a time', async () => {
  let open = 0;
  let most = 0;
  const sink = new OrderedStore(false, () => false);
  const write = sink.write.bind(sink);
  sink.write = async (records) => {
    most = Math.max(most, ++open);
    try {
      await write(records);
    } finally {
      open--;
    }
  };
  await deliverAll(runner(sink, 2), 20, 6, 4);
  assert.equal(most, 1);
  assert.equal(sink.writes, 60);
});
