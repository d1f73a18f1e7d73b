import { sleep } from '../pipeline/retry.ts';

/**
 * Load limits shared by a task's workers: a token bucket for rows per second, and a chunk size that
 * adapts to a target time per chunk (an exponentially weighted rate, as pt-table-checksum does).
 */
export class Throttle {
  private readonly rowsPerSecond: number | undefined;
  private readonly chunkTime: number | undefined;
  private readonly minRows: number;
  private readonly maxRows: number;
  private tokens: number;
  private last = Date.now();
  private rate = 0;
  private size: number;

  constructor(options: { rowsPerSecond?: number; chunkTime?: number; readBatch: number }) {
    this.rowsPerSecond = options.rowsPerSecond;
    this.chunkTime = options.chunkTime;
    this.size = options.readBatch;
    this.minRows = Math.min(100, options.readBatch);
    this.maxRows = options.readBatch * 10;
    this.tokens = options.rowsPerSecond ?? 0;
  }

  /** Rows for the next chunk. */
  get chunkRows(): number {
    return this.size;
  }

  /** Waits until `rows` may be written without exceeding rowsPerSecond. */
  async admit(rows: number, signal?: AbortSignal): Promise<void> {
    if (!this.rowsPerSecond) return;
    const now = Date.now();
    this.tokens = Math.min(this.rowsPerSecond, this.tokens + ((now - this.last) / 1000) * this.rowsPerSecond);
    this.last = now;
    this.tokens -= rows;
    if (this.tokens < 0) await sleep((-this.tokens / this.rowsPerSecond) * 1000, signal);
  }

  /** Feeds back one chunk's time, so the next chunks aim at chunkTime. */
  observe(rows: number, ms: number): void {
    if (!this.chunkTime || rows === 0) return;
    const perMs = rows / Math.max(ms, 1);
    this.rate = this.rate === 0 ? perMs : 0.7 * this.rate + 0.3 * perMs;
    this.size = Math.round(Math.min(this.maxRows, Math.max(this.minRows, this.rate * this.chunkTime)));
  }
}
