import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export type AlertFormat = 'generic' | 'dingtalk' | 'wecom' | 'slack';

export interface AlertTarget {
  readonly url: string;
  readonly format: AlertFormat;
  /** At most one alert of a kind per this many milliseconds. */
  readonly every: number;
}

export interface Alert {
  readonly kind: 'callbacks-failing' | 'mismatch-rate';
  readonly task: string;
  readonly title: string;
  readonly text: string;
  readonly details: Record<string, unknown>;
}

/** The request body each chat tool expects for a plain text message. */
export function alertBody(format: AlertFormat, alert: Alert): unknown {
  const text = `${alert.title}\n${alert.text}`;
  switch (format) {
    case 'dingtalk':
    case 'wecom':
      return { msgtype: 'text', text: { content: text } };
    case 'slack':
      return { text };
    default:
      return { source: 'sluice', ...alert, at: new Date().toISOString() };
  }
}

/**
 * Sends alerts to a webhook, at most one per kind and task every `every` ms. A failing alert is
 * logged, never thrown: alerting must not stop the checks it reports on.
 */
export class Alerter {
  private readonly target: AlertTarget;
  private readonly logger: Logger;
  private readonly last = new Map<string, number>();

  constructor(target: AlertTarget, logger: Logger) {
    this.target = target;
    this.logger = logger;
  }

  /** True when the alert was sent (not suppressed by the rate limit). */
  async raise(alert: Alert, now = Date.now()): Promise<boolean> {
    const id = `${alert.task}\u0000${alert.kind}`;
    const previous = this.last.get(id);
    if (previous !== undefined && now - previous < this.target.every) return false;
    this.last.set(id, now);
    try {
      const res = await fetch(this.target.url, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alertBody(this.target.format, alert)), signal: AbortSignal.timeout(5000),
      });
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return true;
    } catch (err) {
      this.logger.warn({ task: alert.task, kind: alert.kind, err: errorMessage(err) }, 'alert could not be sent');
      return false;
    }
  }
}
