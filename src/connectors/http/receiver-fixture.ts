import type { IncomingHttpHeaders } from 'node:http';
import { serveLoopback } from '../../../test/services/loopback-http.ts';

/** A request as the loopback receiver saw it, body kept raw for signature checks. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** How the receiver answers a request; `hang` never answers (for timeouts). */
export type Reply = { readonly status: number; readonly body?: string; readonly headers?: Record<string, string> } | 'hang';

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A real node:http webhook receiver on 127.0.0.1, on a free port, for tests. */
export async function startReceiver(reply: (request: ReceivedRequest) => Reply = () => ({ status: 200 })): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = await serveLoopback((req, body, res) => {
    const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
    requests.push(request);
    const answer = reply(request);
    if (answer !== 'hang') res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  return { url: `${server.url}/hook`, requests, close: server.close };
}

/** A loopback URL on which nothing listens: the port was bound, then released. */
export async function closedPortUrl(): Promise<string> {
  const receiver = await startReceiver();
  await receiver.close();
  return receiver.url;
}
