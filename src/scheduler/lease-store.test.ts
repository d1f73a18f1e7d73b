import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { claimLease, ensureLeaseRows, liveOwners, readLeases, releaseLeases, renewLeases } from './lease-store.ts';
import { dialects, inChild, scratchStore, type ScratchStore } from './scheduler-test-kit.ts';
import type { MetadataStore } from '../store/metadata-store.ts';

for (const kind of dialects) {
  describe(`leases on ${kind}`, () => {
    let scratch: ScratchStore;
    let a: MetadataStore;
    let b: MetadataStore;
    before(async () => {
      scratch = await scratchStore(kind);
      [a, b] = [await scratch.open(), await scratch.open()];
      await ensureLeaseRows(a.db, ['partition:0', 'partition:1', 'node:a']);
      await ensureLeaseRows(b.db, ['partition:0', 'partition:1', 'node:b']);
    });
    after(() => scratch.drop());

    test('claim, renew, expiry and takeover with a new fencing token', async () => {
      const t0 = 1_000_000;
      const first = await claimLease(a.db, 'partition:0', 'a', 5000, t0);
      assert.equal(first, 1, 'a free row is taken with token 1');
      assert.equal(await claimLease(b.db, 'partition:0', 'b', 5000, t0 + 1000), undefined, 'a live lease cannot be taken');
      assert.equal(await claimLease(a.db, 'partition:0', 'a', 5000, t0 + 1000), 1, 're-claiming our own lease keeps the token');
      const renewed = await renewLeases(a.db, 'a', ['partition:0'], 5000, t0 + 2000);
      assert.deepEqual([...renewed], [['partition:0', 1]]);
      assert.equal(await claimLease(b.db, 'partition:0', 'b', 5000, t0 + 6999), undefined, 'still held until the renewed expiry');
      const taken = await claimLease(b.db, 'partition:0', 'b', 5000, t0 + 7001);
      assert.equal(taken, 2, 'the takeover increments the token');
      const lost = await renewLeases(a.db, 'a', ['partition:0'], 5000, t0 + 7002);
      assert.equal(lost.size, 0, 'the old owner cannot renew a lease another node took');
      const back = await claimLease(a.db, 'partition:0', 'a', 5000, t0 + 20_000);
      assert.equal(back, 3, 'taking it back later is another takeover');
    });

    test('release frees a lease at once, only for the token that holds it', async () => {
      const now = 5_000_000;
      assert.equal(await claimLease(a.db, 'partition:1', 'a', 5000, now), 1);
      await releaseLeases(a.db, 'a', [{ name: 'partition:1', token: 99 }]);
      assert.equal(await claimLease(b.db, 'partition:1', 'b', 5000, now + 10), undefined, 'a release with a stale token does nothing');
      await releaseLeases(a.db, 'a', [{ name: 'partition:1', token: 1 }]);
      assert.equal(await claimLease(b.db, 'partition:1', 'b', 5000, now + 20), 2);
      const rows = await readLeases(a.db);
      assert.deepEqual([...liveOwners(rows, now + 30)].sort(), ['b']);
    });

    test('two nodes claiming the same expired lease at the same moment: exactly one wins', async () => {
      await ensureLeaseRows(a.db, Array.from({ length: 20 }, (_, i) => `race:${i}`));
      const now = 9_000_000;
      const names = Array.from({ length: 20 }, (_, i) => `race:${i}`);
      if (kind === 'sqlite') {
        // Two processes on one file, as two nodes would be.
        const [x, y] = await Promise.all([inChild<(number | null)[]>({ op: 'claim', url: scratch.url, owner: 'a', names, now }), inChild<(number | null)[]>({ op: 'claim', url: scratch.url, owner: 'b', names, now })]);
        names.forEach((n, i) => assert.equal([x[i], y[i]].filter((t) => t !== null).length, 1, `${n}: ${x[i]} / ${y[i]}`));
        return;
      }
      for (const name of names) {
        const [x, y] = await Promise.all([claimLease(a.db, name, 'a', 5000, now), claimLease(b.db, name, 'b', 5000, now)]);
        assert.equal([x, y].filter((t) => t !== undefined).length, 1, `${name}: ${x} / ${y}`);
      }
    });
  });
}
