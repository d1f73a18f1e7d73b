import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import { formatPosition, type BinlogPosition } from '../core/position.ts';
import type { MetadataStore } from '../store/metadata-store.ts';

/**
 * Persists the pipeline's resume point. `advance` is called only with the position of a batch
 * that every target has acknowledged (or dead-lettered), so the stored checkpoint never passes
 * an unacknowledged write. Writes are coalesced to one per interval, plus a final one on stop.
 */
export class Checkpointer {
  private latest: BinlogPosition | undefined;
  private saved: BinlogPosition | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly pipeline: string;
  private readonly store: MetadataStore;
  private readonly metrics: Metrics;
  private readonly logger: Logger;

  constructor(pipeline: string, store: MetadataStore, metrics: Metrics, logger: Logger, interval: number) {
    this.pipeline = pipeline;
    this.store = store;
    this.metrics = metrics;
    this.logger = logger;
    this.timer = setInterval(() => void this.flush().catch((err: Error) => this.logger.error({ err: err.message }, 'checkpoint save failed')), interval);
    this.timer.unref();
  }

  get position(): BinlogPosition | undefined {
    return this.latest;
  }

  advance(position: BinlogPosition): void {
    this.latest = position;
  }

  /** Saves the latest acknowledged position if it changed; serialized so saves never reorder. */
  flush(): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(async () => {
      const target = this.latest;
      if (!target || target === this.saved) return;
      await this.store.saveCheckpoint(this.pipeline, target);
      this.saved = target;
      this.metrics.checkpointSaved();
      this.logger.debug({ position: formatPosition(target) }, 'checkpoint saved');
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
