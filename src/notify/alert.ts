import { errorMessage } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';

export type AlertFormat = 'generic' | 'dingtalk' | 'wecom' | 'slack';

export interface EmailTarget {
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly password?: string;
  readonly from: string;
  readonly to: readonly string[];
}

export interface AlertTarget {
  readonly url?: string;
  readonly format: AlertFormat;
  readonly email?: EmailTarget;
  /** At most one alert of a kind per this many milliseconds. */
  readonly every: number;
}

export interface Alert {
  /** What happened, e.g. `callbacks-failing`, `mismatch-rate`, `job-failed`; rate limits are per task and kind. */
  readonly kind: string;
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
    const sent = await Promise.all([
      this.target.url ? this.attempt(alert, 'webhook', () => this.webhook(this.target.url!, alert)) : false,
      this.target.email ? this.attempt(alert, 'email', () => sendEmail(this.target.email!, alert)) : false,
    ]);
    return sent.some(Boolean);
  }

  private async attempt(alert: Alert, channel: string, send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      this.logger.warn({ task: alert.task, kind: alert.kind, channel, err: errorMessage(err) }, 'alert could not be sent');
      return false;
    }
  }

  private async webhook(url: string, alert: Alert): Promise<void> {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alertBody(this.target.format, alert)), signal: AbortSignal.timeout(5000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  }
}

/** One alert as a plain-text e-mail (nodemailer, loaded only when e-mail alerts are configured). */
async function sendEmail(target: EmailTarget, alert: Alert): Promise<void> {
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: target.host, port: target.port, secure: target.port === 465,
    ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
    connectionTimeout: 5000, greetingTimeout: 5000, socketTimeout: 10_000,
  });
  try {
    await transport.sendMail({ from: target.from, to: [...target.to], subject: alert.title, text: `${alert.text}\n\n${JSON.stringify(alert.details, null, 2)}` });
  } finally {
    transport.close();
  }
}
