import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { nextFireAfter } from './cron-schedule.ts';
import { Dispatcher } from './dispatcher.ts';
import type { FireRecord } from './fire-store.ts';
import type { FireOutcome, FireRunner } from './fire-types.ts';
import { JobCache, syncConfigJobs } from './job-store.ts';
import { RunLog } from './run-log.ts';
import { job, scratchStore, until, type ScratchStore } from './scheduler-test-kit.ts';

const fire = (id: string, scheduledAt: number, partition = 0): FireRecord => ({
  id, job: 'j', slot: `m:${id}`, partition, scheduledAt, trigger: 'manual', rootFireId: undefined, parentFireId: undefined, status: 'pending',
  owner: 'n1', attempts: 0, createdAt: scheduledAt, startedAt: undefined, finishedAt: undefined, params: {}, result: undefined,
});

/** A runner whose runs end when the test says so, in the order they started. */
function heldRunner(): FireRunner & { started: string[]; finish(id: string): void } {
  const ends = new Map<string, (o: FireOutcome) => void>();
  const started: string[] = [];
  return {
    started,
    run: (ctx) => new Promise<FireOutcome>((resolve) => {
      started.push(ctx.fireId);
      ends.set(ctx.fireId, resolve);
    }),
    finish: (id) => ends.get(id)?.({ status: 'succeeded' }),
  };
}

describe('dispatcher', () => {
  let scratch: ScratchStore;
  let store: MetadataStore;
  let jobs: JobCache;
  before(async () => {
    scratch = await scratchStore('sqlite');
    store = await scratch.open();
    await syncConfigJobs(store.db, [job({ name: 'j' })], 1, nextFireAfter);
    jobs = new JobCache(store.db, silentLogger);
    await jobs.refresh();
  });
  after(() => scratch.drop());

  test('quietIn: store work waits for fires due within the guard, until just after their instant', async () => {
    const runLog = new RunLog(store.db, 'n1', silentLogger);
    const d = new Dispatcher({ runner: heldRunner(), runLog, jobs, logger: silentLogger, maxConcurrent: 10 });
    const at = Date.now() + 60_000;
    d.add([fire('1', at), fire('2', at), fire('3', at + 1000, 1)]);
    assert.equal(d.quietIn(100, at - 500), 0, 'nothing due within the guard');
    assert.equal(d.quietIn(100, at - 40), 41);
    assert.equal(d.quietIn(100, at + 5), 1, 'an instant already due: wait for its timers first');
    d.dropWaiting(0);
    assert.equal(d.quietIn(100, at - 40), 0, 'forgotten fires do not hold store work back');
    assert.equal(d.quietIn(100, at + 950), 51);
    await d.stop(0);
    assert.equal(d.quietIn(100, at + 950), 0);
    await runLog.close();
  });

  test('over maxConcurrent, due fires start in order as runs end; a forgotten one is skipped', async () => {
    const runLog = new RunLog(store.db, 'n1', silentLogger, 5);
    const runner = heldRunner();
    const d = new Dispatcher({ runner, runLog, jobs, logger: silentLogger, maxConcurrent: 1 });
    const now = Date.now();
    d.add([fire('a', now - 4), fire('b', now - 3), fire('c', now - 2, 1), fire('d', now - 1)]);
    await until('the first run', () => runner.started.length === 1);
    d.dropWaiting(1);
    for (const id of ['a', 'b', 'd']) {
      await until(`run ${id}`, () => runner.started.at(-1) === id);
      runner.finish(id);
    }
    await until('every fire recorded', () => d.size === 0);
    assert.deepEqual(runner.started, ['a', 'b', 'd']);
    await d.stop(0);
    await runLog.close();
  });
});
