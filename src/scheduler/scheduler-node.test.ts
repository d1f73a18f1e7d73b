import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { insertFires, manualSlot } from './fire-store.ts';
import { partitionOf } from './partition.ts';
import { SchedulerNode } from './scheduler-node.ts';
import { dialects, job, loopbackExecutor, loopbackRunner, scratchStore, settings, sleep, until, type Hit, type LoopbackExecutor, type ScratchStore } from './scheduler-test-kit.ts';

const S = settings({ partitions: 4, lease: '2s', lookahead: '300ms' });

/** The most runs of `job` at the executor at one time (each holds its answer `ms`). */
function maxConcurrent(hits: readonly Hit[], job: string, ms: number): number {
  const starts = hits.filter((h) => h.job === job).map((h) => h.at);
  return Math.max(0, ...starts.map((s) => starts.filter((t) => t <= s && t + ms > s).length));
}

for (const kind of dialects) {
  describe(`scheduler node on ${kind}`, () => {
    let scratch: ScratchStore;
    let executor: LoopbackExecutor;
    before(async () => {
      scratch = await scratchStore(kind);
      executor = await loopbackExecutor({ delayMs: (j) => (j.startsWith('slow-') ? 2500 : 0), fail: (j) => j === 'bad' });
    });
    after(async () => {
      await executor.close();
      await scratch.drop();
    });

    test('overlap: skip records the skipped fires, queue-one keeps one waiting, allow runs them side by side', { timeout: 60_000 }, async () => {
      const store = await scratch.open();
      const jobs = (['skip', 'queue-one', 'allow'] as const).map((overlap) => job({ name: `slow-${overlap}`, schedule: { every: '1s' }, overlap }, executor.url));
      const node = new SchedulerNode({ store, settings: S, jobs, runner: loopbackRunner(), logger: silentLogger, node: 'n1', graceMs: 100 });
      await node.start();
      await sleep(6500);
      await node.stop();
      assert.equal(maxConcurrent(executor.hits, 'slow-skip', 2500), 1);
      assert.equal(maxConcurrent(executor.hits, 'slow-queue-one', 2500), 1);
      assert.ok(maxConcurrent(executor.hits, 'slow-allow', 2500) >= 2, 'allow runs fires of one job at once');
      const rows = await store.db.all<{ job: string; status: string; result_json: string | null }>('SELECT job, status, result_json FROM sluice_fires');
      const skipped = (j: string) => rows.filter((r) => r.job === j && r.status === 'skipped');
      assert.ok(skipped('slow-skip').length >= 2, 'skipped fires are recorded');
      assert.deepEqual(JSON.parse(skipped('slow-skip')[0]!.result_json!), { reason: 'overlap', overlap: 'skip' });
      assert.equal(skipped('slow-allow').length, 0);
      // queue-one: the fire that waited ran as soon as the previous run ended.
      const q = executor.hits.filter((h) => h.job === 'slow-queue-one').sort((a, b) => a.at - b.at);
      assert.ok(q.length >= 2 && q[1]!.at - q[0]!.at >= 2400 && q[1]!.at - q[1]!.scheduledAt >= 1000, 'the waiting fire started after the first one ended');
      assert.ok(skipped('slow-queue-one').length >= 1, 'more than one waiting fire is skipped');
    });

    test('dependencies: fan-out, fan-in once, outcome conditions; children skipped when a parent rules them out', { timeout: 60_000 }, async () => {
      const e = executor.url;
      const jobs = [
        job({ name: 'root' }, e),
        job({ name: 'left', dependsOn: [{ job: 'root' }] }, e),
        job({ name: 'right', dependsOn: [{ job: 'root' }] }, e),
        job({ name: 'join', dependsOn: [{ job: 'left' }, { job: 'right' }] }, e),
        job({ name: 'on-root-failure', dependsOn: [{ job: 'root', on: 'failure' }] }, e),
        job({ name: 'bad', dependsOn: [{ job: 'root', on: 'end' }] }, e),
        job({ name: 'after-bad-failed', dependsOn: [{ job: 'bad', on: 'failure' }] }, e),
        job({ name: 'after-bad-ok', dependsOn: [{ job: 'bad' }] }, e),
      ];
      // Two nodes share the MySQL/PostgreSQL store, so parents of one child finish on different nodes;
      // SQLite is a single-node store.
      const stores: MetadataStore[] = [await scratch.open()];
      if (kind !== 'sqlite') stores.push(await scratch.open());
      const nodes = stores.map((store, i) => new SchedulerNode({ store, settings: S, jobs, runner: loopbackRunner(), logger: silentLogger, node: `d${i}` }));
      for (const n of nodes) await n.start();
      await until('partitions shared', () => nodes.every((n) => n.activePartitions().length > 0) && nodes.reduce((a, n) => a + n.activePartitions().length, 0) === 4);
      const db = stores[0]!.db;
      const [root] = await db.transaction((tx) => insertFires(tx, [{ job: 'root', slot: manualSlot('dag-1'), partition: partitionOf('root', 4), scheduledAt: Date.now(), trigger: 'manual' }], Date.now()));
      type Row = { id: unknown; job: string; status: string; trigger_kind: string; root_fire_id: unknown; params_json: string | null; result_json: string | null };
      const chain = () => db.all<Row>('SELECT id, job, status, trigger_kind, root_fire_id, params_json, result_json FROM sluice_fires WHERE id = ? OR root_fire_id = ?', [root!.id, root!.id]);
      await until('the whole chain finished', async () => {
        const rows = await chain();
        return rows.length === 8 && rows.every((r) => ['succeeded', 'failed', 'skipped'].includes(r.status));
      });
      await sleep(500);
      for (const n of nodes) await n.stop();
      const rows = await chain();
      const status = Object.fromEntries(rows.map((r) => [r.job, r.status]));
      assert.deepEqual(status, {
        root: 'succeeded', left: 'succeeded', right: 'succeeded', join: 'succeeded', 'on-root-failure': 'skipped',
        bad: 'failed', 'after-bad-failed': 'succeeded', 'after-bad-ok': 'skipped',
      });
      assert.equal(rows.filter((r) => r.job === 'join').length, 1, 'fan-in fires once');
      assert.ok(rows.filter((r) => r.job !== 'root').every((r) => r.trigger_kind === 'dependency' && String(r.root_fire_id) === root!.id));
      const joinHit = executor.hits.find((h) => h.job === 'join')!;
      assert.deepEqual(Object.keys((joinHit.params as { parents: object }).parents).sort(), ['left', 'right'], 'the parents\' results reach the child');
      assert.equal(executor.hits.filter((h) => h.job === 'join').length, 1);
    });
  });
}
