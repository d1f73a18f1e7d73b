import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Outbox, OutboxStatus } from './outbox.ts';

/** Metrics of `sluice verify --watch`, registered next to Sluice's others. */
export class VerifyMetrics {
  readonly rowsChecked: Counter<'task'>;
  readonly mismatches: Counter<'task' | 'kind'>;
  readonly callbackSeconds: Histogram<'task'>;
  readonly callbackFailures: Counter<'task'>;
  private readonly outboxes: Outbox[] = [];

  constructor(registry: Registry) {
    const registers = [registry];
    this.rowsChecked = new Counter({ name: 'sluice_verify_rows_checked_total', help: 'Source rows compared with the targets', labelNames: ['task'] as const, registers });
    this.mismatches = new Counter({ name: 'sluice_verify_mismatches_total', help: 'Rows still different after the grace period, reported by callback', labelNames: ['task', 'kind'] as const, registers });
    this.callbackSeconds = new Histogram({
      name: 'sluice_callback_duration_seconds', help: 'Callback request time (success or failure)', labelNames: ['task'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3, 10], registers,
    });
    this.callbackFailures = new Counter({ name: 'sluice_callback_failures_total', help: 'Callback attempts that failed', labelNames: ['task'] as const, registers });
    const outboxes = this.outboxes;
    const depth = new Gauge({
      name: 'sluice_outbox_depth', help: 'Callbacks in the outbox by queue', labelNames: ['status'] as const, registers,
      async collect() {
        const totals: Record<OutboxStatus, number> = { pending: 0, slow: 0, dead: 0, sent: 0 };
        for (const o of outboxes) for (const [s, n] of Object.entries(await o.depth())) totals[s as OutboxStatus] += n;
        for (const [s, n] of Object.entries(totals)) depth.set({ status: s }, n);
      },
    });
  }

  /** Reports this outbox's depth (outboxes over the same store count once). */
  watch(outbox: Outbox): void {
    if (this.outboxes.length === 0) this.outboxes.push(outbox);
  }
}
