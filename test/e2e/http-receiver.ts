import type { IncomingHttpHeaders } from 'node:http';
import { serveLoopback } from '../services/loopback-http.ts';

export interface ReceivedRequest {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly json: { batchId: string; events: Record<string, unknown>[] };
}

/** A real webhook receiver on loopback; `respond` decides the status of each request. */
export async function startReceiver(respond: (req: ReceivedRequest) => number = () => 200) {
  const requests: ReceivedRequest[] = [];
  const server = await serveLoopback((req, body, res) => {
    if (req.method !== 'POST') return void res.writeHead(204).end();
    const received = { headers: req.headers, body, json: JSON.parse(body) as ReceivedRequest['json'] };
    const status = respond(received);
    if (status >= 200 && status < 300) requests.push(received);
    res.writeHead(status).end();
  });
  return {
    url: `${server.url}/hook`,
    requests,
    events: () => requests.flatMap((r) => r.json.events),
    close: server.close,
  };
}
