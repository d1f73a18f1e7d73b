/**
 * At most `size` transactions hold a pool connection at once; more wait their turn. An engine
 * keeps one connection of its pool out of transactions: a writer that looks up table metadata
 * through the pool while its own transaction holds a connection would otherwise wait for ever once
 * every connection is held by such a writer (workers ≥ pool size).
 */
export class TransactionSlots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(poolSize: number) {
    this.free = Math.max(1, poolSize - 1);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
