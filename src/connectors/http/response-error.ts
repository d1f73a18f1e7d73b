import { sluiceError, type SluiceError } from '../../core/errors.ts';
import { displayUrl, type HttpRequest, type HttpResponse } from './request.ts';

/** How much of a rejecting response body is kept for the operator (dead-letter details). */
const bodyExcerptLength = 500;

/**
 * The error for a response that does not acknowledge the request, or undefined for a 2xx.
 * 408, 429 and 5xx are retryable (SLUICE_3005); any other status, redirects included,
 * rejects the batch (SLUICE_3002) with the status and the start of the response body.
 */
export function responseError(request: HttpRequest, response: HttpResponse): SluiceError | undefined {
  const { status } = response;
  if (status >= 200 && status < 300) return undefined;
  const details: Record<string, unknown> = {
    ...request.details,
    url: displayUrl(request.url),
    method: request.method,
    status,
    body: response.text.slice(0, bodyExcerptLength),
  };
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null) details.retryAfter = retryAfter;
  const location = response.headers.get('location');
  if (location !== null) details.location = location;
  const message = `${request.method} ${displayUrl(request.url)} answered ${status} ${response.statusText}`.trimEnd();
  const retryable = status === 408 || status === 429 || status >= 500;
  return sluiceError(retryable ? 'SLUICE_3005' : 'SLUICE_3002', message, { details });
}
