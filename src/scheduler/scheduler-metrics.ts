import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Metrics of `sluice schedule`, registered next to Sluice's others. */
export class SchedulerMetrics {
  readonly fires: Counter<'job' | 'status'>;
  readonly lag: Histogram<'trigger'>;
  readonly inFlight: Gauge;
  readonly partitions: Gauge;
  readonly misfires: Counter<'job' | 'action'>;
  readonly takeovers: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.fires = new Counter({ name: 'sluice_schedule_fires_total', help: 'Fires that reached a final status, by job and status', labelNames: ['job', 'status'] as const, registers });
    this.lag = new Histogram({
      name: 'sluice_schedule_fire_lag_seconds', help: 'Start of a fire minus its scheduled time', labelNames: ['trigger'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30], registers,
    });
    this.inFlight = new Gauge({ name: 'sluice_schedule_runs_in_flight', help: 'Fires running on this node', registers });
    this.partitions = new Gauge({ name: 'sluice_schedule_partitions_owned', help: 'Partitions this node holds the lease of', registers });
    this.misfires = new Counter({ name: 'sluice_schedule_misfires_total', help: 'Missed slots found after the scheduler was away, by what the policy did', labelNames: ['job', 'action'] as const, registers });
    this.takeovers = new Counter({ name: 'sluice_schedule_recovered_fires_total', help: 'Pending or running fires taken over from a node that stopped or died', registers });
  }
}
