import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startReceiver } from '../../test/e2e/http-receiver.ts';
import { scratchDir } from '../../test/services/scratch-databases.ts';
import { verifySignature } from '../connectors/http/signature.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { openStore } from '../store/open-store.ts';
import { deliverDue } from './callback-sender.ts';
import { Outbox } from './outbox.ts';

let dir: Awaited<ReturnType<typeof scratchDir>>;
let file: string;
let store: MetadataStore;
before(async () => {
  dir = await scratchDir('sluice-outbox-');
  file = `sqlite:${dir.dir}/meta.db`;
  store = await openStore(file);
});
after(async () => {
  await store.close();
  await dir.drop();
});

const policy = { retryEvery: 1000, fastAttempts: 3, slowEvery: 60_000, maxAge: 3_600_000 };

test('an entry is written once per idempotency key, and moves from retries to the slow queue to dead', async () => {
  const outbox = new Outbox(store, policy);
  const t0 = 1_000_000;
  assert.equal(await outbox.enqueue('c1', 'k1', { type: 1 }, t0), true);
  assert.equal(await outbox.enqueue('c1', 'k1', { type: 1 }, t0), false, 'the same key again adds nothing');
  let [e] = await outbox.due(t0);
  assert.equal(await outbox.failed(e!, 'HTTP 500', t0), 'pending');
  assert.equal((await outbox.due(t0 + 999)).length, 0, 'retried after retryEvery');
  [e] = await outbox.due(t0 + 1000);
  assert.equal(await outbox.failed(e!, 'HTTP 500', t0 + 1000), 'pending');
  [e] = await outbox.due(t0 + 2000);
  assert.equal(await outbox.failed(e!, 'timeout', t0 + 2000), 'slow', 'after 3 failures: the slow queue');
  assert.equal((await outbox.due(t0 + 2000 + 59_999)).length, 0);
  [e] = await outbox.due(t0 + 62_000);
  assert.equal(await outbox.failed(e!, 'timeout', t0 + 3_600_000), 'dead', 'past maxAge: dead, kept');
  const [dead] = await outbox.list('dead');
  assert.equal(dead!.lastError, 'timeout');
  assert.equal(dead!.attempts, 4);
  await outbox.replay(dead!.id, t0 + 3_600_001);
  assert.equal((await outbox.due(t0 + 3_600_001)).length, 1, 'a dead entry can be replayed');
});

test('callbacks survive a receiver that is down, are signed, and arrive once per key; the outbox outlives the process', async () => {
  let up = false;
  const receiver = await startReceiver(() => (up ? 200 : 503));
  try {
    const target = { url: receiver.url, timeoutMs: 3000, signing: { keyId: 'k1', secret: 's3cret' } };
    const outbox = new Outbox(store, { ...policy, retryEvery: 0 });
    for (let i = 0; i < 5; i++) await outbox.enqueue('c2', `users:${i}`, { events: [{ type: 1, srcColumn: { id: String(i) } }] });
    const down = await deliverDue(outbox, 'c2', target);
    assert.deepEqual([down.sent, down.failed, down.escalated], [0, 5, 0]);
    assert.match(down.lastError ?? '', /HTTP 503/);
    // A restart: a new store handle on the same file sees everything still queued.
    await store.close();
    store = await openStore(file);
    const reopened = new Outbox(store, { ...policy, retryEvery: 0 });
    assert.equal((await reopened.due()).filter((e) => e.channel === 'c2').length, 5);
    assert.ok((await reopened.depth()).pending >= 5);
    up = true;
    assert.deepEqual(await deliverDue(reopened, 'c2', target), { sent: 5, failed: 0, escalated: 0 });
    assert.deepEqual(await deliverDue(reopened, 'c2', target), { sent: 0, failed: 0, escalated: 0 }, 'sent entries are not sent again');
    const keys = receiver.requests.map((r) => r.headers['idempotency-key']).sort();
    assert.deepEqual(keys, ['users:0', 'users:1', 'users:2', 'users:3', 'users:4']);
    for (const r of receiver.requests) assert.equal(verifySignature({ headers: r.headers, body: r.body, secrets: { k1: 's3cret' } }).ok, true);
  } finally {
    await receiver.close();
  }
});
