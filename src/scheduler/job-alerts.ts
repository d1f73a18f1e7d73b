import type { Logger } from '../core/logger.ts';
import { Alerter } from '../notify/alert.ts';
import type { FireContext, FireOutcome } from './fire-types.ts';

/** A fire's outcome as alerts see it: a failure whose last attempt ran out of time is a `timeout`. */
export type AlertOutcome = 'success' | 'failure' | 'timeout';

/**
 * Per-job alerts (`job.alerts`): one Alerter per job and alert settings, so the rate limit
 * (`every`) holds across fires. `failure` covers timeouts too; `on: [timeout]` alone alerts only
 * those. A cancelled fire (shutdown, takeover) is no outcome and raises nothing.
 */
export class JobAlerts {
  private readonly logger: Logger;
  private readonly alerters = new Map<string, { readonly settings: string; readonly alerter: Alerter }>();

  constructor(logger: Logger) {
    this.logger = logger;
  }

  /** Sends in the background; an alert must never hold up or fail the fire it reports. */
  notify(fire: FireContext, outcome: FireOutcome, kind: AlertOutcome, node: string): void {
    const alerts = fire.job.alerts;
    if (!alerts || outcome.status === 'cancelled') return;
    const wanted = alerts.on.includes(kind) || (kind === 'timeout' && alerts.on.includes('failure'));
    if (!wanted) return;
    const settings = JSON.stringify(alerts);
    let entry = this.alerters.get(fire.job.name);
    if (!entry || entry.settings !== settings) {
      const target = { ...(alerts.url ? { url: alerts.url } : {}), format: alerts.format, ...(alerts.email ? { email: alerts.email } : {}), every: alerts.every };
      entry = { settings, alerter: new Alerter(target, this.logger) };
      this.alerters.set(fire.job.name, entry);
    }
    const verb = kind === 'success' ? 'succeeded' : kind === 'timeout' ? 'timed out' : 'failed';
    void entry.alerter.raise({
      kind: `job-${kind}`,
      task: fire.job.name,
      title: `Sluice job ${fire.job.name} ${verb}`,
      text: outcome.error ?? `fire ${fire.fireId} (scheduled ${new Date(fire.scheduledAt).toISOString()}) ${verb}`,
      details: { fireId: fire.fireId, job: fire.job.name, trigger: fire.trigger, scheduledAt: fire.scheduledAt, node, status: outcome.status, result: outcome.result },
    });
  }
}
