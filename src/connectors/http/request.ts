import { errorMessage, sluiceError } from '../../core/errors.ts';

export interface HttpRequest {
  readonly url: string;
  readonly method: 'POST' | 'PUT' | 'HEAD';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  /** Facts added to the details of any error (batch id, event count). */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly text: string;
}

/** The URL as errors and logs may show it: no user info, no query string (tokens live there). */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function causeCode(err: unknown): string | undefined {
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? cause.code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One HTTP exchange bounded by `timeoutMs` (connect, headers and body). Resolves with any HTTP
 * response; rejects with SLUICE_3003 on timeout, SLUICE_3001 when the server cannot be reached,
 * and with the caller's abort reason, unchanged, when `signal` aborts.
 */
export async function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body ?? null,
      redirect: 'manual',
      signal,
    });
    const text = await response.text();
    return { status: response.status, statusText: response.statusText, headers: response.headers, text };
  } catch (err) {
    if (request.signal?.aborted) throw request.signal.reason;
    const target = `${request.method} ${displayUrl(request.url)}`;
    const details = { ...request.details, url: displayUrl(request.url), method: request.method };
    if (timeout.aborted) {
      throw sluiceError('SLUICE_3003', `${target} did not answer within ${request.timeoutMs}ms`, {
        cause: err,
        details: { ...details, timeoutMs: request.timeoutMs },
      });
    }
    const code = causeCode(err);
    const reason = code ?? errorMessage(err instanceof Error && err.cause !== undefined ? err.cause : err);
    throw sluiceError('SLUICE_3001', `${target} failed: ${reason}`, { cause: err, details: code ? { ...details, code } : details });
  }
}
