import { sluiceError } from '../core/errors.ts';

/** Values a `{{name}}` placeholder can take: the fire's own fields and the job's `params`. */
export type TemplateValues = Readonly<Record<string, unknown>>;

const placeholder = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;
const whole = /^\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}$/;

/** A value as text: strings as they are, everything else as JSON (arrays of shard items too). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function lookup(values: TemplateValues, name: string, where: string): unknown {
  if (!Object.hasOwn(values, name)) {
    throw sluiceError('SLUICE_7220', `${where}: {{${name}}} is not a parameter of this fire (known: ${Object.keys(values).join(', ')})`);
  }
  return values[name];
}

/**
 * Replaces each `{{name}}`. With `encode`, each value is URL-encoded, so a parameter can never
 * add a path segment or a query parameter of its own. An unknown name fails the fire instead of
 * silently calling the executor with a hole in the URL.
 */
export function renderTemplate(text: string, values: TemplateValues, where: string, encode = false): string {
  return text.replace(placeholder, (_, name: string) => {
    const value = asText(lookup(values, name, where));
    return encode ? encodeURIComponent(value) : value;
  });
}

/**
 * Templates the strings inside a JSON body. A string that is exactly one placeholder takes the
 * value itself (a number stays a number, `{{shardItems}}` a list).
 */
export function renderJson(value: unknown, values: TemplateValues, where: string): unknown {
  if (typeof value === 'string') {
    const single = whole.exec(value);
    return single ? lookup(values, single[1]!, where) ?? null : renderTemplate(value, values, where);
  }
  if (Array.isArray(value)) return value.map((v) => renderJson(v, values, where));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderJson(v, values, where)]));
  }
  return value;
}
