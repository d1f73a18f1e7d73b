import { createHash } from 'node:crypto';

/** Points on the ring per unit of weight, and the most any one executor gets. */
const POINTS_PER_WEIGHT = 128;
const MAX_POINTS = 4096;

function md5(text: string): Buffer {
  return createHash('md5').update(text).digest();
}

/** The key's position on the ring: the first 4 bytes of its MD5, as ketama does. */
export function ringPosition(key: string): number {
  return md5(key).readUInt32BE(0);
}

/**
 * A consistent-hash ring (ketama style): each executor owns many virtual points, so when one
 * leaves only the keys it owned move, spread over the others; the rest stay where they were.
 */
export class HashRing {
  private readonly points: Uint32Array;
  private readonly owners: Uint16Array;
  readonly members: readonly string[];

  constructor(members: readonly { url: string; weight: number }[]) {
    this.members = members.map((m) => m.url);
    const entries: [number, number][] = [];
    members.forEach((m, owner) => {
      const count = Math.min(MAX_POINTS, POINTS_PER_WEIGHT * m.weight);
      for (let i = 0; i * 4 < count; i++) {
        const digest = md5(`${m.url}#${i}`);
        for (let j = 0; j < 4 && i * 4 + j < count; j++) entries.push([digest.readUInt32BE(j * 4), owner]);
      }
    });
    entries.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    this.points = Uint32Array.from(entries, (e) => e[0]);
    this.owners = Uint16Array.from(entries, (e) => e[1]);
  }

  /** Member indexes in ring order from the key clockwise: the owner first, then the failover order. */
  walk(key: string): number[] {
    const n = this.points.length;
    if (n === 0) return [];
    const pos = ringPosition(key);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.points[mid]! < pos) lo = mid + 1;
      else hi = mid;
    }
    const order: number[] = [];
    const seen = new Set<number>();
    for (let k = 0; k < n && order.length < this.members.length; k++) {
      const owner = this.owners[(lo + k) % n]!;
      if (!seen.has(owner)) {
        seen.add(owner);
        order.push(owner);
      }
    }
    return order;
  }
}
