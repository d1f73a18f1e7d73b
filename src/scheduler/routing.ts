import { HashRing } from './hash-ring.ts';
import type { RoutingStrategy } from './spec.ts';

/** An executor as routing sees it: static or self-registered, online now. */
export interface ExecutorInfo {
  readonly url: string;
  readonly weight: number;
  /** The load the executor reported in its last heartbeat (0 for static executors). */
  readonly busy: number;
}

/** How long an executor that refused a connection is tried only after the others. */
const DOWN_FOR_MS = 5000;

/**
 * Chooses executors. `route` returns every executor in the order to try: the first is the choice,
 * the rest is the failover order. State (round-robin positions, smooth-WRR weights, in-flight
 * calls) is per node and per job; it needs no coordination, since each fire is routed once.
 */
export class Router {
  private readonly random: () => number;
  private readonly counters = new Map<string, number>();
  private readonly weights = new Map<string, Map<string, number>>();
  private readonly rings = new Map<string, HashRing>();
  private readonly inflight = new Map<string, number>();
  private readonly down = new Map<string, number>();

  constructor(random: () => number = Math.random) {
    this.random = random;
  }

  /** `key` picks the point on the hash ring (job name, plus the shard's items when sharded). */
  route(job: string, strategy: RoutingStrategy, executors: readonly ExecutorInfo[], key: string): ExecutorInfo[] {
    if (executors.length <= 1) return [...executors];
    return this.reachableFirst(this.order(job, strategy, executors, key));
  }

  /** Counts a call in flight from this node (least-busy); call the returned function when it ends. */
  begin(url: string): () => void {
    this.inflight.set(url, (this.inflight.get(url) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const n = (this.inflight.get(url) ?? 1) - 1;
      if (n <= 0) this.inflight.delete(url);
      else this.inflight.set(url, n);
    };
  }

  /** An executor that could not be reached goes to the end of every candidate list for a while. */
  markDown(url: string, now = Date.now()): void {
    this.down.set(url, now + DOWN_FOR_MS);
  }

  markUp(url: string): void {
    this.down.delete(url);
  }

  /** How many of `list` are not marked down; all of them when every one is. */
  reachable(list: readonly ExecutorInfo[], now = Date.now()): number {
    const up = list.filter((e) => !this.isDown(e.url, now)).length;
    return up > 0 ? up : list.length;
  }

  private isDown(url: string, now: number): boolean {
    const until = this.down.get(url);
    if (until === undefined) return false;
    if (until > now) return true;
    this.down.delete(url);
    return false;
  }

  /** The list with the executors marked down moved to its end (a stable partition). */
  reachableFirst(list: ExecutorInfo[], now = Date.now()): ExecutorInfo[] {
    if (this.down.size === 0) return list;
    const up = list.filter((e) => !this.isDown(e.url, now));
    return up.length === list.length ? list : [...up, ...list.filter((e) => this.isDown(e.url, now))];
  }

  private order(job: string, strategy: RoutingStrategy, executors: readonly ExecutorInfo[], key: string): ExecutorInfo[] {
    switch (strategy) {
      case 'round-robin': {
        const n = this.counters.get(job) ?? 0;
        this.counters.set(job, (n + 1) % 1_000_000_007);
        return rotate(executors, n % executors.length);
      }
      case 'random': {
        const first = Math.floor(this.random() * executors.length);
        return [executors[first]!, ...this.shuffle(executors.filter((_, i) => i !== first))];
      }
      case 'weighted-round-robin':
        return this.smoothWeighted(job, executors);
      case 'weighted-random':
        return this.weightedSample(executors);
      case 'consistent-hash':
        return this.ring(executors).walk(key).map((i) => executors[i]!);
      case 'least-busy': {
        const load = (e: ExecutorInfo) => (this.inflight.get(e.url) ?? 0) + e.busy;
        return executors.map((e, i) => ({ e, i, load: load(e) })).sort((a, b) => a.load - b.load || a.i - b.i).map((x) => x.e);
      }
      case 'failover':
        return [...executors];
    }
  }

  /**
   * nginx's smooth weighted round-robin: every pick adds each weight to its current value, takes
   * the largest and subtracts the total from it, so weights 5:1:1 give a a b a c a a, not a×5 b c.
   */
  private smoothWeighted(job: string, executors: readonly ExecutorInfo[]): ExecutorInfo[] {
    let current = this.weights.get(job);
    if (!current) this.weights.set(job, (current = new Map()));
    if (current.size > executors.length || executors.some((e) => !current.has(e.url))) {
      for (const url of current.keys()) if (!executors.some((e) => e.url === url)) current.delete(url);
    }
    let total = 0;
    let best = 0;
    executors.forEach((e, i) => {
      const value = (current.get(e.url) ?? 0) + e.weight;
      current.set(e.url, value);
      total += e.weight;
      if (value > current.get(executors[best]!.url)!) best = i;
    });
    const chosen = executors[best]!;
    current.set(chosen.url, current.get(chosen.url)! - total);
    return rotate(executors, best);
  }

  /** Weighted draws without replacement: the first draw is the choice, later ones the failover order. */
  private weightedSample(executors: readonly ExecutorInfo[]): ExecutorInfo[] {
    const left = [...executors];
    const out: ExecutorInfo[] = [];
    let total = left.reduce((s, e) => s + e.weight, 0);
    while (left.length > 0) {
      let r = this.random() * total;
      let i = 0;
      while (i < left.length - 1 && r >= left[i]!.weight) r -= left[i++]!.weight;
      const [e] = left.splice(i, 1);
      out.push(e!);
      total -= e!.weight;
    }
    return out;
  }

  private shuffle(list: ExecutorInfo[]): ExecutorInfo[] {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  }

  private ring(executors: readonly ExecutorInfo[]): HashRing {
    const id = executors.map((e) => `${e.url}*${e.weight}`).join('\n');
    let ring = this.rings.get(id);
    if (!ring) {
      if (this.rings.size >= 256) this.rings.delete(this.rings.keys().next().value!);
      this.rings.set(id, (ring = new HashRing(executors)));
    }
    return ring;
  }
}

function rotate<T>(list: readonly T[], start: number): T[] {
  return [...list.slice(start), ...list.slice(0, start)];
}
