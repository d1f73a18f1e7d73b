import { z } from 'zod';
import { duration } from '../../core/units.ts';
import { defineConnector } from '../types.ts';
import { httpDescription, httpExample } from './docs.ts';
import { wireHeaders } from './wire-headers.ts';

/** Headers Sluice or fetch set; configured headers may not replace them. */
const reservedHeaders: readonly string[] = [wireHeaders.contentType, 'content-length', 'host', wireHeaders.idempotencyKey];
const reservedPrefix = 'x-sluice-';
/** Names the signature header may not take. */
const takenBySigning: readonly string[] = [...reservedHeaders, wireHeaders.batchId, wireHeaders.timestamp, wireHeaders.keyId];

const isReserved = (name: string) => {
  const lower = name.toLowerCase();
  return reservedHeaders.includes(lower) || lower.startsWith(reservedPrefix);
};

const headerToken = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const notAHeaderName = 'is not a valid HTTP header name';

/** Header map; names are checked here rather than as record keys so the message says what is wrong. */
const headers = z.record(z.string(), z.string().regex(/^[^\r\n\0]*$/, 'must not contain line breaks')).superRefine((map, ctx) => {
  for (const name of Object.keys(map)) {
    if (!headerToken.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: notAHeaderName });
    else if (isReserved(name)) ctx.addIssue({ code: 'custom', path: [name], message: `is set by Sluice (${reservedHeaders.join(', ')}, ${reservedPrefix}*)` });
  }
});

const url = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

const urlDescription = 'Endpoint that receives the batches (http:// or https://).';
const headersDescription =
  'Extra request headers, e.g. `authorization: Bearer ${TOKEN}`. Names starting with `x-sluice-`, ' +
  '`content-type`, `content-length`, `host` and `idempotency-key` are set by Sluice.';

const signing = z.strictObject({
  keyId: z.string().min(1).meta({ description: 'Key id sent in `x-sluice-key-id`; receivers pick the secret by it, which allows rotation.' }),
  secret: z.string().min(16).meta({ description: 'HMAC-SHA256 secret, at least 16 characters. Use `${ENV_VAR}` rather than a literal.', writeOnly: true }),
  header: z
    .string()
    .regex(headerToken, notAHeaderName)
    .refine((name) => !takenBySigning.includes(name.toLowerCase()), { message: 'is already used by Sluice' })
    .default(wireHeaders.signature)
    .meta({ description: 'Header that carries the signature `v1=<hex>`.' }),
});

export const httpOptions = z.strictObject({
  url: url.meta({ description: urlDescription }),
  method: z.enum(['POST', 'PUT']).default('POST').meta({ description: 'HTTP method of the delivery requests.' }),
  headers: headers.default({}).meta({ description: headersDescription }),
  timeout: duration().prefault('10s').meta({ description: 'Time allowed for one request, from connect to the end of the response, e.g. `10s`.' }),
  maxEventsPerRequest: z.int().min(1).default(500).meta({
    description: 'Largest number of events in one request body; a larger batch is sent as several requests, in order.',
  }),
  signing: signing.optional().meta({
    description: 'Signs every request with HMAC-SHA256 so receivers can check origin and integrity (see "Signature").',
  }),
  envelope: z.enum(['sluice']).default('sluice').meta({ description: 'Request body format; `sluice` is described above.' }),
});

/** Per-rule override: send the rule's tables to another endpoint or with other headers. */
export const httpMapping = z.strictObject({
  url: url.optional().meta({ description: `${urlDescription} Overrides the target's url for the rule's tables.` }),
  headers: headers.optional().meta({ description: `${headersDescription} Merged over the target's headers.` }),
});

export type HttpOptions = z.output<typeof httpOptions>;

export const httpSpec = defineConnector({
  type: 'http',
  title: 'HTTP webhook',
  description: httpDescription,
  options: httpOptions,
  mapping: httpMapping,
  example: httpExample,
  createSink: async (options, context) => {
    const { HttpSink } = await import('./sink.ts');
    return new HttpSink(options, context);
  },
});
