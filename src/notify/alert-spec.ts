import { z } from 'zod';
import { duration } from '../core/units.ts';

/** SMTP settings of e-mail alerts (verify watch, scheduled jobs). */
export const emailAlertSchema = z.object({
  host: z.string().meta({ description: 'SMTP server.' }),
  port: z.number().int().min(1).max(65535).default(587).meta({ description: 'SMTP port (465 implies TLS).' }),
  user: z.string().optional().meta({ description: 'SMTP user.' }),
  password: z.string().optional().meta({ description: 'SMTP password; use `${ENV_VAR}`.' }),
  from: z.string().meta({ description: 'Sender address.' }),
  to: z.array(z.string()).min(1).meta({ description: 'Recipients.' }),
}).strict();

/** Where alerts go: a chat/webhook URL in one of the known formats, e-mail, or both. */
export const alertChannelFields = {
  url: z.string().url().optional().meta({ description: 'Webhook that receives alerts.' }),
  format: z.enum(['generic', 'dingtalk', 'wecom', 'slack']).default('generic').meta({ description: 'Body format: `generic` JSON, or the text message of DingTalk, WeCom or Slack incoming webhooks.' }),
  email: emailAlertSchema.optional().meta({ description: 'E-mail alerts through SMTP.' }),
  every: duration().default(600_000).meta({ description: 'At most one alert of a kind per task this often.' }),
};

export const needsAChannel = [(a: { url?: string | undefined; email?: unknown }) => a.url !== undefined || a.email !== undefined, 'give a webhook `url`, an `email` block, or both'] as const;
