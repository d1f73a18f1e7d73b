import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every Prometheus metric Sluice exports; one instance per process (or per test). */
export class Metrics {
  readonly registry = new Registry();

  readonly eventsIn = new Counter({
    name: 'sluice_events_in_total', help: 'Row changes read from the source', labelNames: ['table', 'op'] as const,
    registers: [this.registry],
  });
  readonly eventsOut = new Counter({
    name: 'sluice_events_out_total', help: 'Row changes acknowledged by a target', labelNames: ['target', 'table', 'op'] as const,
    registers: [this.registry],
  });
  readonly batchSeconds = new Histogram({
    name: 'sluice_batch_duration_seconds', help: 'Time from a batch being sent to its acknowledgement',
    labelNames: ['target'] as const, buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly retries = new Counter({
    name: 'sluice_retries_total', help: 'Batch write attempts that failed and were retried', labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly deadLettered = new Counter({
    name: 'sluice_dead_lettered_total', help: 'Row changes written to the dead-letter store', labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly lagSeconds = new Gauge({
    name: 'sluice_lag_seconds', help: 'Source commit time to target acknowledgement, last batch', labelNames: ['target'] as const,
    registers: [this.registry],
  });
  readonly checkpointTime = new Gauge({
    name: 'sluice_checkpoint_timestamp_seconds', help: 'Unix time the checkpoint was last persisted',
    registers: [this.registry],
  });
  readonly checkpointAge = new Gauge({
    name: 'sluice_checkpoint_age_seconds', help: 'Seconds since the checkpoint was last persisted',
    registers: [this.registry],
    collect: () => {
      const last = this.lastCheckpointAt;
      this.checkpointAge.set(last === 0 ? 0 : (Date.now() - last) / 1000);
    },
  });
  private lastCheckpointAt = 0;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'sluice_process_' });
  }

  checkpointSaved(at = Date.now()): void {
    this.lastCheckpointAt = at;
    this.checkpointTime.set(at / 1000);
  }
}
