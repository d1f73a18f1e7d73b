import type { CompiledRule } from '../../rules/compiled-rule.ts';
import type { Sink, SinkContext, SinkRecord } from '../types.ts';
import { buildEnvelope } from './envelope.ts';
import { displayUrl, sendRequest, type HttpRequest } from './request.ts';
import { responseError } from './response-error.ts';
import { signPayload } from './signature.ts';
import type { HttpOptions } from './spec.ts';
import { wireHeaders } from './wire-headers.ts';

/** Where a rule's records go: its url and headers, merged over the target's. */
interface Endpoint {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Equal for endpoints that can share a request. */
  readonly key: string;
}

/** String entries of a header map, names lower-cased so a rule's header replaces the target's. */
function headerMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== 'object') return {};
  return Object.fromEntries(
    Object.entries(value).flatMap(([name, v]) => (typeof v === 'string' ? [[name.toLowerCase(), v]] : [])),
  );
}

/**
 * Delivers batches to a webhook (see docs.ts for the wire format). Records are grouped by
 * endpoint, keeping their order, and each group is sent in requests of at most
 * `maxEventsPerRequest` events, one at a time.
 */
export class HttpSink implements Sink {
  /** Concurrent requests may arrive in any order, so the runner sends one at a time. */
  readonly ordered = false;
  readonly #options: HttpOptions;
  readonly #context: SinkContext;
  readonly #endpoints = new WeakMap<CompiledRule, Endpoint>();

  constructor(options: HttpOptions, context: SinkContext) {
    this.#options = options;
    this.#context = context;
  }

  async open(): Promise<void> {
    // Nothing to set up: fetch opens (and pools) connections on demand.
  }

  async write(records: readonly SinkRecord[], signal?: AbortSignal): Promise<void> {
    const max = this.#options.maxEventsPerRequest;
    for (const { endpoint, records: group } of this.#group(records)) {
      for (let start = 0; start < group.length; start += max) {
        await this.#deliver(endpoint, group.slice(start, start + max), signal);
      }
    }
  }

  /** Reachability only: any HTTP answer to a HEAD request counts, whatever its status. */
  async ping(signal?: AbortSignal): Promise<void> {
    const { url, headers, timeout } = this.#options;
    await sendRequest({ url, method: 'HEAD', headers, timeoutMs: timeout, signal });
  }

  async close(): Promise<void> {
    // No resources of its own; safe to call any number of times.
  }

  #endpointOf(rule: CompiledRule): Endpoint {
    let endpoint = this.#endpoints.get(rule);
    if (endpoint === undefined) {
      const url = typeof rule.mapping.url === 'string' ? rule.mapping.url : this.#options.url;
      const headers = { ...headerMap(this.#options.headers), ...headerMap(rule.mapping.headers) };
      const sorted = Object.entries(headers).sort(([a], [b]) => a.localeCompare(b));
      endpoint = { url, headers, key: JSON.stringify([url, sorted]) };
      this.#endpoints.set(rule, endpoint);
    }
    return endpoint;
  }

  #group(records: readonly SinkRecord[]): { endpoint: Endpoint; records: SinkRecord[] }[] {
    const groups = new Map<string, { endpoint: Endpoint; records: SinkRecord[] }>();
    for (const record of records) {
      const endpoint = this.#endpointOf(record.rule);
      const group = groups.get(endpoint.key);
      if (group) group.records.push(record);
      else groups.set(endpoint.key, { endpoint, records: [record] });
    }
    return [...groups.values()];
  }

  async #deliver(endpoint: Endpoint, records: readonly SinkRecord[], signal: AbortSignal | undefined): Promise<void> {
    const envelope = buildEnvelope(records);
    const body = JSON.stringify(envelope);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers: Record<string, string> = {
      ...endpoint.headers,
      [wireHeaders.contentType]: 'application/json',
      [wireHeaders.batchId]: envelope.batchId,
      [wireHeaders.idempotencyKey]: envelope.batchId,
      [wireHeaders.timestamp]: timestamp,
    };
    const { signing } = this.#options;
    if (signing) {
      headers[wireHeaders.keyId] = signing.keyId;
      headers[signing.header] = signPayload({ secret: signing.secret, timestamp, body });
    }
    const request: HttpRequest = {
      url: endpoint.url,
      method: this.#options.method,
      headers,
      body,
      timeoutMs: this.#options.timeout,
      signal,
      details: {
        batchId: envelope.batchId,
        events: envelope.events.length,
        firstEventId: envelope.events[0]?.id,
        lastEventId: envelope.events.at(-1)?.id,
      },
    };
    const response = await sendRequest(request);
    const error = responseError(request, response);
    if (error) throw error;
    this.#context.logger.debug(
      { target: this.#context.name, url: displayUrl(endpoint.url), batchId: envelope.batchId, events: records.length, status: response.status },
      'http batch acknowledged',
    );
  }
}
