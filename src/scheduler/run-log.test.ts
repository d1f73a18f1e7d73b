import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '../core/logger.ts';
import { insertFires, scheduleSlot } from './fire-store.ts';
import { RunLog } from './run-log.ts';
import { scratchStore } from './scheduler-test-kit.ts';

test('after a takeover the fire counts the attempts of both owners once, and attempt rows keep their numbers', async () => {
  const scratch = await scratchStore('sqlite');
  try {
    const store = await scratch.open();
    const [fire] = await store.db.transaction((tx) => insertFires(tx, [{ job: 'j', slot: scheduleSlot(1000), partition: 0, scheduledAt: 1000, trigger: 'schedule', owner: 'dead' }], 1000));
    const id = fire!.id;
    // The first owner made attempt 1 before it died.
    const first = new RunLog(store.db, 'dead', silentLogger);
    first.started(id, 'j', 1000, 0);
    first.attempt(id, 'j', { shardIndex: 0, attempt: 1, startedAt: 1000, finishedAt: 1010, status: 'failed', error: 'HTTP 500' });
    await first.close();
    // The new owner goes on with attempt 2 (previousAttempts = 1 from the fire row).
    const second = new RunLog(store.db, 'heir', silentLogger);
    second.started(id, 'j', 2000, 1);
    second.attempt(id, 'j', { shardIndex: 0, attempt: 2, startedAt: 2000, status: 'running' });
    second.attempt(id, 'j', { shardIndex: 0, attempt: 2, startedAt: 2000, finishedAt: 2020, status: 'succeeded' });
    const done = second.finished(id, 'j', { status: 'succeeded' }, 2020);
    await second.flush();
    await done;
    await second.close();
    const [row] = await store.db.all<{ attempts: number; status: string; owner: string }>('SELECT attempts, status, owner FROM sluice_fires WHERE id = ?', [id]);
    assert.deepEqual({ ...row }, { attempts: 2, status: 'succeeded', owner: 'heir' });
    const attempts = await store.db.all<{ attempt: number; status: string; node: string }>('SELECT attempt, status, node FROM sluice_fire_attempts WHERE fire_id = ? ORDER BY attempt', [id]);
    assert.deepEqual(attempts.map((a) => [a.attempt, a.status, a.node]), [[1, 'failed', 'dead'], [2, 'succeeded', 'heir']]);
  } finally {
    await scratch.drop();
  }
});
