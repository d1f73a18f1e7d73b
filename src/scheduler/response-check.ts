import type { Job } from './spec.ts';

export type Expectation = NonNullable<NonNullable<Job['http']>['expect']>;

export interface CheckResult {
  readonly ok: boolean;
  /** Worth another attempt: the executor may answer differently next time. */
  readonly retryable: boolean;
  readonly error?: string;
}

export const EXCERPT_CHARS = 1000;

/** The first 1,000 characters of a response, for the attempt log. */
export function excerpt(body: string): string {
  return body.length <= EXCERPT_CHARS ? body : body.slice(0, EXCERPT_CHARS);
}

/**
 * Statuses worth a retry: 408, 429 and 5xx say "not now"; any other 4xx says the request itself
 * is wrong, and sending it again (to any executor) gives the same answer.
 */
export function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** `a.b.0.c` into parsed JSON; undefined when any step is missing. */
export function jsonPathValue(root: unknown, path: string): unknown {
  let value = root;
  for (const step of path.split('.').filter((s) => s !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

/**
 * Success is a 2xx status plus the optional body checks of `http.expect`. A 2xx whose body fails
 * the check is retried: it is the executor reporting a failure in its own words.
 */
export function checkResponse(status: number, body: string, expect: Expectation | undefined): CheckResult {
  if (status < 200 || status > 299) {
    return { ok: false, retryable: retryableStatus(status), error: `HTTP ${status}` };
  }
  if (!expect) return { ok: true, retryable: false };
  if (expect.bodyContains !== undefined && !body.includes(expect.bodyContains)) {
    return { ok: false, retryable: true, error: `the response does not contain ${JSON.stringify(expect.bodyContains)}` };
  }
  if (expect.jsonPath !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, retryable: true, error: `the response is not JSON, so ${expect.jsonPath} cannot be checked` };
    }
    const actual = jsonPathValue(parsed, expect.jsonPath);
    if (expect.equals !== undefined && actual !== expect.equals) {
      return { ok: false, retryable: true, error: `${expect.jsonPath} is ${JSON.stringify(actual) ?? 'missing'}, expected ${JSON.stringify(expect.equals)}` };
    }
    if (expect.equals === undefined && actual === undefined) {
      return { ok: false, retryable: true, error: `the response has no ${expect.jsonPath}` };
    }
  }
  return { ok: true, retryable: false };
}
