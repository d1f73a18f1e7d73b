import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router, type ExecutorInfo } from './routing.ts';

const ex = (url: string, weight = 1, busy = 0): ExecutorInfo => ({ url, weight, busy });
const abc = [ex('http://a'), ex('http://b'), ex('http://c')];

/** A fixed, reproducible random source (mulberry32). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function counts(router: Router, strategy: Parameters<Router['route']>[1], list: ExecutorInfo[], n: number, key = (i: number) => `k${i}`) {
  const c: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const first = router.route('job', strategy, list, key(i))[0]!.url;
    c[first] = (c[first] ?? 0) + 1;
  }
  return c;
}

test('round-robin: each executor in turn, the rest of the list as failover order', () => {
  const r = new Router();
  assert.deepEqual(r.route('job', 'round-robin', abc, '').map((e) => e.url), ['http://a', 'http://b', 'http://c']);
  assert.deepEqual(r.route('job', 'round-robin', abc, '').map((e) => e.url), ['http://b', 'http://c', 'http://a']);
  assert.deepEqual(r.route('job', 'round-robin', abc, '').map((e) => e.url), ['http://c', 'http://a', 'http://b']);
  assert.deepEqual(r.route('other', 'round-robin', abc, '').map((e) => e.url), ['http://a', 'http://b', 'http://c'], 'positions are per job');
});

test('smooth weighted round-robin: weights 5:1:1 give a a b a c a a, and every cycle has the exact shares', () => {
  const r = new Router();
  const list = [ex('a', 5), ex('b', 1), ex('c', 1)];
  const seq = Array.from({ length: 7 }, () => r.route('job', 'weighted-round-robin', list, '')[0]!.url);
  assert.deepEqual(seq, ['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  assert.deepEqual(counts(r, 'weighted-round-robin', list, 700), { a: 500, b: 100, c: 100 });
});

test('random: uniform with a fixed random source, failover order holds every other executor once', () => {
  const r = new Router(seeded(42));
  const c = counts(r, 'random', abc, 9000);
  for (const url of ['http://a', 'http://b', 'http://c']) assert.ok(Math.abs(c[url]! - 3000) < 200, JSON.stringify(c));
  const order = r.route('job', 'random', abc, '').map((e) => e.url);
  assert.deepEqual([...order].sort(), ['http://a', 'http://b', 'http://c']);
});

test('weighted-random: shares follow the weights 1:2:7', () => {
  const r = new Router(seeded(7));
  const list = [ex('a', 1), ex('b', 2), ex('c', 7)];
  const c = counts(r, 'weighted-random', list, 10_000);
  assert.ok(Math.abs(c.a! - 1000) < 150 && Math.abs(c.b! - 2000) < 200 && Math.abs(c.c! - 7000) < 250, JSON.stringify(c));
  assert.equal(new Set(r.route('job', 'weighted-random', list, '').map((e) => e.url)).size, 3);
});

test('consistent-hash: a key sticks to its executor; when one leaves only its keys move', () => {
  const r = new Router();
  const four = [ex('http://a'), ex('http://b'), ex('http://c'), ex('http://d')];
  const keys = Array.from({ length: 2000 }, (_, i) => `job\nitem-${i}`);
  const before = new Map(keys.map((k) => [k, r.route('job', 'consistent-hash', four, k)[0]!.url]));
  for (const k of keys.slice(0, 50)) assert.equal(r.route('job', 'consistent-hash', four, k)[0]!.url, before.get(k), 'stable');
  const shares = counts(r, 'consistent-hash', four, 2000, (i) => keys[i]!);
  for (const n of Object.values(shares)) assert.ok(n > 300 && n < 700, JSON.stringify(shares));
  const three = four.filter((e) => e.url !== 'http://c');
  let moved = 0;
  for (const k of keys) {
    const now = r.route('job', 'consistent-hash', three, k)[0]!.url;
    if (before.get(k) === 'http://c') assert.notEqual(now, 'http://c');
    else if (now !== before.get(k)) moved++;
  }
  assert.equal(moved, 0, 'keys of the executors that stayed did not move');
  // The failover order of a key is the next owners on the ring: its first entry after c leaves.
  const k = keys.find((key) => before.get(key) === 'http://c')!;
  assert.equal(r.route('job', 'consistent-hash', three, k)[0]!.url, r.route('job', 'consistent-hash', four, k)[1]!.url);
});

test('least-busy: fewest calls in flight from this node plus reported busy, ties by list order', () => {
  const r = new Router();
  const list = [ex('a', 1, 2), ex('b'), ex('c')];
  assert.deepEqual(r.route('job', 'least-busy', list, '').map((e) => e.url), ['b', 'c', 'a']);
  const endB = r.begin('b');
  r.begin('b');
  r.begin('c');
  assert.deepEqual(r.route('job', 'least-busy', list, '').map((e) => e.url), ['c', 'a', 'b']);
  endB();
  endB(); // ending twice counts once
  assert.deepEqual(r.route('job', 'least-busy', list, '').map((e) => e.url), ['b', 'c', 'a']);
});

test('failover: always list order; an executor that could not be reached goes last until it answers again', () => {
  const r = new Router();
  for (let i = 0; i < 3; i++) assert.deepEqual(r.route('job', 'failover', abc, '').map((e) => e.url), ['http://a', 'http://b', 'http://c']);
  r.markDown('http://a');
  assert.deepEqual(r.route('job', 'failover', abc, '').map((e) => e.url), ['http://b', 'http://c', 'http://a']);
  assert.equal(r.reachable(abc), 2);
  r.markUp('http://a');
  assert.deepEqual(r.route('job', 'failover', abc, '').map((e) => e.url), ['http://a', 'http://b', 'http://c']);
  r.markDown('http://b', Date.now() - 10_000); // expired
  assert.deepEqual(r.route('job', 'failover', abc, '').map((e) => e.url), ['http://a', 'http://b', 'http://c']);
});
