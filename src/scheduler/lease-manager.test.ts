import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { silentLogger } from '../core/logger.ts';
import type { MetadataStore } from '../store/metadata-store.ts';
import { LeaseManager, type LeaseEvents } from './lease-manager.ts';
import { readLeases } from './lease-store.ts';
import { partitionLease } from './partition.ts';
import { dialects, scratchStore, type ScratchStore } from './scheduler-test-kit.ts';

const PARTITIONS = 8;
const LEASE = 5000;

/** A node's lease manager with a clock the test moves, and a record of what it was told. */
class Node {
  readonly events: string[] = [];
  /** Partitions with fires still running: draining them is not done yet. */
  readonly busy = new Set<number>();
  readonly manager: LeaseManager;
  constructor(store: MetadataStore, name: string, clock: () => number) {
    const events: LeaseEvents = {
      acquired: (p, token) => void this.events.push(`acquired ${p} token ${token}`),
      lost: (p) => void this.events.push(`lost ${p}`),
      drain: (p) => void this.events.push(`drain ${p}`),
      drained: (p) => !this.busy.has(p),
    };
    this.manager = new LeaseManager({ db: store.db, node: name, partitions: PARTITIONS, leaseMs: LEASE, logger: silentLogger, events, clock });
  }
  active(): number[] {
    return this.manager.active();
  }
  took(kind: 'acquired' | 'drain' | 'lost'): number[] {
    return this.events.filter((e) => e.startsWith(kind)).map((e) => Number(e.split(' ')[1])).sort((a, b) => a - b);
  }
}

for (const kind of dialects) {
  describe(`lease balancing on ${kind}`, () => {
    let scratch: ScratchStore;
    let store: MetadataStore;
    let now = 1_700_000_000_000;
    const clock = () => now;
    before(async () => {
      scratch = await scratchStore(kind);
      store = await scratch.open();
    });
    after(() => scratch.drop());

    const owners = async () => {
      const rows = await readLeases(store.db);
      const out = new Map<number, { owner: string; token: number }>();
      for (let p = 0; p < PARTITIONS; p++) {
        const r = rows.find((x) => x.name === partitionLease(p))!;
        if (r.expiresAt > now) out.set(p, { owner: r.owner, token: r.token });
      }
      return out;
    };

    test('a node joining gets its fair share: the first releases its extra partitions once they are drained, the second claims them with new tokens', async () => {
      const a = new Node(store, 'node-a', clock);
      await a.manager.tick();
      assert.deepEqual(a.active(), [0, 1, 2, 3, 4, 5, 6, 7], 'alone, a node holds every partition');
      assert.deepEqual(a.took('acquired'), [0, 1, 2, 3, 4, 5, 6, 7]);
      assert.ok(a.events.every((e) => e.endsWith('token 1')), 'first claims of free rows have token 1');

      // B joins: its node heartbeat makes it live, but every partition is held by A, so it takes none yet.
      const b = new Node(store, 'node-b', clock);
      now += 100;
      await b.manager.tick();
      assert.deepEqual(b.active(), [], 'live partitions of another node are never taken');

      // A sees two live nodes: share ceil(8 / 2) = 4. It drains four partitions at once (no new work on them).
      now += 100;
      // Fires are running on every partition, so A can release none of them in this round.
      const held = a.active();
      for (const p of held) a.busy.add(p);
      await a.manager.tick();
      const draining = a.took('drain');
      assert.equal(draining.length, 4, 'four partitions are drained');
      assert.deepEqual(a.active(), held.filter((p) => !draining.includes(p)), 'draining partitions are not active any more');
      assert.equal((await owners()).size, 8, 'but still leased by A while their fires run');
      // The runs on three of them end; one partition still has a fire in flight.
      const [slow, ...done] = draining;
      for (const p of done) a.busy.delete(p);
      for (const p of a.active()) a.busy.delete(p);

      now += 100;
      await a.manager.tick();
      now += 100;
      await b.manager.tick();
      assert.deepEqual(b.active(), done, 'B claims the three drained partitions A released');
      assert.ok(a.manager.holding().has(slow!), 'the partition with a fire in flight is still held by A');
      assert.equal(a.manager.isActive(slow!), false, 'yet A dispatches nothing new on it');

      a.busy.delete(slow!);
      now += 100;
      await a.manager.tick();
      now += 100;
      await b.manager.tick();
      assert.deepEqual(b.active(), draining, 'once drained, the last one moves too');
      assert.equal(a.active().length, 4);
      assert.deepEqual([...a.active(), ...b.active()].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7], 'every partition has exactly one active owner');
      assert.equal(a.took('lost').length, 0, 'a balanced release is not a loss');

      const leases = await owners();
      for (const p of draining) assert.deepEqual(leases.get(p), { owner: 'node-b', token: 2 }, `partition ${p}: B holds it with a new fencing token`);
      for (const p of a.active()) assert.deepEqual(leases.get(p), { owner: 'node-a', token: 1 }, `partition ${p}: A keeps it with its token`);

      // Steady state: renewals keep the split as it is.
      for (let i = 0; i < 6; i++) {
        now += Math.ceil(LEASE / 3);
        await a.manager.tick();
        await b.manager.tick();
      }
      assert.equal(a.active().length, 4);
      assert.deepEqual(b.active(), draining);
      assert.equal(a.took('drain').length, 4, 'no further partitions were drained');

      // A third node: share ceil(8 / 3) = 3, so A and B give one each and C gets 2.
      const c = new Node(store, 'node-c', clock);
      now += 100;
      await c.manager.tick();
      for (let i = 0; i < 3; i++) {
        now += 100;
        await a.manager.tick();
        await b.manager.tick();
        await c.manager.tick();
      }
      assert.deepEqual([a.active().length, b.active().length, c.active().length], [3, 3, 2]);
      const all = [...a.active(), ...b.active(), ...c.active()].sort((x, y) => x - y);
      assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7], 'still one active owner per partition');

      // C leaves cleanly: its partitions are free at once and A and B take them back up to 4 each.
      await c.manager.releaseAll();
      for (let i = 0; i < 2; i++) {
        now += 100;
        await a.manager.tick();
        await b.manager.tick();
      }
      assert.deepEqual([a.active().length, b.active().length], [4, 4]);
      assert.deepEqual([...a.active(), ...b.active()].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7]);

      // B dies (stops renewing): once its leases expire A holds everything again, with new tokens.
      const bHeld = b.active();
      for (let i = 0; i < 4; i++) {
        now += Math.ceil(LEASE / 2);
        await a.manager.tick();
      }
      assert.deepEqual(a.active(), [0, 1, 2, 3, 4, 5, 6, 7], 'a dead node\'s partitions move after its lease');
      const after = await owners();
      for (const p of bHeld) assert.equal(after.get(p)!.owner, 'node-a');
      assert.ok(bHeld.every((p) => after.get(p)!.token > leases.get(p)!.token), 'each takeover increments the fencing token');
      // B comes back and finds out at its next renewal that it lost them.
      now += 100;
      await b.manager.tick();
      assert.deepEqual(b.took('lost'), [...bHeld].sort((x, y) => x - y));
    });
  });
}
